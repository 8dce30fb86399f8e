// Add a channel or edit one: name, handle, the platform's credentials (write-only: the service says only which
// fields are stored), fallback channels in order and the failover policy. Field errors from the service show under
// their fields.
import { Alert, Button, Divider, Group, Modal, MultiSelect, NumberInput, PasswordInput, Select, Stack, Text, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent, type ReactNode } from 'react';
import { api, unwrap } from '../../api/client';
import { PLATFORMS, platformName, type Platform } from '../../platforms';
import { fieldError } from '../Members/AddMemberModal';
import { FAILOVER_LABELS, fieldsFor, X_AUTH_TYPES, type ChannelView } from './credential-fields';

type FailoverPolicy = ChannelView['failoverPolicy'];

interface Props {
  /** The channel being edited, or null to add one. */
  channel: ChannelView | null;
  channels: ChannelView[];
  opened: boolean;
  onClose: () => void;
  onSaved: (channel: ChannelView) => void;
}

export function ChannelForm(props: Props): ReactNode {
  // A fresh form each time it opens, or for another channel.
  return props.opened ? <ChannelFormBody key={props.channel?.id ?? 'new'} {...props} /> : null;
}

function ChannelFormBody({ channel, channels, opened, onClose, onSaved }: Props): ReactNode {
  const queryClient = useQueryClient();
  const editing = channel !== null;
  const [platform, setPlatform] = useState<Platform>(channel?.platform ?? 'mastodon');
  const [name, setName] = useState(channel?.name ?? '');
  const [handle, setHandle] = useState(channel?.handle ?? '');
  const [xAuthType, setXAuthType] = useState(channel?.credentialFields.includes('appKey') ? 'oauth1' : 'oauth2');
  const [credentials, setCredentials] = useState<Record<string, string>>({});
  const [fallbacks, setFallbacks] = useState<string[]>(channel?.fallbackChannelIds ?? []);
  const [policy, setPolicy] = useState<FailoverPolicy>(channel?.failoverPolicy ?? 'off');
  const [afterMinutes, setAfterMinutes] = useState<number | string>(channel?.failoverAfterMinutes ?? 15);

  const fields = fieldsFor(platform, xAuthType);
  const filled = Object.fromEntries(
    fields.map((field) => [field.name, (credentials[field.name] ?? '').trim()] as const).filter(([, value]) => value !== ''),
  );
  const replacingCredentials = !editing || Object.keys(filled).length > 0;
  const credentialBody = platform === 'x' ? { authType: xAuthType, ...filled } : filled;
  const failover = {
    failoverPolicy: policy,
    ...(policy === 'auto' && typeof afterMinutes === 'number' ? { failoverAfterMinutes: afterMinutes } : {}),
  };

  const save = useMutation({
    mutationFn: () =>
      editing
        ? unwrap(
            api.PATCH('/api/channels/{id}', {
              params: { path: { id: channel.id } },
              body: { name: name.trim(), handle: handle.trim(), fallbackChannelIds: fallbacks, ...failover, ...(replacingCredentials ? { credentials: credentialBody } : {}) },
            }),
          )
        : unwrap(
            api.POST('/api/channels', {
              body: { platform, name: name.trim(), handle: handle.trim(), credentials: credentialBody, fallbackChannelIds: fallbacks, ...failover },
            }),
          ),
    onSuccess: async (saved) => {
      await queryClient.invalidateQueries({ queryKey: ['channels'] });
      onSaved(saved);
    },
  });

  const submit = (event: FormEvent): void => {
    event.preventDefault();
    save.mutate();
  };

  const errors = {
    name: fieldError(save.error, 'name'),
    handle: fieldError(save.error, 'handle'),
    platform: fieldError(save.error, 'platform'),
    credentials: fieldError(save.error, 'credentials'),
    authType: fieldError(save.error, 'credentials.authType'),
    fallbackChannelIds: fieldError(save.error, 'fallbackChannelIds'),
    failoverPolicy: fieldError(save.error, 'failoverPolicy'),
    failoverAfterMinutes: fieldError(save.error, 'failoverAfterMinutes'),
  };
  const credentialErrors = Object.fromEntries(fields.map((field) => [field.name, fieldError(save.error, `credentials.${field.name}`)]));
  const shownSomewhere = [...Object.values(errors), ...Object.values(credentialErrors)].some(Boolean);
  const others = channels.filter((other) => other.id !== channel?.id);

  return (
    <Modal opened={opened} onClose={onClose} title={editing ? `Edit ${channel.name}` : 'Add a channel with tokens'} size="lg" centered closeButtonProps={{ 'aria-label': 'Close' }}>
      <form onSubmit={submit} noValidate aria-label={editing ? `Edit ${channel.name}` : 'Add a channel with tokens'}>
        <Stack>
          {save.error ? (
            <Alert color="red" role="alert" title={editing ? 'Not saved' : 'Not added'}>
              {shownSomewhere ? 'Some fields need attention: see the messages under them.' : save.error.message}
            </Alert>
          ) : null}
          {editing ? (
            <Text size="sm">
              Platform: <strong>{platformName(channel.platform)}</strong>
            </Text>
          ) : (
            <Select
              label="Platform"
              required
              data={PLATFORMS.map((value) => ({ value, label: platformName(value) }))}
              value={platform}
              onChange={(value) => {
                if (value) {
                  setPlatform(value);
                  setCredentials({});
                }
              }}
              allowDeselect={false}
              error={errors.platform}
            />
          )}
          {/* Issue 15 adds OAuth "Connect with <platform>" buttons here, above the fields typed by hand. */}
          <div data-testid="oauth-connect-slot" />
          <TextInput label="Name" required description="How the channel is called in the console" value={name} onChange={(e) => setName(e.currentTarget.value)} error={errors.name} maxLength={100} data-autofocus />
          <TextInput label="Handle" required description="The account as people see it, e.g. @brand" value={handle} onChange={(e) => setHandle(e.currentTarget.value)} error={errors.handle} maxLength={200} />

          <Divider label={`${platformName(platform)} credentials`} labelPosition="left" />
          {editing ? (
            <Text size="sm" c="dimmed" data-testid="credentials-stored">
              {channel.credentialFields.length > 0 ? `Stored: ${channel.credentialFields.join(', ')}. ` : 'No credentials are stored. '}
              The service never shows them. Leave these fields empty to keep them; to replace them, fill in every required field (the new ones replace the old
              ones whole).
            </Text>
          ) : null}
          {errors.credentials ? (
            <Text size="sm" c="red" role="alert">
              {errors.credentials}
            </Text>
          ) : null}
          {platform === 'x' ? (
            <Select
              label="Sign-in kind"
              data={X_AUTH_TYPES}
              value={xAuthType}
              onChange={(value) => value && setXAuthType(value)}
              allowDeselect={false}
              error={errors.authType}
            />
          ) : null}
          {fields.map((field) => {
            const common = {
              label: field.label,
              required: !field.optional && !editing,
              description: editing && channel.credentialFields.includes(field.name) ? `Stored${field.description ? ` · ${field.description}` : ''}` : field.description,
              placeholder: editing && channel.credentialFields.includes(field.name) ? 'stored (unchanged)' : undefined,
              value: credentials[field.name] ?? '',
              onChange: (e: React.ChangeEvent<HTMLInputElement>) => {
                const value = e.currentTarget.value;
                setCredentials((old) => ({ ...old, [field.name]: value }));
              },
              error: credentialErrors[field.name],
              autoComplete: 'off',
            };
            return field.secret ? <PasswordInput key={field.name} {...common} autoComplete="new-password" /> : <TextInput key={field.name} {...common} />;
          })}

          <Divider label="When the platform is down" labelPosition="left" />
          <MultiSelect
            label="Fallback channels"
            description="In order: where deliveries go when this platform is degraded (at most 5)"
            data={others.map((other) => ({ value: other.id, label: `${other.name} (${platformName(other.platform)})` }))}
            value={fallbacks}
            onChange={setFallbacks}
            maxValues={5}
            searchable
            nothingFoundMessage="No other channel"
            error={errors.fallbackChannelIds}
          />
          <Select
            label="Failover"
            data={(Object.keys(FAILOVER_LABELS) as FailoverPolicy[]).map((value) => ({ value, label: FAILOVER_LABELS[value] }))}
            value={policy}
            onChange={(value) => value && setPolicy(value)}
            allowDeselect={false}
            error={errors.failoverPolicy}
          />
          {policy === 'auto' ? (
            <NumberInput
              label="Minutes late before failing over"
              min={1}
              max={1440}
              allowDecimal={false}
              value={afterMinutes}
              onChange={setAfterMinutes}
              error={errors.failoverAfterMinutes}
            />
          ) : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={save.isPending}>
              {editing ? 'Save' : 'Add the channel'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
