// Who is signed in: read once from GET /api/auth/session, shared with every screen, cleared on sign-out or a 401.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useEffect, useMemo, type ReactNode } from 'react';
import { api, ApiError, setCsrfToken, unwrap } from '../api/client';
import type { components } from '../api/schema';
import { allows, type Action } from './permissions';

export type SessionView = components['schemas']['SessionView'];

export const SESSION_KEY = ['session'] as const;

interface SessionState {
  /** undefined while loading, null when nobody is signed in. */
  session: SessionView | null | undefined;
  can: (action: Action) => boolean;
  signOut: () => Promise<void>;
  /** After sign-in or an invite accepted: the answer is the new session. */
  signedIn: (session: SessionView) => void;
  /** The session ended on the server (signed out here or elsewhere): forget it and everything read with it. */
  ended: () => void;
}

const SessionContext = createContext<SessionState | undefined>(undefined);

async function fetchSession(): Promise<SessionView | null> {
  try {
    return await unwrap(api.GET('/api/auth/session'));
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      return null;
    }
    throw error;
  }
}

export function SessionProvider({ children }: { children: ReactNode }): ReactNode {
  const queryClient = useQueryClient();
  const query = useQuery({ queryKey: SESSION_KEY, queryFn: fetchSession, staleTime: 60_000, retry: 1 });
  const session = query.data;

  useEffect(() => {
    setCsrfToken(session?.csrfToken ?? null);
  }, [session]);

  const signedIn = useCallback(
    (next: SessionView) => {
      setCsrfToken(next.csrfToken ?? null);
      queryClient.setQueryData(SESSION_KEY, next);
    },
    [queryClient],
  );

  const ended = useCallback(() => {
    setCsrfToken(null);
    // The session query stays (set to nobody, which sends the shell to the sign-in page); clearing the whole cache
    // would detach the provider's observer from it and leave the shell showing a session that has ended.
    queryClient.setQueryData(SESSION_KEY, null);
    queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== SESSION_KEY[0] });
  }, [queryClient]);

  const signOut = useCallback(async () => {
    try {
      await unwrap(api.POST('/api/auth/sign-out'));
    } finally {
      ended();
    }
  }, [ended]);

  const value = useMemo<SessionState>(
    () => ({
      session: query.isError ? null : session,
      can: (action) => (session ? allows(session.roles, action) : false),
      signOut,
      signedIn,
      ended,
    }),
    [query.isError, session, signOut, signedIn, ended],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionState {
  const state = useContext(SessionContext);
  if (!state) {
    throw new Error('useSession outside <SessionProvider>');
  }
  return state;
}

/** The signed-in session, for screens that only render inside the signed-in shell. */
export function useSignedIn(): SessionView & { can: (action: Action) => boolean } {
  const { session, can } = useSession();
  if (!session) {
    throw new Error('useSignedIn outside the signed-in shell');
  }
  return { ...session, can };
}
