// One member, for an admin: roles, a new invite link (also the password reset), sessions, API keys, disable.
import { Alert, Button, Divider, Drawer, Group, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent, type ReactNode } from 'react';
import { api, unwrap } from '../../api/client';
import { ErrorState, Loading } from '../../components/states';
import type { Role } from '../../session/permissions';
import { ApiKeysTable, RevokeKeyModal } from './ApiKeysTable';
import { ConfirmModal } from './ConfirmModal';
import { OnceSecret } from './OnceSecret';
import { formatInstant, roleLabel, statusOf, type ApiKeyView, type MemberView } from './people';
import { RolesField } from './RolesField';
import { SessionsTable } from './SessionsTable';
import { StatusBadge } from './StatusBadge';

interface PanelProps {
  member: MemberView | null;
  onClose: () => void;
  timeZone?: string;
  /** The signed-in admin's own member id: their own row says so. */
  selfId: string;
}

export function MemberPanel({ member, onClose, timeZone, selfId }: PanelProps): ReactNode {
  return (
    <Drawer opened={member !== null} onClose={onClose} position="right" size="xl" closeButtonProps={{ 'aria-label': 'Close' }} title={member ? <Title order={2} size="h3">{member.name}</Title> : null}>
      {member ? <MemberDetails key={member.id} member={member} timeZone={timeZone} onClose={onClose} isSelf={member.id === selfId} /> : null}
    </Drawer>
  );
}

function MemberDetails({ member, timeZone, onClose, isSelf }: { member: MemberView; timeZone?: string; onClose: () => void; isSelf: boolean }): ReactNode {
  const disabled = statusOf(member) === 'disabled';
  return (
    <Stack gap="lg">
      <Group gap="sm">
        <StatusBadge member={member} />
        <Text size="sm">{member.email ?? 'No email yet'}</Text>
        {isSelf ? <Text size="sm" c="dimmed">(you)</Text> : null}
      </Group>
      <Text size="sm" c="dimmed">
        Added {formatInstant(member.createdAt, timeZone)}
        {member.passwordChangedAt ? ` · password chosen ${formatInstant(member.passwordChangedAt, timeZone)}` : ' · has not opened an invite link yet'}
        {member.disabledAt ? ` · disabled ${formatInstant(member.disabledAt, timeZone)}` : ''}
      </Text>
      {disabled ? (
        <Alert color="gray" title="Disabled">
          {member.name} cannot sign in or use an API key. Roles: {member.roles.map(roleLabel).join(', ')}.
        </Alert>
      ) : (
        <>
          <RolesSection member={member} />
          <Divider />
          <InviteSection member={member} timeZone={timeZone} />
        </>
      )}
      <Divider />
      <SessionsSection member={member} timeZone={timeZone} />
      <Divider />
      <KeysSection member={member} timeZone={timeZone} disabled={disabled} />
      {disabled ? null : (
        <>
          <Divider />
          <DisableSection member={member} onDisabled={onClose} />
        </>
      )}
    </Stack>
  );
}

function sameRoles(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((role) => b.includes(role));
}

