// What happened to one delivery: its state, attempts, the platform's last error, the link once published, and
// who holds it (a person, or a crisis), with the way to the post itself.
import { Anchor, Badge, Button, Drawer, Group, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { api, unwrap } from '../../api/client';
import type { DeliveryEvent } from './calendar-data';
import { PLATFORM_NAMES, STATE_LOOKS } from './delivery-states';

function Row({ label, children }: { label: string; children: ReactNode }): ReactNode {
  return (
    <div>
      <Text size="xs" fw={700} c="dimmed" tt="uppercase">
        {label}
      </Text>
      <Text size="sm">{children}</Text>
    </div>
  );
}

function HeldBy({ crisisId }: { crisisId: string | null }): ReactNode {
  const crisis = useQuery({
    queryKey: ['crises', crisisId],
    queryFn: () => unwrap(api.GET('/api/crises/{id}', { params: { path: { id: crisisId! } } })),
    enabled: crisisId !== null,
  });
  if (crisisId === null) {
    return 'A person put the post on hold; it goes out only once they release it.';
  }
  if (crisis.isPending) {
    return 'A crisis holds it…';
  }
  if (crisis.isError) {
    return `A crisis holds it (${crisisId}).`;
  }
  const state = crisis.data.active ? 'active' : 'ended';
  return `The crisis "${crisis.data.reason}" (level ${crisis.data.level}, ${state}) holds it.`;
}

export function DeliveryDrawer({ selected, onClose, format }: { selected: DeliveryEvent | null; onClose: () => void; format: (iso: string) => string }): ReactNode {
  const delivery = selected?.delivery;
  const look = delivery ? STATE_LOOKS[delivery.state] : undefined;
  return (
    <Drawer opened={selected !== null} onClose={onClose} position="right" size="md" closeButtonProps={{ 'aria-label': 'Close' }} title={<Title order={2} size="h4">Delivery</Title>}>
      {selected && delivery && look ? (
        <Stack gap="md" data-testid="delivery-drawer">
          <Group gap="xs">
            <Badge color={look.color} c={look.text} size="lg" radius="sm">
              {look.icon ? `${look.icon} ` : ''}
              {look.label}
            </Badge>
            <Text fw={600}>
              {PLATFORM_NAMES[delivery.platform]} · {selected.channelName}
            </Text>
          </Group>
          <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
            {selected.post.platformText[delivery.platform] ?? selected.post.text}
          </Text>
          <Row label="Planned for">{format(selected.post.scheduledAt)}</Row>
          {delivery.waitingForReconnectionSince && delivery.state === 'scheduled' ? (
            <Row label="Waiting for a reconnect">
              {`Since ${format(delivery.waitingForReconnectionSince)}: the platform refused the channel's credentials. An admin reconnects it under Channels; it goes out then if still within the grace window after its planned time, and is listed as missed past it.`}{' '}
              <Anchor component={Link} to="/channels">
                Channels
              </Anchor>
            </Row>
          ) : delivery.state === 'scheduled' || delivery.state === 'pending_approval' ? (
            <Row label="Next try">{format(delivery.dueAt)}</Row>
          ) : null}
          <Row label="Attempts">{delivery.attempts === 0 ? 'Not tried yet' : String(delivery.attempts)}</Row>
          {delivery.lastError ? <Row label="Last error">{delivery.lastError}</Row> : null}
          {/* publishedAt is an ISO string on the wire (its generated type lacks `type: String`). */}
          {delivery.publishedAt ? <Row label="Published">{format(delivery.publishedAt as unknown as string)}</Row> : null}
          {delivery.url ? (
            <Row label="On the platform">
              <Anchor href={delivery.url} target="_blank" rel="noreferrer">
                {delivery.url}
              </Anchor>
            </Row>
          ) : null}
          {delivery.state === 'held' ? (
            <Row label="Held by">
              <HeldBy crisisId={delivery.heldByCrisisId} />
            </Row>
          ) : null}
          {delivery.state === 'needs_verification' ? (
            <Row label="What to do">Its send started but the answer never came: check the platform, then mark it published or send it again.</Row>
          ) : null}
          {delivery.state === 'missed' ? <Row label="What to do">Its time passed while it was held: move it to a new time to send it.</Row> : null}
          <Group>
            <Button component={Link} to={`/posts/${selected.post.id}`} variant="default">
              Open the post
            </Button>
          </Group>
        </Stack>
      ) : null}
    </Drawer>
  );
}
