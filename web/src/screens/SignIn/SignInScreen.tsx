// Sign in with email and password. A wrong password and an unknown email read the same; a throttle says when to
// retry; an email and password that fit several workspaces ask which one.
import { Alert, Button, Center, Paper, PasswordInput, Radio, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { api, ApiError, messageOf, unwrap } from '../../api/client';
import { useSession } from '../../session/session';

interface WorkspaceChoice {
  id: string;
  name: string;
}

/** Only paths inside the console: a `next` pointing elsewhere is ignored. */
function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/sign-in') ? next : '/calendar';
}

function clockTime(at: number): string {
  return new Intl.DateTimeFormat(undefined, { timeStyle: 'medium' }).format(new Date(at));
}

/** Ticks once a second while a throttle runs, so the page can say when it is over. */
function useNow(active: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) {
      return;
    }
    const timer = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(timer);
  }, [active]);
  return now;
}

export function SignInScreen(): ReactNode {
  const { session, signedIn } = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [choices, setChoices] = useState<WorkspaceChoice[] | null>(null);
  const [workspaceId, setWorkspaceId] = useState<string | null>(null);
  /** When the service said a throttled sign-in may be tried again (from Retry-After). */
  const [retryAt, setRetryAt] = useState<number | null>(null);
  const next = safeNext(params.get('next'));
  const now = useNow(retryAt !== null);
  const throttled = retryAt !== null && now < retryAt;

  const signIn = useMutation({
    mutationFn: async () => {
      const call = api.POST('/api/auth/sign-in', { body: { email: email.trim(), password, ...(workspaceId ? { workspaceId } : {}) } });
      const answered = await call.catch(() => undefined);
      if (answered?.response.status === 429) {
        const seconds = Number(answered.response.headers.get('Retry-After'));
        setRetryAt(Date.now() + (Number.isFinite(seconds) && seconds > 0 ? seconds : 60) * 1000);
      }
      return unwrap(call);
    },
    onSuccess: (answer) => {
      setRetryAt(null);
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
  const changeEmail = (value: string): void => {
    setEmail(value);
    // Another email may belong to other workspaces: ask again if it does.
    setChoices(null);
    setWorkspaceId(null);
  };
  const error = signIn.error;
  const choosing = error instanceof ApiError && error.code === 'choose_workspace';
  const isThrottle = error instanceof ApiError && error.status === 429;
  const refusal = error && !choosing ? error : null;

  return (
    <Center mih="100vh" p="md" component="main">
      <Paper withBorder shadow="sm" p="xl" w={420} maw="100%">
        <form onSubmit={submit} noValidate aria-labelledby="sign-in-title">
          <Stack>
            <Title order={1} size="h2" id="sign-in-title">
              Sign in to Holdfast
            </Title>
            {params.get('signedOut') ? <Text c="dimmed">You are signed out.</Text> : null}
            {refusal ? (
              <Alert color="red" role="alert" title={isThrottle ? 'Too many attempts' : 'Not signed in'} data-testid="sign-in-refusal">
                <Stack gap={4}>
                  <Text size="sm">{messageOf(refusal)}</Text>
                  {isThrottle && retryAt !== null ? (
                    <Text size="sm" fw={500} data-testid="retry-at">
                      {throttled
                        ? `You can try again at ${clockTime(retryAt)} (in ${Math.ceil((retryAt - now) / 1000)} s).`
                        : 'The wait is over: you can try again now.'}
                    </Text>
                  ) : null}
                </Stack>
              </Alert>
            ) : null}
            <TextInput label="Email" type="email" autoComplete="username" required withAsterisk={false} value={email} onChange={(e) => changeEmail(e.currentTarget.value)} />
            <PasswordInput
              label="Password"
              autoComplete="current-password"
              required
              withAsterisk={false}
              value={password}
              onChange={(e) => setPassword(e.currentTarget.value)}
            />
            {choices ? (
              <Radio.Group
                label="Workspace"
                description="This email and password open several workspaces: choose the one to sign in to."
                value={workspaceId}
                onChange={setWorkspaceId}
                required
              >
                <Stack gap="xs" mt="xs">
                  {choices.map((choice) => (
                    <Radio key={choice.id} value={choice.id} label={choice.name} />
                  ))}
                </Stack>
              </Radio.Group>
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