function RolesSection({ member }: { member: MemberView }): ReactNode {
  const queryClient = useQueryClient();
  const [roles, setRoles] = useState<Role[]>(member.roles as Role[]);
  const save = useMutation({
    mutationFn: () => unwrap(api.PATCH('/api/members/{id}', { params: { path: { id: member.id } }, body: { roles } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['members'] }),
  });
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    save.mutate();
  };
  const unchanged = sameRoles(roles, member.roles);
  return (
    <form onSubmit={submit} aria-label={`Roles of ${member.name}`}>
      <Stack gap="sm">
        <RolesField value={roles} onChange={setRoles} error={roles.length === 0 ? 'Choose at least one role' : undefined} />
        {save.error ? (
          <Alert color="red" role="alert" title="Roles not changed">
            {save.error.message}
          </Alert>
        ) : null}
        {save.isSuccess && unchanged ? (
          <Text size="sm" role="status">
            Roles saved.
          </Text>
        ) : null}
        <Group>
          <Button type="submit" disabled={unchanged || roles.length === 0} loading={save.isPending}>
            Save roles
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function InviteSection({ member, timeZone }: { member: MemberView; timeZone?: string }): ReactNode {
  const queryClient = useQueryClient();
  const issue = useMutation({
    mutationFn: () => unwrap(api.POST('/api/members/{id}/invite', { params: { path: { id: member.id } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['members'] }),
  });
  return (
    <Stack gap="sm">
      <Title order={3} size="h4">
        Invite link
      </Title>
      <Text size="sm">
        A new link lets {member.name} choose a password (this is also how a forgotten password is reset). Older unused links stop working.
      </Text>
      {issue.data ? (
        <OnceSecret label="New invite link" value={issue.data.url} description={`Works once, until ${formatInstant(issue.data.expiresAt, timeZone)}. Shown only now.`} />
      ) : null}
      {issue.error ? (
        <Alert color="red" role="alert" title="No link issued">
          {issue.error.message}
        </Alert>
      ) : null}
      <Group>
        <Button variant="default" onClick={() => issue.mutate()} loading={issue.isPending}>
          {issue.data ? 'Issue another link' : 'Issue a new invite link'}
        </Button>
      </Group>
    </Stack>
  );
}

function SessionsSection({ member, timeZone }: { member: MemberView; timeZone?: string }): ReactNode {
  const queryClient = useQueryClient();
  const key = ['members', member.id, 'sessions'];
  const sessions = useQuery({ queryKey: key, queryFn: () => unwrap(api.GET('/api/members/{id}/sessions', { params: { path: { id: member.id } } })) });
  const revoke = useMutation({
    mutationFn: (sessionId: string) => unwrap(api.DELETE('/api/members/{id}/sessions/{sessionId}', { params: { path: { id: member.id, sessionId } } })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: key }),
  });
  return (
    <Stack gap="sm">
      <Title order={3} size="h4">
        Sessions
      </Title>
      <Text size="sm">Revoking a session signs that browser out: its next action lands on the sign-in page.</Text>
      {revoke.error ? (
        <Alert color="red" role="alert" title="Session not revoked">
          {revoke.error.message}
        </Alert>
      ) : null}
      {sessions.isPending ? (
        <Loading label="Loading sessions…" />
      ) : sessions.isError ? (
        <ErrorState error={sessions.error} retry={() => void sessions.refetch()} title="The sessions could not be loaded" />
      ) : (
        <SessionsTable
          sessions={sessions.data}
          timeZone={timeZone}
          endLabel="Revoke"
          onEnd={(session) => revoke.mutate(session.id)}
          endingId={revoke.isPending ? (revoke.variables ?? null) : null}
          caption={`Console sessions of ${member.name}`}
          emptyTitle={`${member.name} is not signed in anywhere`}
        />
      )}
    </Stack>
  );
}

function KeysSection({ member, timeZone, disabled }: { member: MemberView; timeZone?: string; disabled: boolean }): ReactNode {
  const queryClient = useQueryClient();
  const key = ['members', member.id, 'api-keys'];
  const [name, setName] = useState('');
  const [revoking, setRevoking] = useState<ApiKeyView | null>(null);
  const keys = useQuery({ queryKey: key, queryFn: () => unwrap(api.GET('/api/members/{id}/api-keys', { params: { path: { id: member.id } } })) });
  const issue = useMutation({
    mutationFn: () => unwrap(api.POST('/api/members/{id}/api-keys', { params: { path: { id: member.id } }, body: name.trim() ? { name: name.trim() } : {} })),
    onSuccess: () => {
      setName('');
      return queryClient.invalidateQueries({ queryKey: key });
    },
  });
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    issue.mutate();
  };
  return (
    <Stack gap="sm">
      <Title order={3} size="h4">
        API keys
      </Title>
      {keys.isPending ? (
        <Loading label="Loading API keys…" />
      ) : keys.isError ? (
        <ErrorState error={keys.error} retry={() => void keys.refetch()} title="The API keys could not be loaded" />
      ) : (
        <ApiKeysTable apiKeys={keys.data} timeZone={timeZone} onRevoke={setRevoking} caption={`API keys of ${member.name}`} />
      )}
      {issue.data ? (
        <OnceSecret label="New API key" value={issue.data.key} description="Shown only now: copy it into the script that needs it." />
      ) : null}
      {disabled ? null : (
        <form onSubmit={submit} aria-label={`Issue an API key for ${member.name}`}>
          <Group align="flex-end">
            <TextInput label="Key name" description="What it is for, e.g. “CI deploy”" value={name} onChange={(e) => setName(e.currentTarget.value)} maxLength={100} error={issue.error?.message} />
            <Button type="submit" variant="default" loading={issue.isPending}>
              Issue an API key
            </Button>
          </Group>
        </form>
      )}
      <RevokeKeyModal apiKey={revoking} listKey={key} onClose={() => setRevoking(null)} />
    </Stack>
  );
}

function DisableSection({ member, onDisabled }: { member: MemberView; onDisabled: () => void }): ReactNode {
  const queryClient = useQueryClient();
  const [asking, setAsking] = useState(false);
  const disable = useMutation({
    mutationFn: () => unwrap(api.DELETE('/api/members/{id}', { params: { path: { id: member.id } } })),
    onSuccess: async () => {
      setAsking(false);
      await queryClient.invalidateQueries({ queryKey: ['members'] });
      onDisabled();
    },
  });
  return (
    <Stack gap="sm">
      <Title order={3} size="h4">
        Disable
      </Title>
      <Text size="sm">The member’s history stays; they can no longer sign in.</Text>
      <Group>
        <Button color="red" variant="outline" onClick={() => setAsking(true)}>
          Disable {member.name}
        </Button>
      </Group>
      <ConfirmModal
        opened={asking}
        title={`Disable ${member.name}?`}
        confirmLabel="Disable the member"
        onConfirm={() => disable.mutate()}
        onCancel={() => {
          setAsking(false);
          disable.reset();
        }}
        pending={disable.isPending}
        error={disable.error}
      >
        Every session and every API key of {member.name} ends now: open consoles land on the sign-in page and scripts are refused. This cannot be undone.
      </ConfirmModal>
    </Stack>
  );
}
