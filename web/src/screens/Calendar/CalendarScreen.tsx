// The calendar (the console's home): every delivery of the visible range, coloured by state, filtered, in the chosen
// time zone; a member who may write posts drags one to reschedule it, and the service's refusal puts it back.
import '@fullcalendar/react/skeleton.css';
import '@fullcalendar/react/themes/classic/theme.css';
import '@fullcalendar/react/themes/classic/palette.css';
import './calendar.css';
import FullCalendar from '@fullcalendar/react';
import type { DatesSetInfo, EventClickInfo, EventDisplayInfo, EventDropInfo } from '@fullcalendar/react';
import dayGridPlugin from '@fullcalendar/react/daygrid';
import interactionPlugin from '@fullcalendar/react/interaction';
import listPlugin from '@fullcalendar/react/list';
import classicThemePlugin from '@fullcalendar/react/themes/classic';
import timeGridPlugin from '@fullcalendar/react/timegrid';
import { Box, Button, Group, Loader, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useMemo, useState, type ReactNode } from 'react';
import { Link } from 'react-router';
import { api, messageOf, unwrap } from '../../api/client';
import type { components } from '../../api/schema';
import { Empty, ErrorState } from '../../components/states';
import { useSignedIn } from '../../session/session';
import { fetchRange, NO_FILTERS, toEvents, type CalendarFilters, type DeliveryEvent } from './calendar-data';
import { DeliveryDrawer } from './DeliveryDrawer';
import { DELIVERY_STATES, PLATFORM_NAMES, PLATFORMS, STATE_LOOKS } from './delivery-states';

type UpdatePostBody = components['schemas']['UpdatePostDto'];

const PLUGINS = [classicThemePlugin, dayGridPlugin, timeGridPlugin, listPlugin, interactionPlugin];
const DAY_MS = 24 * 3600 * 1000;

/** This month's grid in any zone: from a week before the 1st to two weeks after the next 1st, with a day of margin. */
function initialRange(): { from: string; to: string } {
  const now = new Date();
  const first = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
  const next = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1);
  return { from: new Date(first - 8 * DAY_MS).toISOString(), to: new Date(next + 15 * DAY_MS).toISOString() };
}

function browserZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

function zoneList(current: string): string[] {
  const zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return [...new Set(['UTC', current, ...zones])];
}

function Legend(): ReactNode {
  return (
    <Group gap="sm" component="ul" aria-label="Delivery states" className="hf-legend">
      {DELIVERY_STATES.map((state) => {
        const look = STATE_LOOKS[state];
        return (
          <li key={state}>
            <span className="hf-swatch" style={{ background: look.color, color: look.text }}>
              {look.icon ?? ''}
            </span>
            <Text span size="sm">
              {look.label}
            </Text>
          </li>
        );
      })}
    </Group>
  );
}

/** The event as drawn: attention states lead with their icon and their name, not only their colour. */
function EventContent({ event, timeText }: EventDisplayInfo): ReactNode {
  const { delivery } = event.extendedProps as DeliveryEvent;
  const look = STATE_LOOKS[delivery.state];
  return (
    <span className="hf-event" title={`${look.label}: ${event.title}`}>
      {look.attention ? (
        <strong className="hf-event-state">
          <span aria-hidden>{look.icon}</span> {look.label}
        </strong>
      ) : null}
      {timeText ? <span className="hf-event-time">{timeText}</span> : null}
      <span className="hf-event-title">{event.title}</span>
    </span>
  );
}

