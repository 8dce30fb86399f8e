// What a sign-in with a platform ended with, when the service sends the browser back to /channels: connected,
// reconnected, a choice among the accounts it reached (LinkedIn pages, Facebook Pages, Instagram accounts), or
// why nothing was connected. The query is read once and taken off the address, so a reload does not repeat it.
import { Alert, Badge, Button, Checkbox, Group, Modal, Stack, Text } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type ReactNode } from 'react';
import { useSearchParams } from 'react-router';
import { api, messageOf, unwrap } from '../../api/client';
import { ErrorState, Loading } from '../../components/states';
import { platformName, PLATFORMS, type Platform } from '../../platforms';
import type { ChannelView } from './credential-fields';

const ERROR_TITLES: Record<string, string> = {
  state_invalid: 'This sign-in link is not one Holdfast started',
  state_expired: 'The sign-in took too long',
  state_used: 'This sign-in was already used',
  state_other_member: 'Someone else started this sign-in',
  signed_out: 'You were not signed in to Holdfast',
  denied: 'Access was not granted',
  token_error: 'The platform refused the sign-in',
  account_error: 'The account could not be connected',
};

/** What each kind of account a sign-in reaches is, as people say it. */
const KIND_LABELS: Record<string, string> = {
  member: 'personal profile',
  organization: 'company page',
  page: 'Facebook Page',
  instagram: 'Instagram account',
};

type Outcome =
  | { kind: 'connected'; channelId: string; reconnected: boolean; platform: Platform | null }
  | { kind: 'choose'; sessionId: string }
  | { kind: 'failed'; code: string; reason: string; platform: Platform | null };

function outcomeOf(params: URLSearchParams): Outcome | null {
  const named = params.get('platform');
  const platform = PLATFORMS.includes(named as Platform) ? (named as Platform) : null;
  const connected = params.get('connected') ?? params.get('reconnected');
  if (connected) {
    return { kind: 'connected', channelId: connected, reconnected: params.has('reconnected'), platform };
  }
  const sessionId = params.get('connectSession');
  if (sessionId) {
    return { kind: 'choose', sessionId };
  }
  const code = params.get('connectError');
  if (code) {
    return { kind: 'failed', code, reason: params.get('reason') ?? '', platform };
  }
  return null;
}

export function ConnectOutcome({ channels }: { channels: ChannelView[] | undefined }): ReactNode {
  const [params, setParams] = useSearchParams();
  const [outcome, setOutcome] = useState<Outcome | null>(() => outcomeOf(params));
  const [chosen, setChosen] = useState<ChannelView[] | null>(null);
  useEffect(() => {
    if (outcomeOf(params)) {
      setParams({}, { replace: true });
    }
  }, [params, setParams]);

  if (chosen) {
    return (
      <Alert color="teal.9" variant="filled" title={chosen.length === 1 ? 'Channel connected' : `${chosen.length} channels connected`} withCloseButton closeButtonLabel="Dismiss" onClose={() => setChosen(null)} data-testid="connect-outcome">
        {chosen.map((channel) => `${channel.name} (${channel.handle}) on ${platformName(channel.platform)}`).join(', ')}: ready to post.
      </Alert>
    );
  }
  if (!outcome) {
    return null;
  }
  const dismiss = (): void => setOutcome(null);
  if (outcome.kind === 'choose') {
    return <ChooseAccounts sessionId={outcome.sessionId} onCancel={dismiss} onConnected={(list) => { setOutcome(null); setChosen(list); }} />;
  }
  if (outcome.kind === 'failed') {
    return (
      <Alert color="red.9" variant="filled" title={ERROR_TITLES[outcome.code] ?? 'Nothing was connected'} withCloseButton closeButtonLabel="Dismiss" onClose={dismiss} data-testid="connect-outcome">
        {outcome.reason || 'Nothing was connected.'}
      </Alert>
    );
  }
  const channel = channels?.find((item) => item.id === outcome.channelId);
  const what = channel ? `${channel.name} (${channel.handle}) on ${platformName(channel.platform)}` : outcome.platform ? `The ${platformName(outcome.platform)} account` : 'The account';
  return (
    <Alert color="teal.9" variant="filled" title={outcome.reconnected ? 'Channel reconnected' : 'Channel connected'} withCloseButton closeButtonLabel="Dismiss" onClose={dismiss} data-testid="connect-outcome">
      {outcome.reconnected ? `${what} is connected again: what waited for it goes out now.` : `${what} is connected and ready to post.`}
    </Alert>
  );
}

function ChooseAccounts({ sessionId, onCancel, onConnected }: { sessionId: string; onCancel: () => void; onConnected: (channels: ChannelView[]) => void }): ReactNode {
  const queryClient = useQueryClient();
  const session = useQuery({
    queryKey: ['channels', 'connect', 'sessions', sessionId],
    queryFn: () => unwrap(api.GET('/api/channels/connect/sessions/{id}', { params: { path: { id: sessionId } } })),
    retry: false,
  });
  const [picked, setPicked] = useState<string[]>([]);
  const choose = useMutation({
    mutationFn: () => unwrap(api.POST('/api/channels/connect/sessions/{id}', { params: { path: { id: sessionId } }, body: { accountIds: picked } })),
    onSuccess: async (answer) => {
      await queryClient.invalidateQueries({ queryKey: ['channels'] });
      onConnected(answer.channels);
    },
  });
  let body: ReactNode;
  if (session.isPending) {
    body = <Loading label="Loading the accounts…" />;
  } else if (session.isError) {
    body = <ErrorState error={session.error} title="The accounts could not be loaded" />;
  } else {
    const reconnecting = session.data.channelId !== null;
    body = (
      <Stack>
        <Text size="sm">
          {reconnecting
            ? 'Choose the account this channel posts as.'
            : `The sign-in reached these ${platformName(session.data.platform)} accounts. Choose the ones to connect; each becomes a channel.`}
        </Text>
        <Stack gap="xs" data-testid="connect-accounts">
          {session.data.accounts.map((account) => (
            <Checkbox
              key={account.accountId}
              checked={picked.includes(account.accountId)}
              onChange={(event) => {
                const on = event.currentTarget.checked;
                setPicked((list) => (on ? [...list, account.accountId] : list.filter((id) => id !== account.accountId)));
              }}
              label={
                <Group gap="xs">
                  <Text size="sm" fw={500}>
                    {account.name}
                  </Text>
                  {account.handle !== account.name ? <Text size="sm">{account.handle}</Text> : null}
                  <Badge size="sm" variant="light">
                    {KIND_LABELS[account.kind] ?? account.kind}
                  </Badge>
                  {account.channelId ? <Text size="xs">already connected: choosing it reconnects that channel</Text> : null}
                </Group>
              }
            />
          ))}
        </Stack>
        {choose.isError ? (
          <Alert color="red" title="Nothing was connected">
            {messageOf(choose.error)}
          </Alert>
        ) : null}
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>
            Cancel
          </Button>
          <Button onClick={() => choose.mutate()} disabled={picked.length === 0} loading={choose.isPending}>
            {picked.length > 1 ? `Connect ${picked.length} accounts` : 'Connect'}
          </Button>
        </Group>
      </Stack>
    );
  }
  return (
    <Modal opened onClose={onCancel} title="Choose the accounts to connect" size="lg" closeButtonProps={{ 'aria-label': 'Close' }}>
      {body}
    </Modal>
  );
}
