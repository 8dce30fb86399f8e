// Connect an ad account or edit one (admins): name and the platform's credentials, which the service never shows
// back; platform, account id and currency are fixed once connected.
import { Alert, Button, Group, Modal, PasswordInput, Select, Stack, Text, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent, type ReactNode } from 'react';
import { api, unwrap } from '../../api/client';
import { fieldError } from '../Members/AddMemberModal';
import { ACCOUNT_ID_HINTS, AD_CREDENTIAL_FIELDS, AD_PLATFORM_NAMES, AD_PLATFORMS, type AdAccountView, type AdPlatform } from './ad-fields';

interface Props {
  account: AdAccountView | null;
  opened: boolean;
  onClose: () => void;
  onSaved: (account: AdAccountView) => void;
}

export function AdAccountForm(props: Props): ReactNode {
  return props.opened ? <AdAccountFormBody key={props.account?.id ?? 'new'} {...props} /> : null;
}

function AdAccountFormBody({ account, opened, onClose, onSaved }: Props): ReactNode {
  const queryClient = useQueryClient();
  const editing = account !== null;
  const [platform, setPlatform] = useState<AdPlatform>(account?.platform ?? 'meta');
  const [accountId, setAccountId] = useState('');
  const [name, setName] = useState(account?.name ?? '');
  const [currency, setCurrency] = useState('EUR');
  const [credentials, setCredentials] = useState<Record<string, string>>({});
  const fields = AD_CREDENTIAL_FIELDS[platform];
  const filled = Object.fromEntries(fields.map((f) => [f.name, (credentials[f.name] ?? '').trim()] as const).filter(([, v]) => v !== ''));

  const save = useMutation({
    mutationFn: () =>
      editing
        ? unwrap(
            api.PATCH('/api/ad-accounts/{id}', {
              params: { path: { id: account.id } },
              body: { name: name.trim(), ...(Object.keys(filled).length > 0 ? { credentials: filled } : {}) },
            }),
          )
        : unwrap(api.POST('/api/ad-accounts', { body: { platform, platformAccountId: accountId.trim(), name: name.trim(), currency: currency.trim().toUpperCase(), credentials: filled } })),
    onSuccess: async (saved) => {
      await queryClient.invalidateQueries({ queryKey: ['ad-accounts'] });
      onSaved(saved);
    },
  });

  const submit = (event: FormEvent): void => {
    event.preventDefault();
    save.mutate();
  };

  const errors = {
    platformAccountId: fieldError(save.error, 'platformAccountId'),
    name: fieldError(save.error, 'name'),
    currency: fieldError(save.error, 'currency'),
    credentials: fieldError(save.error, 'credentials'),
  };
  const credentialErrors = Object.fromEntries(fields.map((f) => [f.name, fieldError(save.error, `credentials.${f.name}`)]));
  const shownSomewhere = [...Object.values(errors), ...Object.values(credentialErrors)].some(Boolean);
  const title = editing ? `Edit ${account.name}` : 'Add an ad account';

  return (
    <Modal opened={opened} onClose={onClose} title={title} size="lg" centered closeButtonProps={{ 'aria-label': 'Close' }}>
      <form onSubmit={submit} noValidate aria-label={title}>
        <Stack>
          {save.error ? (
            <Alert color="red" role="alert" title={editing ? 'Not saved' : 'Not added'}>
              {shownSomewhere ? 'Some fields need attention: see the messages under them.' : save.error.message}
            </Alert>
          ) : null}
          {editing ? (
            <Text size="sm">
              {AD_PLATFORM_NAMES[account.platform]} account <strong>{account.platformAccountId}</strong> in {account.currency}
            </Text>
          ) : (
            <>
              <Select
                label="Platform"
                required
                data={AD_PLATFORMS.map((value) => ({ value, label: AD_PLATFORM_NAMES[value] }))}
                value={platform}
                onChange={(value) => {
                  if (value) {
                    setPlatform(value);
                    setCredentials({});
                  }
                }}
                allowDeselect={false}
              />
              <TextInput label="Account ID" required description={ACCOUNT_ID_HINTS[platform]} value={accountId} onChange={(e) => setAccountId(e.currentTarget.value)} error={errors.platformAccountId} maxLength={40} />
            </>
          )}
          <TextInput label="Name" required value={name} onChange={(e) => setName(e.currentTarget.value)} error={errors.name} maxLength={100} />
          {editing ? null : (
            <TextInput label="Currency" required description="ISO 4217 code of the account's currency, e.g. EUR" value={currency} onChange={(e) => setCurrency(e.currentTarget.value)} error={errors.currency} maxLength={3} />
          )}
          {editing ? (
            <Text size="sm" c="dimmed">
              Stored: {account.credentialFields.join(', ') || 'nothing'}. The service never shows them. Leave the fields empty to keep them; new ones replace the old ones whole.
            </Text>
          ) : null}
          {errors.credentials ? (
            <Text size="sm" c="red" role="alert">
              {errors.credentials}
            </Text>
          ) : null}
          {fields.map((field) => {
            const stored = editing && account.credentialFields.includes(field.name);
            const common = {
              label: field.label,
              required: !field.optional && !editing,
              description: stored ? 'Stored' : undefined,
              placeholder: stored ? 'stored (unchanged)' : undefined,
              value: credentials[field.name] ?? '',
              onChange: (e: React.ChangeEvent<HTMLInputElement>) => {
                const value = e.currentTarget.value;
                setCredentials((old) => ({ ...old, [field.name]: value }));
              },
              error: credentialErrors[field.name],
            };
            return field.secret ? <PasswordInput key={field.name} {...common} autoComplete="new-password" /> : <TextInput key={field.name} {...common} autoComplete="off" />;
          })}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={save.isPending}>
              {editing ? 'Save' : 'Add the ad account'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
