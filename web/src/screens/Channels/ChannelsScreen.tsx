// Channels (admins manage; any member may read): each connected account with its status, its platform's health and
// when it was last verified; connect an account with the platform's sign-in (or Bluesky's app password, a Telegram
// bot), reconnect one that needs it, verify the connection, edit it (credentials write-only), set fallbacks, remove.
import { Alert, Badge, Button, Group, Stack, Table, Text, Title, VisuallyHidden } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { api, messageOf, unwrap } from '../../api/client';
import { Empty, ErrorState, Loading } from '../../components/states';
import { platformName } from '../../platforms';
import { useSignedIn } from '../../session/session';
import { ConfirmModal } from '../Members/ConfirmModal';
import { formatInstant, zoneOf } from '../Members/people';
import { ChannelForm } from './ChannelForm';
import { ConnectModal } from './ConnectModal';
import { ConnectOutcome } from './ConnectOutcome';
import { healthWords, verificationWords, type ChannelView, type PlatformHealth } from './credential-fields';
import { notify } from './notify';

interface VerifyOutcome {
  channelId: string;
  ok: boolean;
  text: string;
}

export function ChannelsScreen(): ReactNode {
  const session = useSignedIn();
  const manage = session.can('channels.manage');
  const timeZone = zoneOf(session.workspace);
  const queryClient = useQueryClient();
  const channels = useQuery({ queryKey: ['channels'], queryFn: () => unwrap(api.GET('/api/channels')) });
  const health = useQuery({ queryKey: ['platforms', 'health'], queryFn: () => unwrap(api.GET('/api/platforms/health')) });
  const [editing, setEditing] = useState<ChannelView | 'new' | null>(null);
  const [removing, setRemoving] = useState<ChannelView | null>(null);
  const [connecting, setConnecting] = useState<ChannelView | 'new' | null>(null);
  const [outcome, setOutcome] = useState<VerifyOutcome | null>(null);

  const verify = useMutation({
    mutationFn: (channel: ChannelView) => unwrap(api.POST('/api/channels/{id}/verify', { params: { path: { id: channel.id } } })),
    onSuccess: (answer, channel) => setOutcome({ channelId: channel.id, ok: answer.ok, text: verificationWords(channel, answer) }),
    onError: (error, channel) => setOutcome({ channelId: channel.id, ok: false, text: `${channel.name} could not be checked: ${messageOf(error)}` }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['channels'] }),
  });

  const remove = useMutation({
    mutationFn: (channel: ChannelView) => unwrap(api.DELETE('/api/channels/{id}', { params: { path: { id: channel.id } } })),
    onSuccess: async (_, channel) => {
      await queryClient.invalidateQueries({ queryKey: ['channels'] });
      notify('green', 'Channel removed', `${channel.name} is disconnected; its history stays.`);
      setRemoving(null);
    },
  });

  let body: ReactNode;
  if (channels.isPending) {
    body = <Loading label="Loading channels…" />;
  } else if (channels.isError) {
    body = <ErrorState error={channels.error} retry={() => void channels.refetch()} title="The channels could not be loaded" />;
  } else if (channels.data.length === 0) {
    body = (
      <Empty
        title="No channels yet"
        hint={manage ? 'Connect the social accounts your team publishes to.' : 'An admin connects the social accounts your team publishes to.'}
        action={manage ? <Button onClick={() => setConnecting('new')}>Connect an account</Button> : undefined}
      />
    );
  } else {
    const byId = new Map(channels.data.map((channel) => [channel.id, channel]));
    body = (
      <Table.ScrollContainer minWidth={900}>
        <Table striped highlightOnHover verticalSpacing="sm">
          <Table.Caption>Connected channels, with their platform&apos;s health</Table.Caption>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Channel</Table.Th>
              <Table.Th>Platform</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th>Platform health</Table.Th>
              <Table.Th>Last verified</Table.Th>
              <Table.Th>Fallbacks</Table.Th>
              {manage ? (
                <Table.Th>
                  <VisuallyHidden>Actions</VisuallyHidden>
                </Table.Th>
              ) : null}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {channels.data.map((channel) => (
              <Table.Tr key={channel.id} data-testid="channel-row" data-channel-id={channel.id}>
                <Table.Td>
                  <Text fw={500}>{channel.name}</Text>
                  <Text size="sm" c="dimmed">
                    {channel.handle}
                  </Text>
                </Table.Td>
                <Table.Td>{platformName(channel.platform)}</Table.Td>
                <Table.Td>
                  <ChannelStatus channel={channel} />
                </Table.Td>
                <Table.Td>
                  <HealthCell channel={channel} health={health.data} loading={health.isPending} failed={health.isError} timeZone={timeZone} />
                </Table.Td>
                <Table.Td>{channel.lastVerifiedAt ? formatInstant(channel.lastVerifiedAt, timeZone) : <Text span size="sm" c="dimmed">never</Text>}</Table.Td>
                <Table.Td>
                  {channel.fallbackChannelIds.length === 0 ? (
                    <Text span size="sm" c="dimmed">
                      none
                    </Text>
                  ) : (
                    <Text size="sm" data-testid="channel-fallbacks">
                      {channel.fallbackChannelIds.map((id) => byId.get(id)?.name ?? 'a removed channel').join(', ')}
                      {channel.failoverPolicy !== 'off' ? ` · failover ${channel.failoverPolicy === 'auto' ? `after ${channel.failoverAfterMinutes} min` : 'manual'}` : ' · failover off'}
                    </Text>
                  )}
                </Table.Td>
                {manage ? (
                  <Table.Td>
                    <Group gap="xs" wrap="nowrap">
                      {channel.status === 'needs_reauth' ? (
                        <Button size="xs" onClick={() => setConnecting(channel)} aria-label={`Reconnect ${channel.name}`}>
                          Reconnect
                        </Button>
                      ) : null}
                      <Button
                        size="xs"
                        variant="default"
                        onClick={() => verify.mutate(channel)}
                        loading={verify.isPending && verify.variables?.id === channel.id}
                        aria-label={`Verify ${channel.name}`}
                      >
                        Verify
                      </Button>
                      <Button size="xs" variant="default" onClick={() => setEditing(channel)} aria-label={`Edit ${channel.name}`}>
                        Edit
                      </Button>
                      <Button size="xs" variant="default" c="red.9" onClick={() => setRemoving(channel)} aria-label={`Remove ${channel.name}`}>
                        Remove
                      </Button>
                    </Group>
                  </Table.Td>
                ) : null}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    );
  }

  const formChannel = editing === 'new' ? null : editing;
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>Channels</Title>
        {manage ? (
          <Group gap="xs">
            {channels.data && channels.data.length > 0 ? <Button onClick={() => setConnecting('new')}>Connect an account</Button> : null}
            <Button variant="default" onClick={() => setEditing('new')}>
              Add with tokens
            </Button>
          </Group>
        ) : null}
      </Group>
      <Text c="dimmed" size="sm">
        A channel that needs reconnecting gets nothing sent until a check succeeds or its credentials are replaced. A degraded platform holds its sends; fallbacks
        take them when failover is on.
      </Text>
      <div aria-live="polite">
        <ConnectOutcome channels={channels.data} />
      </div>
      <div aria-live="polite" data-testid="verify-outcome">
        {outcome ? (
          <Alert color={outcome.ok ? 'green' : 'red'} title={outcome.ok ? 'Connection works' : 'Connection check failed'} withCloseButton closeButtonLabel="Dismiss" onClose={() => setOutcome(null)}>
            {outcome.text}
          </Alert>
        ) : null}
      </div>
      {body}
      {manage ? (
        <>
          <ConnectModal opened={connecting !== null} reconnect={connecting === 'new' ? null : connecting} onClose={() => setConnecting(null)} />
          <ChannelForm
            opened={editing !== null}
            channel={formChannel}
            channels={channels.data ?? []}
            onClose={() => setEditing(null)}
            onSaved={(saved) => {
              notify('green', formChannel ? 'Channel saved' : 'Channel added', `${saved.name} on ${platformName(saved.platform)}`);
              setEditing(null);
            }}
          />
          <ConfirmModal
            opened={removing !== null}
            title={removing ? `Remove ${removing.name}?` : 'Remove'}
            confirmLabel="Remove the channel"
            onConfirm={() => removing && remove.mutate(removing)}
            onCancel={() => {
              remove.reset();
              setRemoving(null);
            }}
            pending={remove.isPending}
            error={remove.error}
          >
            Its credentials are erased and nothing more is sent to it. Its published posts and history stay. Other channels that fall back to it skip it.
          </ConfirmModal>
        </>
      ) : null}
    </Stack>
  );
}

function ChannelStatus({ channel }: { channel: ChannelView }): ReactNode {
  if (channel.status === 'active') {
    return (
      <Badge color="teal.9" variant="filled" autoContrast data-testid="channel-status">
        Active
      </Badge>
    );
  }
  return (
    <Stack gap={2}>
      <Badge color="red.9" variant="filled" autoContrast data-testid="channel-status">
        Needs reconnecting
      </Badge>
      {channel.statusReason ? (
        <Text size="xs" c="dimmed" maw={260}>
          {channel.statusReason}
        </Text>
      ) : null}
    </Stack>
  );
}

function HealthCell({ channel, health, loading, failed, timeZone }: { channel: ChannelView; health?: PlatformHealth; loading: boolean; failed: boolean; timeZone?: string }): ReactNode {
  if (loading) {
    return <Text size="sm" c="dimmed">checking…</Text>;
  }
  if (failed || !health) {
    return <Text size="sm" c="dimmed">unknown</Text>;
  }
  const platform = health.platforms.find((item) => item.platform === channel.platform);
  const own = health.channels.find((item) => item.channelId === channel.id);
  // The worse of the platform's breaker and the channel's own.
  const worst = [platform, own].find((item) => item?.state === 'open') ?? [platform, own].find((item) => item?.state === 'half_open') ?? platform;
  const words = healthWords(worst?.state);
  return (
    <Stack gap={2}>
      <Badge color={words.color} variant="filled" autoContrast data-testid="platform-health">
        {words.label}
      </Badge>
      {worst?.degradedSince && worst.state !== 'closed' ? (
        <Text size="xs" c="dimmed">
          since {formatInstant(worst.degradedSince, timeZone)}
        </Text>
      ) : null}
    </Stack>
  );
}
