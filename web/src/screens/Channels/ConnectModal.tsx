// Connect an account (admins): each platform's own way in one place. A sign-in platform sends the browser to the
// platform's consent page and back to the Channels screen; Mastodon first asks for the instance; Bluesky takes a
// handle and an app password, Telegram a bot token and a chat, checked by the service before anything is kept. A
// platform this service is not configured for says what to set. With `reconnect`, only that channel's platform is
// offered and the flow reconnects it.
import { Alert, Anchor, Button, Card, Group, Modal, PasswordInput, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent, type ReactNode } from 'react';
import { api, messageOf, unwrap } from '../../api/client';
import type { components } from '../../api/schema';
import { ErrorState, Loading } from '../../components/states';
import { platformName, type Platform } from '../../platforms';
import { fieldError } from '../Members/AddMemberModal';
import type { ChannelView } from './credential-fields';
import { notify } from './notify';

type ConnectPlatform = components['schemas']['ConnectPlatformView'];

const HOW: Record<Platform, string> = {
  x: 'Sign in with X and allow Holdfast to post.',
  linkedin: 'Sign in with LinkedIn, then choose your profile or the pages you administer.',
  facebook: 'Sign in with Facebook, then choose the Pages to post to.',
  instagram: 'Sign in with Facebook, then choose the Instagram professional accounts linked to your Pages.',
  mastodon: 'Name your instance, then sign in there.',
  bluesky: 'Your handle and an app password.',
  telegram: 'A bot token from @BotFather and the channel or group.',
};

interface Props {
  opened: boolean;
  onClose: () => void;
  /** A channel to reconnect instead of connecting a new one. */
  reconnect: ChannelView | null;
}

export function ConnectModal(props: Props): ReactNode {
  return props.opened ? <ConnectModalBody key={props.reconnect?.id ?? 'new'} {...props} /> : null;
}

function ConnectModalBody({ opened, onClose, reconnect }: Props): ReactNode {
  const [chosen, setChosen] = useState<Platform | null>(reconnect?.platform ?? null);
  const platforms = useQuery({ queryKey: ['channels', 'connect'], queryFn: () => unwrap(api.GET('/api/channels/connect')) });
  const title = reconnect ? `Reconnect ${reconnect.name}` : chosen ? `Connect ${platformName(chosen)}` : 'Connect an account';

  let body: ReactNode;
  if (platforms.isPending) {
    body = <Loading label="Loading the platforms…" />;
  } else if (platforms.isError) {
    body = <ErrorState error={platforms.error} retry={() => void platforms.refetch()} title="The platforms could not be loaded" />;
  } else if (chosen === null) {
    body = <PlatformChoice platforms={platforms.data.platforms} onChoose={setChosen} />;
  } else {
    const platform = platforms.data.platforms.find((item) => item.platform === chosen)!;
    body = (
      <Stack>
        {platform.method === 'oauth' ? <SignInStart platform={platform} reconnect={reconnect} /> : null}
        {platform.method === 'app_password' ? <BlueskyForm reconnect={reconnect} onDone={onClose} /> : null}
        {platform.method === 'bot_token' ? <TelegramForm reconnect={reconnect} onDone={onClose} /> : null}
        {reconnect ? null : (
          <Anchor component="button" type="button" size="sm" onClick={() => setChosen(null)}>
            ← Another platform
          </Anchor>
        )}
      </Stack>
    );
  }
  return (
    <Modal opened={opened} onClose={onClose} title={title} size="lg" closeButtonProps={{ 'aria-label': 'Close' }}>
      {body}
    </Modal>
  );
}

function PlatformChoice({ platforms, onChoose }: { platforms: ConnectPlatform[]; onChoose: (platform: Platform) => void }): ReactNode {
  return (
    <SimpleGrid cols={{ base: 1, sm: 2 }} data-testid="connect-platforms">
      {platforms.map((platform) => (
        <Card key={platform.platform} withBorder padding="sm" data-testid="connect-platform" data-platform={platform.platform}>
          <Stack gap={6}>
            <Text fw={600}>{platformName(platform.platform)}</Text>
            <Text size="sm">{HOW[platform.platform]}</Text>
            {platform.configured ? (
              <Button size="xs" onClick={() => onChoose(platform.platform)} aria-label={`Connect ${platformName(platform.platform)}`}>
                Connect
              </Button>
            ) : (
              <Text size="sm" c="red.9" data-testid="not-configured">
                Not configured on this service: an operator sets {platform.missing.join(', ')} and restarts it.
              </Text>
            )}
          </Stack>
        </Card>
      ))}
    </SimpleGrid>
  );
}

