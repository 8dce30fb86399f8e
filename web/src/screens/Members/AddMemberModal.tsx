// Add a member with roles; the answer's invite link (and first API key) are shown here once, with their expiry.
import { Alert, Button, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent, type ReactNode } from 'react';
import { api, ApiError, unwrap } from '../../api/client';
import type { Role } from '../../session/permissions';
import { OnceSecret } from './OnceSecret';
import { formatInstant } from './people';
import { RolesField } from './RolesField';

/** The service names fields in `details` ("email must be ..."), sometimes as body.email. */
export function fieldError(error: unknown, field: string): string | undefined {
  if (!(error instanceof ApiError)) {
    return undefined;
  }
  const messages = [...(error.fieldErrors[field] ?? []), ...(error.fieldErrors[`body.${field}`] ?? [])];
  return messages.length > 0 ? messages.join('; ') : undefined;
}

export function AddMemberModal({ opened, onClose, timeZone }: { opened: boolean; onClose: () => void; timeZone?: string }): ReactNode {
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [roles, setRoles] = useState<Role[]>([]);
  const [tried, setTried] = useState(false);
  const add = useMutation({
    mutationFn: () => unwrap(api.POST('/api/members', { body: { name: name.trim(), roles, ...(email.trim() ? { email: email.trim() } : {}) } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['members'] }),
  });
  const added = add.data;

  const close = (): void => {
    setName('');
    setEmail('');
    setRoles([]);
    setTried(false);
    add.reset();
    onClose();
  };

  const submit = (event: FormEvent): void => {
    event.preventDefault();
    setTried(true);
    if (name.trim() && roles.length > 0) {
      add.mutate();
    }
  };

  const emailTaken = add.error instanceof ApiError && add.error.status === 409 && /e-mail/i.test(add.error.message) ? add.error.message : undefined;
  const nameError = fieldError(add.error, 'name') ?? (tried && !name.trim() ? 'Enter the member’s name' : undefined);
  const emailError = fieldError(add.error, 'email') ?? emailTaken;
  const rolesError = fieldError(add.error, 'roles') ?? (tried && roles.length === 0 ? 'Choose at least one role' : undefined);
  const general = add.error && !nameError && !emailError && !rolesError ? add.error : null;

  return (
    <Modal opened={opened} onClose={close} title={added ? `${added.member.name} is added` : 'Add a member'} size="lg" centered closeButtonProps={{ 'aria-label': 'Close' }}>
      {added ? (
        <Stack>
          <Text>
            Give {added.member.name} this invite link: they choose a password there and are signed in. It works once, until{' '}
            <strong>{formatInstant(added.invite.expiresAt, timeZone)}</strong>. It is shown only now: copy it before you close this.
          </Text>
          <OnceSecret label="Invite link" value={added.invite.url} description={`Expires ${formatInstant(added.invite.expiresAt, timeZone)}`} />
          <OnceSecret
            label="First API key"
            value={added.apiKey.key}
            description="For scripts that call the service as this member. Shown once; revoke it from the member’s page if it is not needed."
          />
          <Group justify="flex-end">
            <Button onClick={close}>Done</Button>
          </Group>
        </Stack>
      ) : (
        <form onSubmit={submit} noValidate aria-label="Add a member">
          <Stack>
            {general ? (
              <Alert color="red" role="alert" title="Not added">
                {general.message}
              </Alert>
            ) : null}
            <TextInput label="Name" required value={name} onChange={(e) => setName(e.currentTarget.value)} error={nameError} maxLength={100} data-autofocus />
            <TextInput
              label="Email"
              type="email"
              description="They sign in with it. Leave it empty and they give it when they open the invite link."
              value={email}
              onChange={(e) => setEmail(e.currentTarget.value)}
              error={emailError}
              maxLength={254}
            />
            <RolesField value={roles} onChange={setRoles} error={rolesError} />
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                Cancel
              </Button>
              <Button type="submit" loading={add.isPending}>
                Add and get the invite link
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}
