// My account, for every member: who I am signed in as, my console sessions (sign any of them out, e.g. a lost
// laptop) and my API keys (revoke one a script no longer needs).
import { Alert, Badge, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { api, unwrap } from '../../api/client';
import { ErrorState, Loading } from '../../components/states';
import { useSession, useSignedIn } from '../../session/session';
import { ApiKeysTable, RevokeKeyModal } from '../Members/ApiKeysTable';
import { formatInstant, roleLabel, zoneOf, type ApiKeyView, type SessionSummary } from '../Members/people';
import { SessionsTable } from '../Members/SessionsTable';

const OWN_SESSIONS = ['account', 'sessions'];
const OWN_KEYS = ['account', 'api-keys'];

export function AccountScreen(): ReactNode {
  const session = useSignedIn();
  const timeZone = zoneOf(session.workspace);
  return (
    <Stack gap="lg">
      <Title order={2}>My account</Title>
      <Paper withBorder p="md">
        <Stack gap={4}>
          <Text fw={500}>{session.member.name}</Text>
          <Text size="sm">{session.member.email ?? 'No email'}</Text>
          <Group gap={4}>
            {session.roles.map((role) => (
              <Badge key={role} variant="outline" color="dark">
                {roleLabel(role)}
              </Badge>
            ))}
          </Group>
          <Text size="sm" c="dimmed">
            {session.workspace.name}
            {session.expiresAt ? ` · this session ends ${formatInstant(session.expiresAt, timeZone)} at the latest` : ''}
            {session.idleExpiresAt ? `, or ${formatInstant(session.idleExpiresAt, timeZone)} if unused until then` : ''}
          </Text>
          <Text size="sm" c="dimmed">
            Forgot your password? An admin of your workspace can give you a new invite link.
          </Text>
        </Stack>
      </Paper>
      <MySessions timeZone={timeZone} />
      <MyApiKeys timeZone={timeZone} />
    </Stack>
  );
}

function MySessions({ timeZone }: { timeZone?: string }): ReactNode {
  const queryClient = useQueryClient();
  const { ended } = useSession();
  const sessions = useQuery({ queryKey: OWN_SESSIONS, queryFn: () => unwrap(api.GET('/api/auth/sessions')) });
  const end = useMutation({
    mutationFn: async (session: SessionSummary) => {
      await unwrap(api.DELETE('/api/auth/sessions/{id}', { params: { path: { id: session.id } } }));
      return session;
    },
    onSuccess: (session) => {
      if (session.current) {
        // This browser's session is over: back to the sign-in page.
        ended();
        return;
      }
      return queryClient.invalidateQueries({ queryKey: OWN_SESSIONS });
    },
  });
  return (
    <Stack gap="sm">
      <Title order={3} size="h4">
        My sessions
      </Title>
      <Text size="sm">Every browser where you are signed in. Sign out one you no longer use or do not recognise.</Text>
      {end.error ? (
        <Alert color="red" role="alert" title="Not signed out">
          {end.error.message}
        </Alert>
      ) : null}
      {sessions.isPending ? (
        <Loading label="Loading your sessions…" />
      ) : sessions.isError ? (
        <ErrorState error={sessions.error} retry={() => void sessions.refetch()} title="Your sessions could not be loaded" />
      ) : (
        <SessionsTable
          sessions={sessions.data}
          timeZone={timeZone}
          endLabel="Sign out this session"
          onEnd={(session) => end.mutate(session)}
          endingId={end.isPending ? (end.variables?.id ?? null) : null}
          caption="Your console sessions"
          emptyTitle="No console sessions"
        />
      )}
    </Stack>
  );
}

function MyApiKeys({ timeZone }: { timeZone?: string }): ReactNode {
  const [revoking, setRevoking] = useState<ApiKeyView | null>(null);
  const keys = useQuery({ queryKey: OWN_KEYS, queryFn: () => unwrap(api.GET('/api/members/me/api-keys')) });
  return (
    <Stack gap="sm">
      <Title order={3} size="h4">
        My API keys
      </Title>
      <Text size="sm">Keys let scripts call the service as you. Only an admin issues new ones.</Text>
      {keys.isPending ? (
        <Loading label="Loading your API keys…" />
      ) : keys.isError ? (
        <ErrorState error={keys.error} retry={() => void keys.refetch()} title="Your API keys could not be loaded" />
      ) : (
        <ApiKeysTable apiKeys={keys.data} timeZone={timeZone} onRevoke={setRevoking} caption="Your API keys" />
      )}
      <RevokeKeyModal apiKey={revoking} listKey={OWN_KEYS} onClose={() => setRevoking(null)} />
    </Stack>
  );
}