export function CalendarScreen(): ReactNode {
  const session = useSignedIn();
  const canWrite = session.can('post.write');
  const isAdmin = session.roles.includes('admin');
  const queryClient = useQueryClient();
  const [timeZone, setTimeZone] = useState<string>(() => session.workspace.timeZone || browserZone());
  // What is fetched: from the first render, a span sure to hold this month's grid (so the request leaves while the
  // calendar mounts); later the visible range, unless what is already fetched holds it.
  const [range, setRange] = useState<{ from: string; to: string }>(initialRange);
  const [view, setView] = useState('dayGridMonth');
  const [filters, setFilters] = useState<CalendarFilters>(NO_FILTERS);
  const [debouncedLabel] = useDebouncedValue(filters.label, 300);
  const [selected, setSelected] = useState<DeliveryEvent | null>(null);
  const queryFilters = useMemo(() => ({ ...filters, label: debouncedLabel }), [filters, debouncedLabel]);

  const channels = useQuery({ queryKey: ['channels'], queryFn: () => unwrap(api.GET('/api/channels')), staleTime: 60_000 });
  const members = useQuery({ queryKey: ['members'], queryFn: () => unwrap(api.GET('/api/members')), enabled: isAdmin, staleTime: 60_000 });
  const posts = useQuery({
    queryKey: ['posts', 'calendar', range.from, range.to, queryFilters],
    queryFn: ({ signal }) => fetchRange(range.from, range.to, queryFilters, signal),
    placeholderData: keepPreviousData,
  });

  const zones = useMemo(() => zoneList(timeZone), [timeZone]);
  const channelNames = useMemo(() => new Map((channels.data ?? []).map((c) => [c.id, c.name])), [channels.data]);
  const events = useMemo(() => toEvents(posts.data ?? [], channelNames, queryFilters, canWrite), [posts.data, channelNames, queryFilters, canWrite]);

  const formatter = useMemo(
    // dateStyle cannot be combined with timeZoneName: the fields one by one.
    () =>
      new Intl.DateTimeFormat(undefined, { timeZone, weekday: 'long', year: 'numeric', month: 'long', day: 'numeric', hour: '2-digit', minute: '2-digit', timeZoneName: 'short' }),
    [timeZone],
  );
  const format = useCallback((iso: string) => formatter.format(new Date(iso)), [formatter]);

  const reschedule = useMutation({
    mutationFn: ({ postId, scheduledAt }: { postId: string; scheduledAt: string; revert: () => void }) =>
      // The generated type marks publishNow and timeZone required (they have defaults); the service takes either alone.
      unwrap(api.PATCH('/api/posts/{id}', { params: { path: { id: postId } }, body: { scheduledAt } as UpdatePostBody })),
    onSuccess: (post) => {
      notifications.show({ color: 'green', title: 'Rescheduled', message: `Now planned for ${format(post.scheduledAt)}` });
    },
    onError: (error, { revert }) => {
      revert();
      notifications.show({ color: 'red', title: 'Not rescheduled', message: messageOf(error), autoClose: 10_000 });
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['posts'] }),
  });

  const onDatesSet = useCallback((info: DatesSetInfo) => {
    // A day of margin each side: the view's edges are local days in the chosen zone, the API's range is instants.
    const from = new Date(info.start.getTime() - DAY_MS).toISOString();
    const to = new Date(info.end.getTime() + DAY_MS).toISOString();
    setRange((current) => (current.from <= from && current.to >= to ? current : { from, to }));
    setView(info.view.type);
  }, []);

  const onEventDrop = useCallback(
    (info: EventDropInfo) => {
      const { post } = info.event.extendedProps as DeliveryEvent;
      const start = info.event.start;
      if (!start) {
        info.revert();
        return;
      }
      // The delta keeps the instant exact whatever zone the calendar shows: the post moves by what the person dragged.
      const moved = new Date(new Date(post.scheduledAt).getTime() + (start.getTime() - (info.oldEvent.start?.getTime() ?? start.getTime())));
      reschedule.mutate({ postId: post.id, scheduledAt: moved.toISOString(), revert: info.revert });
    },
    [reschedule],
  );

  const onEventClick = useCallback((info: EventClickInfo) => {
    info.jsEvent.preventDefault();
    setSelected(info.event.extendedProps as DeliveryEvent);
  }, []);

  const setFilter = <K extends keyof CalendarFilters>(key: K, value: CalendarFilters[K]): void => setFilters((current) => ({ ...current, [key]: value }));

  const authorOptions = isAdmin
    ? (members.data ?? []).map((m) => ({ value: m.id, label: m.id === session.member.id ? `${m.name} (me)` : m.name }))
    : [{ value: session.member.id, label: `${session.member.name} (me)` }];
  const compose = canWrite ? (
    <Button component={Link} to="/compose">
      Compose
    </Button>
  ) : null;
  const loadedEmpty = posts.isSuccess && !posts.isPlaceholderData && events.length === 0;

  return (
    <Stack gap="sm">
      <Group justify="space-between">
        <Title order={2}>Calendar</Title>
        {compose}
      </Group>
      <Group gap="sm" align="end" wrap="wrap" role="search" aria-label="Filter the calendar">
        <Select
          label="Channel"
          placeholder="All channels"
          clearable
          searchable
          data={(channels.data ?? []).map((c) => ({ value: c.id, label: `${c.name} (${PLATFORM_NAMES[c.platform]})` }))}
          value={filters.channelId}
          onChange={(value) => setFilter('channelId', value)}
          w={220}
        />
        <Select
          label="Platform"
          placeholder="All platforms"
          clearable
          data={PLATFORMS.map((p) => ({ value: p, label: PLATFORM_NAMES[p] }))}
          value={filters.platform}
          onChange={(value) => setFilter('platform', value)}
          w={160}
        />
        <Select
          label="State"
          placeholder="All states"
          clearable
          data={DELIVERY_STATES.map((s) => ({ value: s, label: STATE_LOOKS[s].label }))}
          value={filters.status}
          onChange={(value) => setFilter('status', value)}
          w={200}
        />
        <TextInput label="Label" placeholder="Any label" value={filters.label} onChange={(e) => setFilter('label', e.currentTarget.value)} w={160} maxLength={50} />
        <Select
          label="Author"
          placeholder="Anyone"
          clearable
          data={authorOptions}
          value={filters.authorId}
          onChange={(value) => setFilter('authorId', value)}
          w={200}
        />
        <Select
          label="Time zone"
          searchable
          allowDeselect={false}
          data={zones}
          value={timeZone}
          onChange={(value) => value && setTimeZone(value)}
          w={220}
          limit={100}
        />
        {posts.isFetching ? (
          <Group gap={6} role="status" aria-live="polite" pb={8}>
            <Loader size="xs" aria-hidden />
            <Text size="sm">Loading deliveries…</Text>
          </Group>
        ) : null}
      </Group>
      <Legend />
      {posts.isError ? <ErrorState error={posts.error} retry={() => void posts.refetch()} title="The calendar could not be loaded" /> : null}
      {loadedEmpty ? (
        <Empty
          title={view.endsWith('Week') ? 'Nothing planned this week' : 'Nothing planned this month'}
          hint={canWrite ? 'Plan a post and it shows here.' : 'Posts the team plans show here.'}
          action={compose}
        />
      ) : null}
      <Box className="hf-calendar" data-testid="calendar" aria-busy={posts.isFetching}>
        <FullCalendar
          plugins={PLUGINS}
          initialView="dayGridMonth"
          timeZone={timeZone}
          headerToolbar={{ start: 'prev,next today', center: 'title', end: 'dayGridMonth,timeGridWeek,listMonth' }}
          events={events}
          editable={canWrite}
          eventDurationEditable={false}
          eventDisplay="block"
          eventInteractive
          dayMaxEvents={4}
          height="auto"
          nowIndicator
          eventContent={EventContent}
          datesSet={onDatesSet}
          eventDrop={onEventDrop}
          eventClick={onEventClick}
          eventTimeFormat={{ hour: '2-digit', minute: '2-digit', hour12: false }}
          noEventsText="Nothing planned in this period"
        />
      </Box>
      <DeliveryDrawer selected={selected} onClose={() => setSelected(null)} format={format} />
    </Stack>
  );
}
