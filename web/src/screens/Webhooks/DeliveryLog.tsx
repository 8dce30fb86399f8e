// A webhook's delivery log: each event sent, its state, attempts and last answer, every attempt on demand, and a
// re-send of a failed or cancelled delivery (the same event, freshly signed, as its next attempt).
import { Alert, Badge, Button, Group, Stack, Table, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { Fragment, useState, type ReactNode } from 'react';
import { api, messageOf, unwrap } from '../../api/client';
import { Empty, ErrorState, Loading } from '../../components/states';
import { formatInstant } from '../Members/people';
import { STATE_COLOR, STATE_LABEL, type WebhookDelivery, type WebhookView } from './webhooks';

const PAGE_SIZE = 25;

function lastAnswer(delivery: WebhookDelivery): string {
  if (delivery.state === 'delivered') {
    return `answered ${delivery.lastStatusCode ?? '2xx'}`;
  }
  if (delivery.lastError) {
    return delivery.lastError;
  }
  return delivery.lastStatusCode !== null ? `answered ${delivery.lastStatusCode}` : '—';
}

export function DeliveryLog({ webhook, zone }: { webhook: WebhookView; zone?: string }): ReactNode {
  const queryClient = useQueryClient();
  const [openId, setOpenId] = useState<string | null>(null);
  const log = useInfiniteQuery({
    queryKey: ['webhooks', webhook.id, 'deliveries', 'log'],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      unwrap(api.GET('/api/webhooks/{id}/deliveries', { params: { path: { id: webhook.id }, query: { limit: PAGE_SIZE, ...(pageParam ? { cursor: pageParam } : {}) } } })),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    // While something is on its way, follow it: the sender's outcome arrives within seconds.
    refetchInterval: (query) =>
      query.state.data?.pages.some((page) => page.items.some((item) => item.state === 'pending' || item.state === 'sending')) ? 1000 : false,
  });
  const resend = useMutation({
    mutationFn: (delivery: WebhookDelivery) =>
      unwrap(api.POST('/api/webhooks/{id}/deliveries/{deliveryId}/resend', { params: { path: { id: webhook.id, deliveryId: delivery.id } } })),
    onSuccess: async (_data, delivery) => {
      await queryClient.invalidateQueries({ queryKey: ['webhooks', webhook.id, 'deliveries'] });
      notifications.show({ closeButtonProps: { 'aria-label': 'Dismiss' }, color: 'green', title: 'Re-sent', message: `${delivery.eventType} is on its way again; its outcome appears here.` });
    },
    onError: (error) => notifications.show({ closeButtonProps: { 'aria-label': 'Dismiss' }, color: 'red', title: 'Not re-sent', message: messageOf(error), autoClose: 10_000 }),
  });

  const items = log.data?.pages.flatMap((page) => page.items) ?? [];
  let body: ReactNode;
  if (log.isPending) {
    body = <Loading label="Loading the delivery log…" />;
  } else if (!log.data) {
    body = <ErrorState error={log.error} retry={() => void log.refetch()} title="The delivery log could not be loaded" />;
  } else if (items.length === 0) {
    body = <Empty title="Nothing sent yet" hint="Send a test to see the first delivery here, with the receiver’s answer." />;
  } else {
    body = (
      <Stack>
        <Table.ScrollContainer minWidth={900}>
          <Table verticalSpacing="sm" data-testid="delivery-log">
            <Table.Caption>Every event sent to this webhook, newest first</Table.Caption>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Event</Table.Th>
                <Table.Th>State</Table.Th>
                <Table.Th>Attempts</Table.Th>
                <Table.Th>Last answer</Table.Th>
                <Table.Th>Times</Table.Th>
                <Table.Th>Actions</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((delivery) => {
                const canResend = webhook.active && (delivery.state === 'failed' || delivery.state === 'cancelled');
                const open = openId === delivery.id;
                return (
                  <Fragment key={delivery.id}>
                    <Table.Tr data-testid="delivery-row" data-state={delivery.state}>
                      <Table.Td>
                        <Text size="sm">{delivery.eventType}</Text>
                        <Text size="xs" c="dimmed" ff="monospace">
                          {delivery.eventId.slice(0, 8)}…
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <Badge color={STATE_COLOR[delivery.state]} variant="light" styles={{ label: { color: "var(--mantine-color-black)" } }}>
                          {STATE_LABEL[delivery.state]}
                        </Badge>
                      </Table.Td>
                      <Table.Td>{delivery.attempts}</Table.Td>
                      <Table.Td>
                        <Text size="sm">{lastAnswer(delivery)}</Text>
                      </Table.Td>
                      <Table.Td>
                        <Text size="xs">Created {formatInstant(delivery.createdAt, zone)}</Text>
                        {delivery.deliveredAt ? <Text size="xs">Delivered {formatInstant(delivery.deliveredAt, zone)}</Text> : null}
                        {delivery.nextAttemptAt ? <Text size="xs">Next try {formatInstant(delivery.nextAttemptAt, zone)}</Text> : null}
                      </Table.Td>
                      <Table.Td>
                        <Group gap={4} wrap="nowrap">
                          {delivery.log.length > 0 ? (
                            <Button size="xs" variant="subtle" onClick={() => setOpenId(open ? null : delivery.id)} aria-expanded={open}>
                              {open ? 'Hide attempts' : 'Attempts'}
                            </Button>
                          ) : null}
                          {canResend ? (
                            <Button
                              size="xs"
                              variant="default"
                              onClick={() => resend.mutate(delivery)}
                              loading={resend.isPending && resend.variables?.id === delivery.id}
                              aria-label={`Re-send ${delivery.eventType} of ${formatInstant(delivery.createdAt, zone)}`}
                            >
                              Re-send
                            </Button>
                          ) : null}
                        </Group>
                      </Table.Td>
                    </Table.Tr>
                    {open ? (
                      <Table.Tr>
                        <Table.Td colSpan={6}>
                          <Stack gap={2} data-testid="attempts">
                            {delivery.log.map((attempt) => (
                              <Text size="sm" key={attempt.attempt}>
                                Attempt {attempt.attempt}, {formatInstant(attempt.startedAt, zone)}: {attempt.statusCode !== null ? `HTTP ${attempt.statusCode}` : 'no answer'} in{' '}
                                {attempt.durationMs} ms{attempt.error ? ` — ${attempt.error}` : ''}
                                {attempt.responseBody ? (
                                  <Text span size="xs" c="dimmed" ff="monospace">
                                    {' '}
                                    {attempt.responseBody.slice(0, 200)}
                                  </Text>
                                ) : null}
                              </Text>
                            ))}
                          </Stack>
                        </Table.Td>
                      </Table.Tr>
                    ) : null}
                  </Fragment>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
        {log.hasNextPage ? (
          <Group justify="center">
            <Button variant="default" onClick={() => void log.fetchNextPage()} loading={log.isFetchingNextPage}>
              Older
            </Button>
          </Group>
        ) : null}
        {log.isError ? <ErrorState error={log.error} retry={() => void log.refetch()} title="The log could not be refreshed" /> : null}
      </Stack>
    );
  }
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={3}>Delivery log</Title>
        <Button size="xs" variant="default" onClick={() => void log.refetch()} loading={log.isRefetching && !log.isFetchingNextPage}>
          Refresh
        </Button>
      </Group>
      {!webhook.active ? (
        <Alert color="gray" variant="light">
          Re-sending needs the webhook switched on.
        </Alert>
      ) : null}
      {body}
    </Stack>
  );
}
