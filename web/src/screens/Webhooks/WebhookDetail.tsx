// One webhook: edit it, send a test, switch it off or on, delete it (confirmed), and its delivery log with re-sends.
import { Alert, Anchor, Badge, Button, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { api, ApiError, messageOf, unwrap } from '../../api/client';
import { ErrorState, Loading } from '../../components/states';
import { ConfirmModal } from '../Members/ConfirmModal';
import { DeliveryLog } from './DeliveryLog';
import { WebhookForm, type WebhookFields } from './WebhookForm';
import { EVENT_TYPE_LABEL, type WebhookView } from './webhooks';

export function WebhookDetail({ zone }: { zone?: string }): ReactNode {
  const { id = '' } = useParams();
  const webhook = useQuery({ queryKey: ['webhooks', id], queryFn: () => unwrap(api.GET('/api/webhooks/{id}', { params: { path: { id } } })) });
  const back = (
    <Anchor component={Link} to="/webhooks" size="sm">
      ← All webhooks
    </Anchor>
  );
  if (webhook.isPending) {
    return <Loading label="Loading the webhook…" />;
  }
  if (webhook.isError) {
    const gone = webhook.error instanceof ApiError && webhook.error.status === 404;
    return (
      <Stack>
        {back}
        <ErrorState error={webhook.error} retry={gone ? undefined : () => void webhook.refetch()} title={gone ? 'No such webhook' : 'The webhook could not be loaded'} />
      </Stack>
    );
  }
  return (
    <Stack>
      {back}
      <WebhookPanel webhook={webhook.data} />
      <DeliveryLog webhook={webhook.data} zone={zone} />
    </Stack>
  );
}

function WebhookPanel({ webhook }: { webhook: WebhookView }): ReactNode {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [editing, setEditing] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [switchingOff, setSwitchingOff] = useState(false);
  const path = { params: { path: { id: webhook.id } } };
  const refresh = (): Promise<void> => queryClient.invalidateQueries({ queryKey: ['webhooks'] });

  const update = useMutation({
    mutationFn: (body: Partial<WebhookFields> & { active: boolean }) => unwrap(api.PATCH('/api/webhooks/{id}', { ...path, body })),
    onSuccess: async (_data, body) => {
      await refresh();
      setEditing(false);
      setSwitchingOff(false);
      if (body.url === undefined) {
        notifications.show({ closeButtonProps: { 'aria-label': 'Dismiss' }, color: 'green', title: body.active ? 'Switched on' : 'Switched off', message: body.active ? 'It receives events again.' : 'It receives nothing until switched on; what it had not been sent is cancelled.' });
      } else {
        notifications.show({ closeButtonProps: { 'aria-label': 'Dismiss' }, color: 'green', title: 'Saved', message: 'The webhook is changed.' });
      }
    },
  });
  const test = useMutation({
    mutationFn: () => unwrap(api.POST('/api/webhooks/{id}/test', path)),
    onSuccess: async () => {
      await refresh();
      notifications.show({ closeButtonProps: { 'aria-label': 'Dismiss' }, color: 'green', title: 'Test queued', message: 'A signed webhook.test is on its way; its outcome appears in the delivery log below.' });
    },
    onError: (error) => notifications.show({ closeButtonProps: { 'aria-label': 'Dismiss' }, color: 'red', title: 'Test not sent', message: messageOf(error), autoClose: 10_000 }),
  });
  const remove = useMutation({
    mutationFn: () => unwrap(api.DELETE('/api/webhooks/{id}', path)),
    onSuccess: async () => {
      queryClient.removeQueries({ queryKey: ['webhooks', webhook.id] });
      await queryClient.invalidateQueries({ queryKey: ['webhooks'] });
      notifications.show({ closeButtonProps: { 'aria-label': 'Dismiss' }, color: 'green', title: 'Deleted', message: `${webhook.url} receives nothing more.` });
      void navigate('/webhooks');
    },
  });

  return (
    <Paper withBorder p="md">
      <Stack>
        <Group justify="space-between" align="flex-start">
          <Stack gap={4} style={{ minWidth: 0 }}>
            <Title order={2} style={{ wordBreak: 'break-all' }}>
              {webhook.url}
            </Title>
            {webhook.description ? <Text c="dimmed">{webhook.description}</Text> : null}
            <Group gap="xs">
              <Badge color={webhook.active ? 'green' : 'gray'} variant="light" styles={{ label: { color: "var(--mantine-color-black)" } }}>
                {webhook.active ? 'Active' : 'Inactive'}
              </Badge>
              {webhook.disabledReason ? <Text size="sm">Switched off by the service: {webhook.disabledReason}</Text> : null}
            </Group>
          </Stack>
          <Group gap="xs">
            <Button onClick={() => test.mutate()} loading={test.isPending} disabled={!webhook.active} title={webhook.active ? undefined : 'Switch it on to test it'}>
              Send a test
            </Button>
            <Button variant="default" onClick={() => setEditing((open) => !open)} aria-expanded={editing}>
              Edit
            </Button>
            {webhook.active ? (
              <Button variant="default" onClick={() => setSwitchingOff(true)}>
                Switch off…
              </Button>
            ) : (
              <Button variant="default" onClick={() => update.mutate({ active: true })} loading={update.isPending}>
                Switch on
              </Button>
            )}
            <Button color="red" variant="outline" onClick={() => setDeleting(true)}>
              Delete…
            </Button>
          </Group>
        </Group>
        {!webhook.active ? (
          <Alert color="gray" variant="light">
            An inactive webhook receives nothing and cannot be tested; switch it on first.
          </Alert>
        ) : null}
        {editing ? (
          <WebhookForm
            name="Edit the webhook"
            initial={{ url: webhook.url, description: webhook.description ?? '', eventTypes: webhook.eventTypes }}
            submitLabel="Save"
            onSubmit={(fields) => update.mutate({ ...fields, active: webhook.active })}
            onCancel={() => {
              update.reset();
              setEditing(false);
            }}
            pending={update.isPending}
            error={update.error}
          />
        ) : (
          <Text size="sm">
            <Text span fw={600} size="sm">
              Receives:
            </Text>{' '}
            {webhook.eventTypes.map((type) => EVENT_TYPE_LABEL[type]).join(', ')}
          </Text>
        )}
        <Text size="sm" c="dimmed">
          The signing secret was shown once, when the webhook was added; it is never shown again.
        </Text>
      </Stack>
      <ConfirmModal
        opened={switchingOff}
        title="Switch this webhook off?"
        confirmLabel="Switch off"
        onConfirm={() => update.mutate({ active: false })}
        onCancel={() => {
          update.reset();
          setSwitchingOff(false);
        }}
        pending={update.isPending}
        error={switchingOff ? update.error : null}
      >
        It receives nothing until switched on again, and deliveries it had not yet been sent are cancelled.
      </ConfirmModal>
      <ConfirmModal
        opened={deleting}
        title="Delete this webhook?"
        confirmLabel="Delete"
        onConfirm={() => remove.mutate()}
        onCancel={() => {
          remove.reset();
          setDeleting(false);
        }}
        pending={remove.isPending}
        error={remove.error}
      >
        {webhook.url} receives nothing more, its secret is erased and what it had not been sent is cancelled. Its past deliveries stay on record. This cannot be
        undone.
      </ConfirmModal>
    </Paper>
  );
}
