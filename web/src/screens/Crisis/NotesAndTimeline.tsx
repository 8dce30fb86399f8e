// Notes (lessons learned, for the report) and the timeline so far: the audit trail since activation with the notes
// among it, refetched whenever the live stream invalidates ['crises', id, ...].
import { Alert, Button, Card, Group, List, Stack, Text, Textarea, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { api, ApiError, messageOf, unwrap } from '../../api/client';
import { Empty } from '../../components/states';
import { useSignedIn } from '../../session/session';
import { actionWords, type CrisisReport } from '../CrisisReport/report';
import { useRoomRefresh } from './decisions';
import { formatTime } from './time';

export function Notes({ crisisId }: { crisisId: string }): ReactNode {
  const session = useSignedIn();
  const refresh = useRoomRefresh(crisisId);
  const [text, setText] = useState('');
  const add = useMutation({
    mutationFn: () => unwrap(api.POST('/api/crises/{id}/notes', { params: { path: { id: crisisId } }, body: { text } })),
    onSuccess: () => setText(''),
    onSettled: refresh,
  });
  if (!session.can('crisis.note')) {
    return null;
  }
  const fieldError = add.error instanceof ApiError ? add.error.fieldErrors.text?.join(' ') : undefined;
  return (
    <Card withBorder component="section" aria-labelledby="room-notes">
      <Title order={3} id="room-notes" size="h4" mb="xs">
        Notes
      </Title>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          add.mutate();
        }}
      >
        <Stack gap="xs">
          <Textarea
            label="Note or lesson learned"
            description="It goes into the timeline and the crisis report."
            required
            value={text}
            onChange={(e) => setText(e.currentTarget.value)}
            error={fieldError}
            autosize
            minRows={2}
          />
          {add.isError && !fieldError ? (
            <Alert color="red" role="alert">
              {messageOf(add.error)}
            </Alert>
          ) : null}
          <Group>
            <Button type="submit" size="xs" loading={add.isPending}>
              Add note
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}

interface Entry {
  at: string;
  who: string;
  what: string;
  detail: string | null;
}

/** The audit events and the notes in one list, oldest first; a note reads as itself, not as its audit event. */
export function timelineEntries(report: CrisisReport): Entry[] {
  const events: Entry[] = report.timeline
    .filter((e) => e.action !== 'crisis.note_added')
    .map((e) => ({ at: e.at, who: e.actor, what: actionWords(e.action), detail: e.reason }));
  const notes: Entry[] = report.notes.map((n) => ({ at: n.at, who: n.author, what: 'Note', detail: n.text }));
  return [...events, ...notes].sort((a, b) => a.at.localeCompare(b.at));
}

export function Timeline({ report, timeZone }: { report: CrisisReport; timeZone: string }): ReactNode {
  const entries = timelineEntries(report);
  return (
    <Card withBorder component="section" aria-labelledby="room-timeline">
      <Title order={3} id="room-timeline" size="h4" mb="xs">
        Timeline
      </Title>
      {entries.length === 0 ? (
        <Empty title="Nothing yet" hint="What people and the service do during the crisis appears here as it happens." />
      ) : (
        <List spacing={4} aria-live="polite" data-testid="crisis-timeline">
          {entries.map((e, i) => (
            <List.Item key={`${e.at}-${i}`}>
              <Text size="sm">
                <Text span ff="monospace" size="sm">
                  {formatTime(e.at, timeZone)}
                </Text>{' '}
                <strong>{e.what}</strong> · {e.who}
                {e.detail ? `: ${e.detail}` : ''}
              </Text>
            </List.Item>
          ))}
        </List>
      )}
    </Card>
  );
}
