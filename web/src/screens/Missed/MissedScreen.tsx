// Deliveries whose time passed while crisis mode held them: never sent by themselves. Pick some, then schedule them
// again for a date and time in the workspace's zone, or cancel them; the service changes all of them or none.
import { Alert, Button, Checkbox, Group, Modal, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { api, ApiError, messageOf, unwrap } from '../../api/client';
import type { components } from '../../api/schema';
import { Empty, ErrorState, Loading } from '../../components/states';
import { platformName } from '../../platforms';
import { useSignedIn } from '../../session/session';
import { instantOf, showInstant, wallTimeOf, type WallTime } from '../Composer/zoned-time';

type Missed = components['schemas']['MissedDeliveryView'];

export const MISSED_KEY = ['deliveries', 'missed'] as const;

export function MissedScreen(): ReactNode {
  const session = useSignedIn();
  const zone = session.workspace.timeZone;
  const mayChange = session.can('missed.manage');
  const missed = useQuery({ queryKey: MISSED_KEY, queryFn: () => unwrap(api.GET('/api/deliveries/missed', { params: { query: { limit: 500 } } })) });
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [dialog, setDialog] = useState<'reschedule' | 'cancel' | null>(null);
  const [result, setResult] = useState<string | null>(null);

  const items = missed.data ?? [];
  const chosen = items.filter((d) => selected.has(d.id));
  const toggle = (id: string, on: boolean): void =>
    setSelected((current) => {
      const next = new Set(current);
      if (on) {
        next.add(id);
      } else {
        next.delete(id);
      }
      return next;
    });
  const finished = (message: string): void => {
    setDialog(null);
    setSelected(new Set());
    setResult(message);
    notifications.show({ color: 'green', message });
  };

  return (
    <Stack>
      <Title order={2}>Missed deliveries</Title>
      <Text c="dimmed">Their time passed while crisis mode held them. They are never sent by themselves: schedule them again or cancel them.</Text>
      {result ? (
        <Alert color="green" title="Done" role="status" withCloseButton onClose={() => setResult(null)} closeButtonLabel="Dismiss">
          {result}
        </Alert>
      ) : null}
      {missed.isLoading ? <Loading label="Loading missed deliveries…" /> : null}
      {missed.isError ? <ErrorState error={missed.error} retry={() => void missed.refetch()} /> : null}
      {missed.isSuccess && items.length === 0 ? <Empty title="No missed deliveries" hint="Posts whose time passes during a crisis are listed here when it ends." /> : null}
      {items.length > 0 ? (
        <>
          {mayChange ? (
            <Group>
              <Checkbox
                label="Select all"
                checked={chosen.length === items.length}
                indeterminate={chosen.length > 0 && chosen.length < items.length}
                onChange={(e) => setSelected(e.currentTarget.checked ? new Set(items.map((d) => d.id)) : new Set())}
              />
              <Button disabled={chosen.length === 0} onClick={() => setDialog('reschedule')}>
                Reschedule…
              </Button>
              <Button color="red" variant="outline" disabled={chosen.length === 0} onClick={() => setDialog('cancel')}>
                Cancel…
              </Button>
              <Text size="sm" c="dimmed">
                {chosen.length} selected
              </Text>
            </Group>
          ) : null}
          <Table striped withTableBorder>
            <Table.Thead>
              <Table.Tr>
                {mayChange ? <Table.Th>Select</Table.Th> : null}
                <Table.Th>Post</Table.Th>
                <Table.Th>Channel</Table.Th>
                <Table.Th>Was due ({zone})</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((d) => (
                <Table.Tr key={d.id}>
                  {mayChange ? (
                    <Table.Td>
                      <Checkbox aria-label={`Select “${short(d.text)}” on ${d.channelName}`} checked={selected.has(d.id)} onChange={(e) => toggle(d.id, e.currentTarget.checked)} />
                    </Table.Td>
                  ) : null}
                  <Table.Td>{d.text}</Table.Td>
                  <Table.Td>
                    {d.channelName} ({platformName(d.platform)})
                  </Table.Td>
                  <Table.Td>{showInstant(new Date(d.dueAt), zone)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </>
      ) : null}
      {dialog === 'reschedule' ? <RescheduleDialog deliveries={chosen} zone={zone} onClose={() => setDialog(null)} onDone={finished} /> : null}
      {dialog === 'cancel' ? <CancelDialog deliveries={chosen} onClose={() => setDialog(null)} onDone={finished} /> : null}
    </Stack>
  );
}

function short(text: string): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > 40 ? `${t.slice(0, 39)}…` : t;
}

function plural(n: number): string {
  return `${n} ${n === 1 ? 'delivery' : 'deliveries'}`;
}

function useRefresh(): () => Promise<void> {
  const queryClient = useQueryClient();
  return async () => {
    await Promise.all([queryClient.invalidateQueries({ queryKey: ['deliveries'] }), queryClient.invalidateQueries({ queryKey: ['posts'] }), queryClient.invalidateQueries({ queryKey: ['crisis'] })]);
  };
}

function RescheduleDialog({ deliveries, zone, onClose, onDone }: { deliveries: Missed[]; zone: string; onClose: () => void; onDone: (message: string) => void }): ReactNode {
  const refresh = useRefresh();
  const [wall, setWall] = useState<WallTime>(() => wallTimeOf(new Date(Date.now() + 3600_000), zone));
  const when = instantOf(wall, zone);
  const rescheduling = useMutation({
    mutationFn: () => unwrap(api.POST('/api/deliveries/reschedule', { body: { deliveryIds: deliveries.map((d) => d.id), scheduledAt: when!.iso } })),
    onSuccess: async (answer) => {
      await refresh();
      const held = answer.deliveries.filter((d) => d.state === 'held').length;
      onDone(
        `${plural(answer.deliveries.length)} rescheduled for ${showInstant(when!.instant, zone)}.` +
          (held > 0 ? ` ${plural(held)} held by the crisis now on: ${held === 1 ? 'it goes' : 'they go'} out only with crisis sign-off.` : ''),
      );
    },
  });
  const error = rescheduling.error instanceof ApiError ? rescheduling.error.fieldErrors.scheduledAt?.join('; ') : undefined;
  return (
    <Modal opened onClose={onClose} title={`Reschedule ${plural(deliveries.length)}`} closeButtonProps={{ 'aria-label': 'Close' }}>
      <Stack>
        <Group grow>
          <TextInput type="date" label={`Date (${zone})`} value={wall.date} onChange={(e) => setWall({ ...wall, date: e.currentTarget.value })} error={error} />
          <TextInput type="time" label={`Time (${zone})`} value={wall.time} onChange={(e) => setWall({ ...wall, time: e.currentTarget.value })} />
        </Group>
        <Text size="sm">{when ? `All of them go out ${showInstant(when.instant, zone)} (${zone}), unless a crisis holds them then.` : 'Choose a date and a time.'}</Text>
        {rescheduling.isError && !error ? (
          <Alert color="red" role="alert" title="Nothing was rescheduled">
            {messageOf(rescheduling.error)}
          </Alert>
        ) : null}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Keep them missed
          </Button>
          <Button disabled={!when} loading={rescheduling.isPending} onClick={() => rescheduling.mutate()}>
            Reschedule {plural(deliveries.length)}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

function CancelDialog({ deliveries, onClose, onDone }: { deliveries: Missed[]; onClose: () => void; onDone: (message: string) => void }): ReactNode {
  const refresh = useRefresh();
  const cancelling = useMutation({
    mutationFn: () => unwrap(api.POST('/api/deliveries/cancel', { body: { deliveryIds: deliveries.map((d) => d.id) } })),
    onSuccess: async (answer) => {
      await refresh();
      onDone(`${plural(answer.deliveries.length)} cancelled: never sent.`);
    },
  });
  return (
    <Modal opened onClose={onClose} title={`Cancel ${plural(deliveries.length)}`} closeButtonProps={{ 'aria-label': 'Close' }}>
      <Stack>
        <Text>These are never sent:</Text>
        <Stack gap={2}>
          {deliveries.map((d) => (
            <Text key={d.id} size="sm">
              “{short(d.text)}” on {d.channelName}
            </Text>
          ))}
        </Stack>
        {cancelling.isError ? (
          <Alert color="red" role="alert" title="Nothing was cancelled">
            {messageOf(cancelling.error)}
          </Alert>
        ) : null}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Keep them
          </Button>
          <Button color="red" loading={cancelling.isPending} onClick={() => cancelling.mutate()}>
            Cancel {plural(deliveries.length)}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
