// The calendar's data: every post of a range (all cursor pages), and one calendar event per delivery.
import type { EventInput } from '@fullcalendar/react';
import { api, unwrap } from '../../api/client';
import { MOVABLE_STATES, PLATFORM_NAMES, STATE_LOOKS, type DeliveryState, type DeliveryView, type Platform, type PostView } from './delivery-states';

export interface CalendarFilters {
  channelId: string | null;
  platform: Platform | null;
  status: DeliveryState | null;
  label: string;
  authorId: string | null;
}

export const NO_FILTERS: CalendarFilters = { channelId: null, platform: null, status: null, label: '', authorId: null };

/** The API's largest page: a busy month is a few requests, not dozens. */
const PAGE = 500;

/**
 * Every post of [from, to): the range is read in two halves at once (each its cursor pages), so a busy month costs
 * the time of one half's requests rather than all of them in a row.
 */
export async function fetchRange(from: string, to: string, filters: CalendarFilters, signal?: AbortSignal): Promise<PostView[]> {
  const mid = new Date((new Date(from).getTime() + new Date(to).getTime()) / 2).toISOString();
  const halves = await Promise.all([fetchPages(from, mid, filters, signal), fetchPages(mid, to, filters, signal)]);
  return halves.flat();
}

async function fetchPages(from: string, to: string, filters: CalendarFilters, signal?: AbortSignal): Promise<PostView[]> {
  const posts: PostView[] = [];
  let cursor: string | undefined;
  do {
    const page = await unwrap(
      api.GET('/api/posts', {
        params: {
          query: {
            from,
            to,
            limit: PAGE,
            cursor,
            channelId: filters.channelId ?? undefined,
            platform: filters.platform ?? undefined,
            status: filters.status ?? undefined,
            label: filters.label.trim() || undefined,
            authorId: filters.authorId ?? undefined,
          },
        },
        signal,
      }),
    );
    posts.push(...(page.items ?? []));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return posts;
}

export interface DeliveryEvent {
  post: PostView;
  delivery: DeliveryView;
  channelName: string;
}

const EXCERPT = 40;

function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > EXCERPT ? `${flat.slice(0, EXCERPT - 1)}…` : flat;
}

/** One event per delivery; the filters the API applies per post are applied here per delivery. */
export function toEvents(posts: PostView[], channelNames: ReadonlyMap<string, string>, filters: CalendarFilters, canMove: boolean): EventInput[] {
  const events: EventInput[] = [];
  for (const post of posts) {
    for (const delivery of post.deliveries) {
      if (
        (filters.channelId && delivery.channelId !== filters.channelId) ||
        (filters.platform && delivery.platform !== filters.platform) ||
        (filters.status && delivery.state !== filters.status)
      ) {
        continue;
      }
      const look = STATE_LOOKS[delivery.state];
      const channelName = channelNames.get(delivery.channelId) ?? 'Unknown channel';
      const detail: DeliveryEvent = { post, delivery, channelName };
      events.push({
        id: delivery.id,
        // The deliveries of one post move together: a drag reschedules the post.
        groupId: post.id,
        title: `${PLATFORM_NAMES[delivery.platform]} · ${channelName} · ${excerpt(post.text)}`,
        start: post.scheduledAt,
        color: look.color,
        contrastColor: look.text,
        startEditable: canMove && MOVABLE_STATES.has(delivery.state),
        durationEditable: false,
        className: `hf-state-${delivery.state}`,
        extendedProps: detail,
      });
    }
  }
  return events;
}
