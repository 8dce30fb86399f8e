// The crisis screen: while a crisis is on, the crisis room; otherwise the past crises with their reports and, for
// crisis leads, the switch.
import { Anchor, Badge, Stack, Table, Text, Title, VisuallyHidden } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { api, unwrap } from '../../api/client';
import { Empty, ErrorState, Loading } from '../../components/states';
import { useSignedIn } from '../../session/session';
import { ActivateCrisis } from '../CrisisSwitch/ActivateCrisis';
import { CRISIS_KEY } from '../CrisisSwitch/CrisisBanner';
import { CrisisRoom } from './CrisisRoom';
import { formatAt } from './time';

export function CrisisScreen(): ReactNode {
  const state = useQuery({ queryKey: CRISIS_KEY, queryFn: () => unwrap(api.GET('/api/crisis')) });
  if (state.isPending) {
    return <Loading label="Loading crisis mode…" />;
  }
  if (state.isError) {
    return <ErrorState error={state.error} retry={() => void state.refetch()} />;
  }
  if (state.data.active && state.data.crisis) {
    return <CrisisRoom crisis={state.data.crisis} held={state.data.held} released={state.data.released} />;
  }
  return <PastCrises />;
}

function PastCrises(): ReactNode {
  const session = useSignedIn();
  const timeZone = session.workspace.timeZone;
  const crises = useQuery({ queryKey: ['crises'], queryFn: () => unwrap(api.GET('/api/crises')) });
  return (
    <Stack>
      <Title order={2}>Crisis</Title>
      <Text>Crisis mode is off: posts go out as scheduled and approved.</Text>
      {session.can('crisis.lead') ? <ActivateCrisis /> : null}
      <Title order={3}>Past crises</Title>
      {crises.isPending ? (
        <Loading label="Loading past crises…" />
      ) : crises.isError ? (
        <ErrorState error={crises.error} retry={() => void crises.refetch()} />
      ) : crises.data.length === 0 ? (
        <Empty title="No crisis yet" hint="When crisis mode has been on, its report is listed here." />
      ) : (
        <Table striped highlightOnHover>
          <Table.Caption>Past crises, newest first</Table.Caption>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Level</Table.Th>
              <Table.Th>Reason</Table.Th>
              <Table.Th>Began</Table.Th>
              <Table.Th>Ended</Table.Th>
              <Table.Th>Report</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {crises.data.map((c) => (
              <Table.Tr key={c.id}>
                <Table.Td>
                  <Badge variant="light" color={c.level === 3 ? 'red' : c.level === 2 ? 'orange' : 'yellow'} c="dark">
                    Level {c.level}
                  </Badge>
                </Table.Td>
                <Table.Td>{c.reason}</Table.Td>
                <Table.Td>{formatAt(c.activatedAt, timeZone)}</Table.Td>
                <Table.Td>{c.deactivatedAt ? formatAt(c.deactivatedAt, timeZone) : 'still on'}</Table.Td>
                <Table.Td>
                  <Anchor component={Link} to={`/crises/${c.id}/report`}>
                    Report<VisuallyHidden>{` of “${c.reason}”`}</VisuallyHidden>
                  </Anchor>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}
