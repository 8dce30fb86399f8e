// The console follows the service live: one server-sent events stream (GET /api/events) per signed-in tab.
import { useQueryClient, type QueryClient } from '@tanstack/react-query';
import { createContext, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import { SESSION_KEY, useSession } from '../session/session';

/** `connecting` before the first open, `live` while the stream is open, `reconnecting` after it dropped. */
export type LiveStatus = 'off' | 'connecting' | 'live' | 'reconnecting';

/** One event of the stream, as the service sent it (`event:` name, `id:` and the JSON `data:`). */
export interface LiveEvent {
  id: string;
  type: string;
  data: Record<string, unknown>;
}

type Handler = (event: LiveEvent) => void;

interface LiveState {
  status: LiveStatus;
  /** @internal useLiveEvent registers here. */
  listeners?: Set<{ types: readonly string[]; handler: { current: Handler } }>;
}

const LiveContext = createContext<LiveState>({ status: 'off' });

const CRISIS = ['crisis', 'crises', 'posts', 'deliveries', 'approvals', 'campaigns', 'pause-orders'];

/** What each event makes the console refetch, by query-key prefix (the contract's table). */
export const REFETCH: Record<string, readonly string[]> = {
  'crisis.activated': CRISIS,
  'crisis.deactivated': CRISIS,
  'crisis.updated': CRISIS,
  'deliveries.changed': ['posts', 'deliveries', 'crisis', 'crises'],
  'approvals.changed': ['approvals', 'posts', 'crisis', 'crises'],
  'posts.changed': ['posts', 'approvals', 'deliveries'],
  'channels.changed': ['channels'],
  'platforms.changed': ['platforms', 'channels'],
  'campaigns.changed': ['campaigns', 'ad-accounts', 'pause-orders'],
  'playbooks.changed': ['playbooks'],
  'templates.changed': ['templates'],
  'webhooks.changed': ['webhooks'],
  'members.changed': ['members'],
};
const TYPES = [...Object.keys(REFETCH), 'refresh', 'session.ended'];

function refetch(client: QueryClient, type: string): void {
  if (type === 'refresh') {
    void client.invalidateQueries({ predicate: (q) => q.queryKey[0] !== SESSION_KEY[0] });
    return;
  }
  const prefixes = REFETCH[type] ?? [];
  void client.invalidateQueries({ predicate: (q) => typeof q.queryKey[0] === 'string' && prefixes.includes(q.queryKey[0]) });
}

/** Mounted inside the session provider: opens the stream while someone is signed in, and refreshes queries on events. */
export function LiveProvider({ children }: { children: ReactNode }): ReactNode {
  const { session } = useSession();
  const client = useQueryClient();
  const [status, setStatus] = useState<LiveStatus>('off');
  const [listeners] = useState(() => new Set<{ types: readonly string[]; handler: { current: Handler } }>());
  const signedIn = Boolean(session);

  useEffect(() => {
    if (!signedIn || typeof EventSource === 'undefined') {
      setStatus('off');
      return;
    }
    let source: EventSource | null = null;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let failures = 0;
    let stopped = false;
    let everOpen = false;
    let lastId: string | null = null;

    const open = (): void => {
      // Resume from the last event seen when the browser gave up (it then sends no Last-Event-ID itself).
      source = new EventSource(lastId ? `/api/events?lastEventId=${encodeURIComponent(lastId)}` : '/api/events');
      setStatus(everOpen ? 'reconnecting' : 'connecting');
      source.onopen = () => {
        everOpen = true;
        failures = 0;
        setStatus('live');
      };
      const onEvent = (message: MessageEvent<string>): void => {
        if (message.lastEventId) {
          lastId = message.lastEventId;
        }
        let data: Record<string, unknown> = {};
        try {
          data = JSON.parse(message.data) as Record<string, unknown>;
        } catch {
          // a malformed event still refreshes what its type names
        }
        const event: LiveEvent = { id: message.lastEventId, type: message.type, data };
        if (event.type === 'session.ended') {
          stopped = true;
          source?.close();
          client.setQueryData(SESSION_KEY, null);
          return;
        }
        refetch(client, event.type);
        for (const listener of listeners) {
          if (listener.types.includes(event.type)) {
            listener.handler.current(event);
          }
        }
      };
      for (const type of TYPES) {
        source.addEventListener(type, onEvent as EventListener);
      }
      source.onerror = () => {
        if (stopped || !source) {
          return;
        }
        setStatus(everOpen ? 'reconnecting' : 'connecting');
        if (source.readyState !== EventSource.CLOSED) {
          return; // the browser retries by itself (with Last-Event-ID)
        }
        // The browser gave up (a 5xx, 401 or 429): is the session still on? Then try again, more slowly each time.
        failures += 1;
        const delay = Math.min(30_000, 1_000 * 2 ** Math.min(failures - 1, 5));
        retry = setTimeout(() => {
          void client.invalidateQueries({ queryKey: SESSION_KEY }).then(() => {
            if (!stopped && client.getQueryData(SESSION_KEY)) {
              open();
            }
          });
        }, delay);
      };
    };
    open();
    return () => {
      stopped = true;
      clearTimeout(retry);
      source?.close();
      setStatus('off');
    };
  }, [signedIn, client, listeners]);

  return <LiveContext.Provider value={{ status, listeners }}>{children}</LiveContext.Provider>;
}

export function useLive(): LiveState {
  return useContext(LiveContext);
}

/** Calls `handler` for every event of the given types (e.g. a live timeline); the provider already refreshes queries. */
export function useLiveEvent(types: readonly string[], handler: (event: LiveEvent) => void): void {
  const { listeners } = useContext(LiveContext);
  const ref = useRef(handler);
  ref.current = handler;
  const key = types.join(',');
  useEffect(() => {
    if (!listeners) {
      return;
    }
    const entry = { types: key.split(','), handler: ref };
    listeners.add(entry);
    return () => {
      listeners.delete(entry);
    };
  }, [listeners, key]);
}
