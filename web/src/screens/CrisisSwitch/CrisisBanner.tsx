// The banner on every screen while a crisis is on: not dismissible, it says what is stopped, since when, by whom and why.
import { Alert, Anchor, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { api, unwrap } from '../../api/client';
import { useSignedIn } from '../../session/session';
import { showInstant } from '../Composer/zoned-time';
import { scopeText } from './parts';
import { SwitchAnswers } from './SwitchAnswers';

export const CRISIS_KEY = ['crisis'] as const;

export function CrisisBanner(): ReactNode {
  const session = useSignedIn();
  const state = useQuery({ queryKey: CRISIS_KEY, queryFn: () => unwrap(api.GET('/api/crisis')) });
  if (!state.data?.active || !state.data.crisis) {
    return <SwitchAnswers />;
  }
  const { crisis, held } = state.data;
  const since = showInstant(new Date(crisis.activatedAt), session.workspace.timeZone);
  return (
    <>
    <SwitchAnswers />
    <Alert
      color="red.9"
      variant="filled"
      mb="md"
      component="section"
      aria-label="Crisis banner"
      data-testid="crisis-banner"
      title={`Crisis mode is on (level ${crisis.level}): nothing in scope is published without sign-off`}
    >
      <Text size="sm" c="white">
        Since {since} ({session.workspace.timeZone}), by {state.data.activatedByName ?? 'a former member'} · Reason: {crisis.reason} · Scope: {scopeText(crisis.platforms)} ·{' '}
        <span data-testid="crisis-banner-held">
          {held} {held === 1 ? 'delivery' : 'deliveries'} held
        </span>{' '}
        ·{' '}
        <Anchor component={Link} to="/crisis" c="white" underline="always" fw={700}>
          Open the crisis room
        </Anchor>
      </Text>
    </Alert>
    </>
  );
}
