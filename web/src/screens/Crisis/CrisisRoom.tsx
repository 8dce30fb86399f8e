// The crisis room: what to sign off first (the playbook's replacement posts), what the crisis holds and its release
// under the crisis policy, who is responsible, the paid media it paused, notes, and a timeline that grows as the
// live stream invalidates ['crises', id, ...].
import { Anchor, Badge, Card, Group, List, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { api, unwrap } from '../../api/client';
import { Empty, ErrorState, Loading } from '../../components/states';
import { platformName, type Platform } from '../../platforms';
import { useSignedIn } from '../../session/session';
import { DeactivateCrisis } from '../CrisisSwitch/DeactivateCrisis';
import { fetchReport, reportKey } from '../CrisisReport/report';
import { HeldDeliveries } from './HeldDeliveries';
import { Notes, Timeline } from './NotesAndTimeline';
import { ReplacementPosts } from './ReplacementPosts';
import { formatAt, scopeWords, type CrisisView } from './time';

export const roomKey = (crisisId: string): readonly unknown[] => ['crises', crisisId, 'room'];

interface Contact {
  name: string;
  role: string;
  email?: string | null;
  phone?: string | null;
  chat?: string | null;
}

export function CrisisRoom({ crisis, held, released }: { crisis: CrisisView; held: number; released: number }): ReactNode {
  const session = useSignedIn();
  const timeZone = session.workspace.timeZone;
  const room = useQuery({ queryKey: roomKey(crisis.id), queryFn: () => unwrap(api.GET('/api/crises/{id}/room', { params: { path: { id: crisis.id } } })) });
  // The approvals API says whether this member may sign each post off, and why not: the same rule as its approve route.
  const queue = useQuery({ queryKey: ['approvals'], queryFn: () => unwrap(api.GET('/api/approvals')) });
  const report = useQuery({ queryKey: reportKey(crisis.id), queryFn: () => fetchReport(crisis.id) });
  const verdicts = new Map((queue.data ?? []).map((item) => [item.post.id, { youMayApprove: item.youMayApprove, whyNot: item.whyNot }]));
  const contacts = ((crisis.playbook?.contacts as Contact[] | undefined) ?? []).filter((c) => c && typeof c.name === 'string');

  return (
    <Stack>
      <Group justify="space-between" align="flex-start">
        <Stack gap={4}>
          <Title order={2}>Crisis room</Title>
          <Text>
            <Badge color="red" mr="xs">
              Level {crisis.level}
            </Badge>
            {crisis.reason}
          </Text>
          <Text size="sm" c="dimmed">
            Since {formatAt(crisis.activatedAt, timeZone)} · holds {scopeWords(crisis.platforms, (p) => platformName(p as Platform))} · {held} held ·{' '}
            {released} released · every post in scope needs {crisis.approvalsRequired} approval{crisis.approvalsRequired === 1 ? '' : 's'}
            {crisis.playbook ? ` · playbook “${String(crisis.playbook.name)}”` : ''}
          </Text>
        </Stack>
        {session.can('crisis.lead') ? <DeactivateCrisis crisisId={crisis.id} /> : null}
      </Group>

      {room.isPending ? (
        <Loading label="Loading the crisis room…" />
      ) : room.isError ? (
        <ErrorState error={room.error} retry={() => void room.refetch()} />
      ) : (
        <>
          <ReplacementPosts crisisId={crisis.id} posts={room.data.replacementPosts} required={room.data.approvalsRequired} verdicts={verdicts} />
          <HeldDeliveries crisisId={crisis.id} held={room.data.held} truncated={room.data.heldTruncated} required={room.data.approvalsRequired} verdicts={verdicts} />
        </>
      )}

      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Card withBorder component="section" aria-labelledby="room-contacts">
          <Title order={3} id="room-contacts" size="h4" mb="xs">
            Contacts and responsibilities
          </Title>
          {contacts.length === 0 ? (
            <Text c="dimmed">{crisis.playbook ? 'The playbook names no one.' : 'No playbook was run: no contacts are on file for this crisis.'}</Text>
          ) : (
            <List spacing="xs">
              {contacts.map((c) => (
                <List.Item key={`${c.name}-${c.role}`}>
                  <Text fw={600} span>
                    {c.name}
                  </Text>
                  , {c.role}
                  {c.email ? (
                    <>
                      {' · '}
                      <Anchor href={`mailto:${c.email}`}>{c.email}</Anchor>
                    </>
                  ) : null}
                  {c.phone ? (
                    <>
                      {' · '}
                      <Anchor href={`tel:${c.phone.replace(/[^\d+]/g, '')}`}>{c.phone}</Anchor>
                    </>
                  ) : null}
                  {c.chat ? ` · ${c.chat}` : null}
                </List.Item>
              ))}
            </List>
          )}
        </Card>
        <PausedAds crisis={crisis} />
      </SimpleGrid>

      <Notes crisisId={crisis.id} />
      {report.isPending ? (
        <Loading label="Loading the timeline…" />
      ) : report.isError ? (
        <ErrorState error={report.error} retry={() => void report.refetch()} title="The timeline could not be loaded" />
      ) : (
        <Timeline report={report.data} timeZone={timeZone} />
      )}
    </Stack>
  );
}

function PausedAds({ crisis }: { crisis: CrisisView }): ReactNode {
  const orders = useQuery({ queryKey: ['pause-orders'], queryFn: () => unwrap(api.GET('/api/pause-orders')), enabled: crisis.pauseAds });
  const mine = (orders.data ?? []).filter((o) => o.crisisId === crisis.id);
  return (
    <Card withBorder component="section" aria-labelledby="room-ads">
      <Title order={3} id="room-ads" size="h4" mb="xs">
        Paid media paused
      </Title>
      {!crisis.pauseAds ? (
        <Text c="dimmed">This crisis does not pause ads.</Text>
      ) : orders.isPending ? (
        <Loading label="Loading the paused campaigns…" />
      ) : orders.isError ? (
        <ErrorState error={orders.error} retry={() => void orders.refetch()} />
      ) : mine.length === 0 ? (
        <Empty title="No campaign in scope" hint="No connected ad account had a campaign for this crisis to pause." />
      ) : (
        mine.map((order) => (
          <Stack key={order.id} gap="xs">
            <Text size="sm">
              Pause order: <strong>{order.state}</strong>
              {order.lastError ? ` · last attempt failed: ${order.lastError}` : ''}
            </Text>
            {order.campaigns.length === 0 ? (
              <Text c="dimmed">No campaign was running in scope.</Text>
            ) : (
              <Table>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Campaign</Table.Th>
                    <Table.Th>Platform</Table.Th>
                    <Table.Th>Under the order</Table.Th>
                    <Table.Th>Status</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {order.campaigns.map((c) => (
                    <Table.Tr key={c.id}>
                      <Table.Td>{c.name}</Table.Td>
                      <Table.Td>{c.platform}</Table.Td>
                      <Table.Td>
                        {c.state}
                        {c.lastError ? ` (${c.lastError})` : ''}
                      </Table.Td>
                      <Table.Td>{c.status}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            )}
          </Stack>
        ))
      )}
    </Card>
  );
}
