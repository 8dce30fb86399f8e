// Webhooks (admins): the workspace's webhooks with their last delivery, adding one (its secret shown that once),
// and each webhook's own page (/webhooks/:id) for editing, test sends and the delivery log.
import { Anchor, Badge, Button, Group, Modal, Stack, Table, Text, Title } from '@mantine/core';
import { useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { Link, Route, Routes } from 'react-router';
import { api, unwrap } from '../../api/client';
import { Empty, ErrorState, Loading } from '../../components/states';
import { useSignedIn } from '../../session/session';
import { formatInstant, zoneOf } from '../Members/people';
import { OnceSecret } from '../Members/OnceSecret';
import { WebhookDetail } from './WebhookDetail';
import { WebhookForm, type WebhookFields } from './WebhookForm';
import { STATE_COLOR, STATE_LABEL, type WebhookView } from './webhooks';

export function WebhooksScreen(): ReactNode {
  const session = useSignedIn();
  if (!session.can('webhooks.manage')) {
    return (
      <Empty
        title="Webhooks are managed by admins"
        hint="Your roles do not include admin, so this page shows nothing to you. Ask an admin of your workspace to connect a URL to Holdfast’s events."
      />
    );
  }
  const zone = zoneOf(session.workspace);
  return (
    <Routes>
      <Route index element={<WebhookList zone={zone} />} />
      <Route path=":id" element={<WebhookDetail zone={zone} />} />
    </Routes>
  );
}

function WebhookList({ zone }: { zone?: string }): ReactNode {
  const [adding, setAdding] = useState(false);
  const webhooks = useQuery({ queryKey: ['webhooks'], queryFn: () => unwrap(api.GET('/api/webhooks')) });

  let body: ReactNode;
  if (webhooks.isPending) {
    body = <Loading label="Loading webhooks…" />;
  } else if (webhooks.isError) {
    body = <ErrorState error={webhooks.error} retry={() => void webhooks.refetch()} title="The webhooks could not be loaded" />;
  } else if (webhooks.data.length === 0) {
    body = (
      <Empty
        title="No webhooks yet"
        hint="A webhook sends a signed POST to your URL when something happens: a crisis, a failed post, a paused campaign."
        action={<Button onClick={() => setAdding(true)}>Add a webhook</Button>}
      />
    );
  } else {
    body = <WebhookTable webhooks={webhooks.data} zone={zone} />;
  }

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>Webhooks</Title>
        <Button onClick={() => setAdding(true)}>Add a webhook</Button>
      </Group>
      {body}
      <AddWebhookModal opened={adding} onClose={() => setAdding(false)} />
    </Stack>
  );
}

function WebhookTable({ webhooks, zone }: { webhooks: WebhookView[]; zone?: string }): ReactNode {
  // The newest delivery of each, under the log's key so a send or re-send refreshes it.
  const last = useQueries({
    queries: webhooks.map((webhook) => ({
      queryKey: ['webhooks', webhook.id, 'deliveries', 'last'],
      queryFn: () => unwrap(api.GET('/api/webhooks/{id}/deliveries', { params: { path: { id: webhook.id }, query: { limit: 1 } } })),
    })),
  });
  return (
    <Table.ScrollContainer minWidth={800}>
      <Table striped highlightOnHover verticalSpacing="sm">
        <Table.Caption>Webhooks of the workspace</Table.Caption>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>URL</Table.Th>
            <Table.Th>Events</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th>Last delivery</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {webhooks.map((webhook, index) => {
            const latest = last[index];
            const delivery = latest?.data?.items[0];
            return (
              <Table.Tr key={webhook.id} data-testid="webhook-row">
                <Table.Td>
                  <Anchor component={Link} to={`/webhooks/${webhook.id}`} style={{ wordBreak: 'break-all' }}>
                    {webhook.url}
                  </Anchor>
                  {webhook.description ? (
                    <Text size="sm" c="dimmed">
                      {webhook.description}
                    </Text>
                  ) : null}
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{webhook.eventTypes.join(', ')}</Text>
                </Table.Td>
                <Table.Td>
                  <Badge color={webhook.active ? 'green' : 'gray'} variant="light" styles={{ label: { color: "var(--mantine-color-black)" } }}>
                    {webhook.active ? 'Active' : 'Inactive'}
                  </Badge>
                  {webhook.disabledReason ? (
                    <Text size="xs" c="dimmed">
                      Switched off: {webhook.disabledReason}
                    </Text>
                  ) : null}
                </Table.Td>
                <Table.Td>
                  {latest?.isPending ? (
                    <Text size="sm" c="dimmed">
                      Loading…
                    </Text>
                  ) : latest?.isError ? (
                    <Text size="sm" c="red.8">
                      Could not be loaded
                    </Text>
                  ) : delivery ? (
                    <Stack gap={0}>
                      <Group gap={6}>
                        <Badge color={STATE_COLOR[delivery.state]} variant="light" styles={{ label: { color: "var(--mantine-color-black)" } }}>
                          {STATE_LABEL[delivery.state]}
                        </Badge>
                        <Text size="sm">{delivery.eventType}</Text>
                      </Group>
                      <Text size="xs" c="dimmed">
                        {formatInstant(delivery.createdAt, zone)}
                        {delivery.lastError ? ` · ${delivery.lastError}` : ''}
                      </Text>
                    </Stack>
                  ) : (
                    <Text size="sm" c="dimmed">
                      Nothing sent yet
                    </Text>
                  )}
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

function AddWebhookModal({ opened, onClose }: { opened: boolean; onClose: () => void }): ReactNode {
  const queryClient = useQueryClient();
  const create = useMutation({
    mutationFn: (fields: WebhookFields) =>
      unwrap(
        api.POST('/api/webhooks', {
          body: { url: fields.url, eventTypes: fields.eventTypes, active: true, ...(fields.description ? { description: fields.description } : {}) },
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['webhooks'] }),
  });
  const created = create.data;
  const close = (): void => {
    create.reset();
    onClose();
  };
  return (
    <Modal opened={opened} onClose={close} title={created ? 'The webhook is added' : 'Add a webhook'} size="lg" centered closeButtonProps={{ 'aria-label': 'Close' }}>
      {created ? (
        <Stack>
          <Text>
            Holdfast signs every event to <strong style={{ wordBreak: 'break-all' }}>{created.url}</strong> with this secret. Give it to the receiver so it can check
            the <code>Holdfast-Signature</code> header. It is shown only now: copy it before you close this.
          </Text>
          <OnceSecret label="Signing secret" value={created.secret} />
          <Group justify="flex-end">
            <Button variant="default" component={Link} to={`/webhooks/${created.id}`} onClick={close}>
              Open the webhook
            </Button>
            <Button onClick={close}>Done</Button>
          </Group>
        </Stack>
      ) : (
        <WebhookForm
          name="Add a webhook"
          initial={{ url: '', description: '', eventTypes: [] }}
          submitLabel="Add and get the secret"
          onSubmit={(fields) => create.mutate(fields)}
          onCancel={close}
          pending={create.isPending}
          error={create.error}
        />
      )}
    </Modal>
  );
}
