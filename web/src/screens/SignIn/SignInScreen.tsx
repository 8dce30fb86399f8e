// Sign in with email and password. A wrong password and an unknown email read the same; a throttle says when to retry.
import { Alert, Button, Center, Paper, PasswordInput, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent, type ReactNode } from 'react';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { api, ApiError, messageOf, unwrap } from '../../api/client';
import { useSession } from '../../session/session';

interface WorkspaceChoice {
  id: string;
  name: string;
}

/** Only paths inside the console: a `next` pointing elsewhere is ignored. */
function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/calendar';
}

export function SignInScreen(): ReactNode {
  const { session, signedIn } = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [choices, setChoices] = useState<WorkspaceChoice[] | null>(null);
  const [workspaceId, setWorkspaceId] = useState<string | null>(null);
  const next = safeNext(params.get('next'));

  const signIn = useMutation({
    mutationFn: () =>
      unwrap(api.POST('/api/auth/sign-in', { body: { email, password, ...(workspaceId ? { workspaceId } : {}) } })),
    onSuccess: (answer) => {
      signedIn(answer);
      void navigate(next, { replace: true });
    },
    onError: (error) => {
      if (error instanceof ApiError && error.code === 'choose_workspace' && Array.isArray(error.body.workspaces)) {
        setChoices(error.body.workspaces as WorkspaceChoice[]);
      }
    },
  });

  if (session) {
    return <Navigate to={next} replace />;
  }

  const submit = (event: FormEvent): void => {
    event.preventDefault();
    signIn.mutate();
  };
  const refusal = signIn.error && !(signIn.error instanceof ApiError && signIn.error.code === 'choose_workspace') ? signIn.error : null;

  return (
    <Center mih="100vh" p="md" component="main">
      <Paper withBorder shadow="sm" p="xl" w={400} maw="100%">
        <form onSubmit={submit} noValidate aria-labelledby="sign-in-title">
          <Stack>
            <Title order={1} size="h2" id="sign-in-title">
              Sign in to Holdfast
            </Title>
            {params.get('signedOut') ? <Text c="dimmed">You are signed out.</Text> : null}
            {refusal ? (
              <Alert color="red" role="alert" title={refusal instanceof ApiError && refusal.status === 429 ? 'Too many attempts' : 'Not signed in'}>
                {messageOf(refusal)}
              </Alert>
            ) : null}
            <TextInput label="Email" type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.currentTarget.value)} />
            <PasswordInput
              label="Password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.currentTarget.value)}
            />
            {choices ? (
              <Select
                label="Workspace"
                description="This email belongs to several workspaces: choose one."
                data={choices.map((choice) => ({ value: choice.id, label: choice.name }))}
                value={workspaceId}
                onChange={setWorkspaceId}
                required
              />
            ) : null}
            <Button type="submit" loading={signIn.isPending} disabled={!email || !password || (choices !== null && !workspaceId)}>
              Sign in
            </Button>
            <Text size="sm" c="dimmed">
              New here or forgot your password? Ask an admin of your workspace for an invite link.
            </Text>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