function SignInStart({ platform, reconnect }: { platform: ConnectPlatform; reconnect: ChannelView | null }): ReactNode {
  const mastodon = platform.platform === 'mastodon';
  const [instance, setInstance] = useState('');
  const start = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/api/channels/connect/{platform}', {
          params: { path: { platform: platform.platform } },
          body: { ...(reconnect ? { channelId: reconnect.id } : {}), ...(mastodon && instance.trim() ? { instanceUrl: instance.trim() } : {}) },
        }),
      ),
    // The platform's page, then back to Channels: the outcome is shown there.
    onSuccess: (answer) => window.location.assign(answer.authorizeUrl),
  });
  if (!platform.configured) {
    return (
      <Alert color="red" title={`${platformName(platform.platform)} is not configured on this service`}>
        An operator sets {platform.missing.join(', ')} and restarts Holdfast.
      </Alert>
    );
  }
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    start.mutate();
  };
  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        <Text size="sm">
          {reconnect
            ? `Sign in as ${reconnect.handle} on ${platformName(platform.platform)}. Posts waiting for this channel go out once it is reconnected.`
            : HOW[platform.platform]}{' '}
          You come back here when it is done; the sign-in must finish within 10 minutes.
        </Text>
        {mastodon && !reconnect ? (
          <TextInput
            label="Your Mastodon instance"
            description="The server your account is on, as in @brand@mastodon.social"
            placeholder="mastodon.social"
            value={instance}
            onChange={(event) => setInstance(event.currentTarget.value)}
            error={fieldError(start.error, 'instanceUrl') ?? (start.isError ? messageOf(start.error) : undefined)}
            required
          />
        ) : start.isError ? (
          <Alert color="red" title="The sign-in could not start">
            {messageOf(start.error)}
          </Alert>
        ) : null}
        <Group justify="flex-end">
          <Button type="submit" loading={start.isPending || start.isSuccess}>
            {`Continue to ${platformName(platform.platform)}`}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function BlueskyForm({ reconnect, onDone }: { reconnect: ChannelView | null; onDone: () => void }): ReactNode {
  const queryClient = useQueryClient();
  const [handle, setHandle] = useState(reconnect?.handle.replace(/^@/, '') ?? '');
  const [appPassword, setAppPassword] = useState('');
  const connect = useMutation({
    mutationFn: () =>
      unwrap(api.POST('/api/channels/connect/bluesky', { body: { handle: handle.trim(), appPassword: appPassword.trim(), ...(reconnect ? { channelId: reconnect.id } : {}) } })),
    onSuccess: async (answer) => {
      await queryClient.invalidateQueries({ queryKey: ['channels'] });
      notify('green', answer.reconnected ? 'Channel reconnected' : 'Channel connected', `${answer.channel.handle} on Bluesky`);
      onDone();
    },
  });
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    connect.mutate();
  };
  const general = connect.isError && !fieldError(connect.error, 'handle') && !fieldError(connect.error, 'appPassword') ? messageOf(connect.error) : undefined;
  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        <Text size="sm">
          Bluesky connects with an <strong>app password</strong>, never your account password: in Bluesky open Settings → Privacy and security → App passwords,
          add one named Holdfast, and paste it here. You can revoke it there at any time.
        </Text>
        <TextInput label="Handle" placeholder="brand.bsky.social" value={handle} onChange={(event) => setHandle(event.currentTarget.value)} error={fieldError(connect.error, 'handle')} required />
        <PasswordInput
          label="App password"
          placeholder="xxxx-xxxx-xxxx-xxxx"
          value={appPassword}
          onChange={(event) => setAppPassword(event.currentTarget.value)}
          error={fieldError(connect.error, 'appPassword')}
          required
        />
        {general ? (
          <Alert color="red" title="Bluesky did not connect">
            {general}
          </Alert>
        ) : null}
        <Group justify="flex-end">
          <Button type="submit" loading={connect.isPending}>
            {reconnect ? 'Reconnect' : 'Connect Bluesky'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function TelegramForm({ reconnect, onDone }: { reconnect: ChannelView | null; onDone: () => void }): ReactNode {
  const queryClient = useQueryClient();
  const [botToken, setBotToken] = useState('');
  const [chatId, setChatId] = useState('');
  const connect = useMutation({
    mutationFn: () =>
      unwrap(api.POST('/api/channels/connect/telegram', { body: { botToken: botToken.trim(), chatId: chatId.trim(), ...(reconnect ? { channelId: reconnect.id } : {}) } })),
    onSuccess: async (answer) => {
      await queryClient.invalidateQueries({ queryKey: ['channels'] });
      notify('green', answer.reconnected ? 'Channel reconnected' : 'Channel connected', `${answer.channel.name} on Telegram`);
      onDone();
    },
  });
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    connect.mutate();
  };
  const general = connect.isError && !fieldError(connect.error, 'botToken') && !fieldError(connect.error, 'chatId') ? messageOf(connect.error) : undefined;
  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        <Text size="sm">
          Telegram posts through a bot: make one with @BotFather (/newbot) and copy its token, then add the bot to your channel as an administrator allowed to post
          messages (or to your group as a member). Holdfast checks both before it keeps anything.
        </Text>
        <PasswordInput label="Bot token" placeholder="123456789:AA…" value={botToken} onChange={(event) => setBotToken(event.currentTarget.value)} error={fieldError(connect.error, 'botToken')} required />
        <TextInput
          label="Channel or group"
          description="Its @username, or its numeric id (starts with -100) for a private one"
          placeholder="@brandnews"
          value={chatId}
          onChange={(event) => setChatId(event.currentTarget.value)}
          error={fieldError(connect.error, 'chatId')}
          required
        />
        {general ? (
          <Alert color="red" title="Telegram did not connect">
            {general}
          </Alert>
        ) : null}
        <Group justify="flex-end">
          <Button type="submit" loading={connect.isPending}>
            {reconnect ? 'Reconnect' : 'Connect Telegram'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
