// Audit trail (admins): every change in the workspace, newest first, filtered by action, actor, target and days,
// paged back with "Older", each event's before/after as readable lines, and the chain's tamper check.
import { Badge, Button, Group, Paper, Select, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useState, type FormEvent, type ReactNode } from 'react';
import { api, unwrap } from '../../api/client';
import type { components } from '../../api/schema';
import { Empty, ErrorState, Loading } from '../../components/states';
import { useSignedIn } from '../../session/session';
import { browserTimeZone, instantOf } from '../Composer/zoned-time';
import { formatInstant, zoneOf } from '../Members/people';
import { changeLines, fieldLabel } from './change';
import { ChainCheck } from './ChainCheck';

type AuditEvent = components['schemas']['AuditEventView'];

interface Filters {
  action: string;
  actorId: string;
  targetType: string;
  targetId: string;
  /** YYYY-MM-DD, days in the workspace's zone, both included. */
  fromDay: string;
  toDay: string;
}

const NO_FILTERS: Filters = { action: '', actorId: '', targetType: '', targetId: '', fromDay: '', toDay: '' };

const PAGE_SIZE = 50;

/** The day after a YYYY-MM-DD date, for an end of range that includes its whole day. */
function nextDay(day: string): string {
  const [year, month, date] = day.split('-').map(Number);
  return new Date(Date.UTC(year, month - 1, date + 1)).toISOString().slice(0, 10);
}

function queryOf(filters: Filters, zone: string): Record<string, string> {
  const query: Record<string, string> = {};
  for (const key of ['action', 'actorId', 'targetType', 'targetId'] as const) {
    if (filters[key].trim()) {
      query[key] = filters[key].trim();
    }
  }
  const from = filters.fromDay ? instantOf({ date: filters.fromDay, time: '00:00' }, zone) : null;
  const to = filters.toDay ? instantOf({ date: nextDay(filters.toDay), time: '00:00' }, zone) : null;
  if (from) {
    query.from = from.instant.toISOString();
  }
  if (to) {
    query.to = to.instant.toISOString();
  }
  return query;
}

export function AuditScreen(): ReactNode {
  const session = useSignedIn();
  if (!session.can('audit.read')) {
    return (
      <Empty
        title="The audit trail is for admins"
        hint="Your roles do not include admin, so this page shows nothing to you. Ask an admin of your workspace if you need to know who changed what."
      />
    );
  }
  return <AuditTrail zone={zoneOf(session.workspace) ?? browserTimeZone()} />;
}

