// The banner on every screen while a crisis is on. CONTRACT STUB (issue 14): the `switch` helper completes it.
import { Alert, Anchor } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { api, unwrap } from '../../api/client';

export const CRISIS_KEY = ['crisis'] as const;

export function CrisisBanner(): ReactNode {
  const state = useQuery({ queryKey: CRISIS_KEY, queryFn: () => unwrap(api.GET('/api/crisis')) });
  if (!state.data?.active || !state.data.crisis) {
    return null;
  }
  return (
    <Alert color="red" variant="filled" mb="md" component="section" aria-label="Crisis banner" data-testid="crisis-banner" title="Crisis mode is on: nothing in scope is published without sign-off">
      {state.data.crisis.reason} · {state.data.held} held ·{' '}
      <Anchor component={Link} to="/crisis" c="white" underline="always">
        Open the crisis room
      </Anchor>
    </Alert>
  );
}
