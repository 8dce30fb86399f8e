// The page an invite link opens: who it is for, then a password (and an email when the member has none yet).
// A used, replaced or expired link gets a page of its own saying what to do next.
import { Alert, Button, Center, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState, type FormEvent, type ReactNode } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { api, ApiError, unwrap } from '../../api/client';
import { ErrorState, Loading } from '../../components/states';
import { useSession } from '../../session/session';

/** The service's rule (src/auth/passwords.ts); the common-password list and name checks stay on the service. */
const MIN_PASSWORD = 12;

function formatExpiry(value: string): string {
  return new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(value));
}

/** 404: used, replaced or unknown; 410: expired. Anything else is a problem reaching the service. */
function LinkNotUsable({ error }: { error: unknown }): ReactNode {
  const status = error instanceof ApiError ? error.status : 0;
  if (status !== 404 && status !== 410) {
    return (
      <Stack>
        <Title order={1} size="h2">
          Invite link
        </Title>
        <ErrorState error={error} title="The invite link could not be checked" />
      </Stack>
    );
  }
  const expired = status === 410;
  return (
    <Stack data-testid={expired ? 'invite-expired' : 'invite-invalid'}>
      <Title order={1} size="h2">
        {expired ? 'This invite link has expired' : 'This invite link cannot be used'}
      </Title>
      <Text>
        {expired
          ? 'Invite links work for 72 hours. Ask an admin of your workspace for a new one.'
          : 'It has been used already, or an admin issued a newer link for you. Ask an admin of your workspace for a new one.'}
      </Text>
      <Text size="sm">
        Chose your password already? <Link to="/sign-in">Sign in</Link>.
      </Text>
    </Stack>
  );
}

export function InviteScreen(): ReactNode {
  const { token = '' } = useParams();
  const { session, signedIn } = useSession();
  const navigate = useNavigate();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const invite = useQuery({
    queryKey: ['invite', token],
    queryFn: () => unwrap(api.GET('/api/auth/invites/{token}', { params: { path: { token } } })),
    retry: false,
    refetchOnWindowFocus: false,
  });
  const accept = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/api/auth/invites/{token}/accept', {
          params: { path: { token } },
          body: { password, ...(invite.data?.email ? {} : { email: email.trim() }) },
        }),
      ),
    onSuccess: (answer) => {
      signedIn(answer);
      void navigate('/calendar', { replace: true });
    },
  });

  const fieldError = (field: string): string | undefined =>
    accept.error instanceof ApiError ? accept.error.fieldErrors[field]?.map(sentence).join('. ') : undefined;
  const tooShort = password.length > 0 && password.length < MIN_PASSWORD;
  const mismatch = repeat.length > 0 && repeat !== password;
  // The link died between opening the page and submitting it (used in another tab, replaced, expired).
  const linkGone = accept.error instanceof ApiError && (accept.error.status === 404 || accept.error.status === 410);

  const submit = (event: FormEvent): void => {
    event.preventDefault();
    if (!tooShort && !mismatch) {
      accept.mutate();
    }
  };
  const edit = (set: (value: string) => void) => (value: string) => {
    set(value);
    if (accept.isError) {
      accept.reset();
    }
  };

  let body: ReactNode;
  if (invite.isPending) {
    body = <Loading label="Checking the invite link…" />;
  } else if (invite.isError) {
    body = <LinkNotUsable error={invite.error} />;
  } else if (linkGone) {
    body = <LinkNotUsable error={accept.error} />;
  } else {
    const details = invite.data;
    const generalError = accept.error && !fieldError('password') && !fieldError('email') ? accept.error : null;
    body = (
      <form onSubmit={submit} noValidate aria-labelledby="invite-title">
        <Stack>
          <Title order={1} size="h2" id="invite-title">
            Welcome to {details.workspaceName}
          </Title>
          <Text>{details.memberName}, choose the password you will sign in with.</Text>
          <Text size="sm" c="dimmed">
            This link works once, until {formatExpiry(details.expiresAt)}.
          </Text>
          {session ? (
            <Alert color="blue" title="Signed in as someone else">
              This browser is signed in as {session.member.name}. Setting this password signs you in as {details.memberName} instead.
            </Alert>
          ) : null}
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
              description="You will sign in with this address."
              required
              withAsterisk={false}
              value={email}
              onChange={(e) => edit(setEmail)(e.currentTarget.value)}
              error={fieldError('email')}
            />
          )}
          <PasswordInput
            label="Password"
            description={`At least ${MIN_PASSWORD} characters (a few words make a good one), not a common password, without your name or email.`}
            autoComplete="new-password"
            required
            withAsterisk={false}
            value={password}
            onChange={(e) => edit(setPassword)(e.currentTarget.value)}
            error={fieldError('password') ?? (tooShort ? `Password must be at least ${MIN_PASSWORD} characters (${password.length} so far)` : undefined)}
          />
          <PasswordInput
            label="Repeat the password"
            autoComplete="new-password"
            required
            withAsterisk={false}
            value={repeat}
            onChange={(e) => edit(setRepeat)(e.currentTarget.value)}
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
      <Paper withBorder shadow="sm" p="xl" w={460} maw="100%">
        {body}
      </Paper>
    </Center>
  );
}

/** "password is too common" → "Password is too common". */
function sentence(detail: string): string {
  return detail.charAt(0).toUpperCase() + detail.slice(1);
}
