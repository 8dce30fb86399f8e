// The page an invite link opens: who it is for, then a password (and an email when the member has none yet).
import { Alert, Button, Center, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState, type FormEvent, type ReactNode } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { api, ApiError, unwrap } from '../../api/client';
import { ErrorState, Loading } from '../../components/states';
import { useSession } from '../../session/session';

const MIN_PASSWORD = 12;

export function InviteScreen(): ReactNode {
  const { token = '' } = useParams();
  const { signedIn } = useSession();
  const navigate = useNavigate();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const invite = useQuery({
    queryKey: ['invite', token],
    queryFn: () => unwrap(api.GET('/api/auth/invites/{token}', { params: { path: { token } } })),
    retry: false,
  });
  const accept = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/api/auth/invites/{token}/accept', {
          params: { path: { token } },
          body: { password, ...(invite.data?.email ? {} : { email }) },
        }),
      ),
    onSuccess: (session) => {
      signedIn(session);
      void navigate('/calendar', { replace: true });
    },
  });

  const fieldError = (field: string): string | undefined =>
    accept.error instanceof ApiError ? accept.error.fieldErrors[field]?.join('; ') : undefined;
  const tooShort = password.length > 0 && password.length < MIN_PASSWORD;
  const mismatch = repeat.length > 0 && repeat !== password;

  const submit = (event: FormEvent): void => {
    event.preventDefault();
    if (!tooShort && !mismatch) {
      accept.mutate();
    }
  };

  let body: ReactNode;
  if (invite.isPending) {
    body = <Loading label="Checking the invite link…" />;
  } else if (invite.isError) {
    body = (
      <Stack>
        <ErrorState error={invite.error} title="This invite link cannot be used" />
        <Text size="sm">
          Links work once and for 72 hours. Ask an admin for a new one, or <Link to="/sign-in">sign in</Link>.
        </Text>
      </Stack>
    );
  } else {
    const details = invite.data;
    const generalError = accept.error && !fieldError('password') && !fieldError('email') ? accept.error : null;
    body = (
      <form onSubmit={submit} noValidate aria-labelledby="invite-title">
        <Stack>
          <Title order={1} size="h2" id="invite-title">
            Welcome to {details.workspaceName}
          </Title>
          <Text>
            {details.memberName}, choose the password you will sign in with.
          </Text>
          {generalError ? (
            <Alert color="red" role="alert" title="Not saved">
              {generalError.message}
            </Alert>
          ) : null}
          {details.email ? (
            <TextInput label="Email" value={details.email} readOnly description="You sign in with this address." />
          ) : (
            <TextInput
              label="Email"
              type="email"
              autoComplete="username"
              required
              value={email}
              onChange={(e) => setEmail(e.currentTarget.value)}
              error={fieldError('email')}
            />
          )}
          <PasswordInput
            label="Password"
            description={`At least ${MIN_PASSWORD} characters; not a common password.`}
            autoComplete="new-password"
            required
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            error={fieldError('password') ?? (tooShort ? `At least ${MIN_PASSWORD} characters (${password.length} so far)` : undefined)}
          />
          <PasswordInput
            label="Repeat the password"
            autoComplete="new-password"
            required
            value={repeat}
            onChange={(e) => setRepeat(e.currentTarget.value)}
            error={mismatch ? 'The two passwords differ' : undefined}
          />
          <Button type="submit" loading={accept.isPending} disabled={!password || !repeat || tooShort || mismatch}>
            Set password and sign in
          </Button>
        </Stack>
      </form>
    );
  }

  return (
    <Center mih="100vh" p="md" component="main">
      <Paper withBorder shadow="sm" p="xl" w={440} maw="100%">
        {body}
      </Paper>
    </Center>
  );
}