function AuditTrail({ zone }: { zone: string }): ReactNode {
  const [draft, setDraft] = useState<Filters>(NO_FILTERS);
  const [applied, setApplied] = useState<Filters>(NO_FILTERS);
  const [rangeError, setRangeError] = useState<string | undefined>();
  const members = useQuery({ queryKey: ['members'], queryFn: () => unwrap(api.GET('/api/members')) });
  const query = queryOf(applied, zone);
  const events = useInfiniteQuery({
    queryKey: ['audit', 'events', query],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => unwrap(api.GET('/api/audit', { params: { query: { ...query, limit: PAGE_SIZE, ...(pageParam ? { cursor: pageParam } : {}) } } })),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });

  const set = (key: keyof Filters) => (value: string | null) => setDraft((current) => ({ ...current, [key]: value ?? '' }));

  const apply = (event: FormEvent): void => {
    event.preventDefault();
    if (draft.fromDay && draft.toDay && draft.toDay < draft.fromDay) {
      setRangeError('The last day comes before the first day');
      return;
    }
    setRangeError(undefined);
    setApplied(draft);
  };
  const clear = (): void => {
    setDraft(NO_FILTERS);
    setApplied(NO_FILTERS);
    setRangeError(undefined);
  };
  const filterTarget = (item: AuditEvent): void => {
    const next = { ...draft, targetType: item.targetType, targetId: item.targetId };
    setDraft(next);
    setApplied(next);
  };

  const items = events.data?.pages.flatMap((page) => page.items) ?? [];
  const filtered = Object.keys(query).length > 0;
  let body: ReactNode;
  if (events.isPending) {
    body = <Loading label="Loading the audit trail…" />;
  } else if (!events.data) {
    body = <ErrorState error={events.error} retry={() => void events.refetch()} title="The audit trail could not be loaded" />;
  } else if (items.length === 0) {
    body = filtered ? (
      <Empty title="No events match these filters" hint="Widen the days or clear a filter." action={<Button variant="default" onClick={clear}>Clear filters</Button>} />
    ) : (
      <Empty title="Nothing recorded yet" hint="Every change to channels, members, policies, posts, crises and webhooks is written here as it happens." />
    );
  } else {
    body = (
      <Stack>
        <Table.ScrollContainer minWidth={900}>
          <Table striped verticalSpacing="sm" data-testid="audit-events">
            <Table.Caption>
              {items.length.toLocaleString()} event{items.length === 1 ? '' : 's'} shown, newest first; times in {zone}
            </Table.Caption>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>When</Table.Th>
                <Table.Th>Who</Table.Th>
                <Table.Th>Action</Table.Th>
                <Table.Th>Target</Table.Th>
                <Table.Th>What changed</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((item) => (
                <Table.Tr key={item.id} data-testid="audit-event" data-action={item.action}>
                  <Table.Td>
                    <Text size="sm">{formatInstant(item.occurredAt, zone)}</Text>
                    <Text size="xs" c="dimmed">
                      #{item.seq}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{item.actorLabel}</Text>
                    {item.actorId === null ? (
                      <Badge size="xs" variant="outline" color="dark">
                        system
                      </Badge>
                    ) : null}
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" ff="monospace">
                      {item.action}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{item.targetType}</Text>
                    <Button size="compact-xs" variant="subtle" onClick={() => filterTarget(item)} aria-label={`Only events about ${item.targetType} ${item.targetId}`}>
                      <Text size="xs" ff="monospace" span>
                        {item.targetId.length > 13 ? `${item.targetId.slice(0, 8)}…` : item.targetId}
                      </Text>
                    </Button>
                  </Table.Td>
                  <Table.Td>
                    <ChangeList item={item} />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
        <Group justify="center">
          {events.hasNextPage ? (
            <Button variant="default" onClick={() => void events.fetchNextPage()} loading={events.isFetchingNextPage}>
              Older
            </Button>
          ) : (
            <Text size="sm" c="dimmed">
              The beginning of the trail{filtered ? ' for these filters' : ''}.
            </Text>
          )}
        </Group>
        {events.isFetchNextPageError ? <ErrorState error={events.error} retry={() => void events.fetchNextPage()} title="Older events could not be loaded" /> : null}
      </Stack>
    );
  }

  const actors = (members.data ?? []).map((member) => ({ value: member.id, label: member.name }));
  return (
    <Stack>
      <Title order={2}>Audit trail</Title>
      <Paper withBorder p="md">
        <ChainCheck />
      </Paper>
      <form onSubmit={apply} aria-label="Filter the audit trail">
        <Stack gap="sm">
          <SimpleGrid cols={{ base: 1, sm: 2, md: 3 }}>
            <TextInput label="Action" placeholder="e.g. webhook.created" value={draft.action} onChange={(e) => set('action')(e.currentTarget.value)} maxLength={100} />
            <Select
              label="Who"
              placeholder={members.isError ? 'Members could not be loaded' : 'Anyone'}
              data={actors}
              value={draft.actorId || null}
              onChange={set('actorId')}
              searchable
              clearable
              nothingFoundMessage="No member by that name"
            />
            <TextInput label="Target type" placeholder="e.g. channel, webhook, post" value={draft.targetType} onChange={(e) => set('targetType')(e.currentTarget.value)} maxLength={100} />
            <TextInput label="Target id" value={draft.targetId} onChange={(e) => set('targetId')(e.currentTarget.value)} maxLength={200} />
            <TextInput label="From (day)" type="date" value={draft.fromDay} onChange={(e) => set('fromDay')(e.currentTarget.value)} description={`Days in ${zone}`} />
            <TextInput label="To (day, included)" type="date" value={draft.toDay} onChange={(e) => set('toDay')(e.currentTarget.value)} error={rangeError} description={`Days in ${zone}`} />
          </SimpleGrid>
          <Group>
            <Button type="submit">Apply filters</Button>
            <Button variant="default" onClick={clear} disabled={!filtered && JSON.stringify(draft) === JSON.stringify(NO_FILTERS)}>
              Clear filters
            </Button>
          </Group>
        </Stack>
      </form>
      {body}
    </Stack>
  );
}

function ChangeList({ item }: { item: AuditEvent }): ReactNode {
  const lines = changeLines(item.before, item.after);
  if (lines.length === 0 && !item.reason) {
    return (
      <Text size="sm" c="dimmed">
        no details
      </Text>
    );
  }
  return (
    <Stack gap={2}>
      {lines.map((line) => (
        <Text size="sm" key={line.field}>
          <Text span fw={600} size="sm">
            {fieldLabel(line.field)}:
          </Text>{' '}
          {line.kind === 'changed' ? (
            <>
              <Text span size="sm" td="line-through" c="dark.4">
                {line.before}
              </Text>{' '}
              → {line.after}
            </>
          ) : line.kind === 'set' ? (
            line.after
          ) : (
            <>was {line.before}</>
          )}
        </Text>
      ))}
      {item.reason ? (
        <Text size="sm" fs="italic">
          Reason: {item.reason}
        </Text>
      ) : null}
    </Stack>
  );
}
