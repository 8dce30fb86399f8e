// The console follows the service live: one server-sent events stream (GET /api/events) per signed-in tab.
// CONTRACT STUB (issue 14): the `live` helper replaces the body; the exports and their meaning stay.
import { createContext, useContext, type ReactNode } from 'react';

/** `connecting` before the first open, `live` while the stream is open, `reconnecting` after it dropped. */
export type LiveStatus = 'off' | 'connecting' | 'live' | 'reconnecting';

/** One event of the stream, as the service sent it (`event:` name, `id:` and the JSON `data:`). */
export interface LiveEvent {
  id: string;
  type: string;
  data: Record<string, unknown>;
}

interface LiveState {
  status: LiveStatus;
}

const LiveContext = createContext<LiveState>({ status: 'off' });

/** Mounted inside the session provider: opens the stream while someone is signed in, and refreshes queries on events. */
export function LiveProvider({ children }: { children: ReactNode }): ReactNode {
  return <LiveContext.Provider value={{ status: 'off' }}>{children}</LiveContext.Provider>;
}

export function useLive(): LiveState {
  return useContext(LiveContext);
}

/** Calls `handler` for every event of the given types (e.g. a live timeline); the provider already refreshes queries. */
export function useLiveEvent(_types: readonly string[], _handler: (event: LiveEvent) => void): void {}
