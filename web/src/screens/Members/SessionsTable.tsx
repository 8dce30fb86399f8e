// Console sessions still alive: which browser, from where, since when; each can be ended.
import { Badge, Button, Table, Text, VisuallyHidden } from '@mantine/core';
import type { ReactNode } from 'react';
import { Empty } from '../../components/states';
import { describeBrowser, formatInstant, type SessionSummary } from './people';

interface SessionsTableProps {
  sessions: SessionSummary[];
  timeZone?: string;
  /** The button's words: "Sign out this session" on your own page, "Revoke" for an admin. */
  endLabel: string;
  onEnd: (session: SessionSummary) => void;
  endingId: string | null;
  caption: string;
  /** Whose sessions, for the empty state. */
  emptyTitle: string;
}

export function SessionsTable({ sessions, timeZone, endLabel, onEnd, endingId, caption, emptyTitle }: SessionsTableProps): ReactNode {
  if (sessions.length === 0) {
    return <Empty title={emptyTitle} hint="A session starts when someone signs in to the console." />;
  }
  return (
    <Table.ScrollContainer minWidth={640}>
      <Table striped highlightOnHover verticalSpacing="xs">
        <Table.Caption>{caption}</Table.Caption>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Browser</Table.Th>
            <Table.Th>Address</Table.Th>
            <Table.Th>Signed in</Table.Th>
            <Table.Th>Last active</Table.Th>
            <Table.Th>Ends at the latest</Table.Th>
            <Table.Th>
              <VisuallyHidden>Actions</VisuallyHidden>
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {sessions.map((session) => (
            <Table.Tr key={session.id} data-testid="session-row">
              <Table.Td>
                <Text size="sm" title={session.userAgent ?? undefined}>
                  {describeBrowser(session.userAgent)}{' '}
                  {session.current ? (
                    <Badge color="teal.9" variant="filled" autoContrast size="sm">
                      This browser
                    </Badge>
                  ) : null}
                </Text>
              </Table.Td>
              <Table.Td>{session.ipAddress ?? '—'}</Table.Td>
              <Table.Td>{formatInstant(session.createdAt, timeZone)}</Table.Td>
              <Table.Td>{formatInstant(session.lastSeenAt, timeZone)}</Table.Td>
              <Table.Td>{formatInstant(session.expiresAt, timeZone)}</Table.Td>
              <Table.Td>
                <Button size="xs" variant="default" color="red" onClick={() => onEnd(session)} loading={endingId === session.id}>
                  {endLabel}
                </Button>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
