// Ending the crisis: a note, whether the campaigns it paused resume, the service's preview of what resumes and what
// becomes missed, a confirmation; then what happened, with the way to the missed deliveries.
import { Alert, Button, Checkbox, Group, List, Modal, Stack, Text, Textarea, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { api, messageOf, unwrap } from '../../api/client';
import { ErrorState, Loading } from '../../components/states';
import { useSignedIn } from '../../session/session';
import { SWITCH_KEYS } from './ActivateCrisis';
import { DeliveryList } from './parts';
import { showSwitchAnswer } from './switch-answers';


/** Rendered by the crisis room for crisis leads while a crisis is on. */
export function DeactivateCrisis({ crisisId }: { crisisId: string }): ReactNode {
  const session = useSignedIn();
  const [opened, setOpened] = useState(false);
  if (!session.can('crisis.lead')) {
    return null;
  }
  return (
    <>
      <Group>
        <Button variant="outline" color="red" onClick={() => setOpened(true)}>
          End the crisis…
        </Button>
      </Group>
      {opened ? <EndDialog crisisId={crisisId} onClose={() => setOpened(false)} /> : null}
    </>
  );
}

function EndDialog({ crisisId, onClose }: { crisisId: string; onClose: () => void }): ReactNode {
  const session = useSignedIn();
  const zone = session.workspace.timeZone;
  const queryClient = useQueryClient();
  const [note, setNote] = useState('');
  const [resumeCampaigns, setResumeCampaigns] = useState(true);
  const preview = useQuery({
    queryKey: ['crises', crisisId, 'deactivation-preview', resumeCampaigns],
    queryFn: () => unwrap(api.POST('/api/crisis/deactivation-preview', { body: { resumeCampaigns } })),
  });
  const ending = useMutation({
    mutationFn: () => unwrap(api.POST('/api/crisis/deactivate', { body: { resumeCampaigns, ...(note.trim() ? { note: note.trim() } : {}) } })),
    onSuccess: async (answer) => {
      // Shown by the Shell (SwitchAnswers): the room this dialog belongs to goes away as the crisis ends.
      showSwitchAnswer({ kind: 'deactivation', deactivation: answer });
      onClose();
      await Promise.all(SWITCH_KEYS.map((queryKey) => queryClient.invalidateQueries({ queryKey: [...queryKey] })));
    },
  });

  const data = preview.data;
  return (
    <Modal opened onClose={onClose} title="End the crisis" size="xl" closeButtonProps={{ 'aria-label': 'Close' }}>
      <Stack>
        <Textarea label="Note" description="How it ended; kept in the report" value={note} onChange={(e) => setNote(e.currentTarget.value)} autosize minRows={2} />
        <Checkbox label="Resume the campaigns this crisis paused" checked={resumeCampaigns} onChange={(e) => setResumeCampaigns(e.currentTarget.checked)} />
        {preview.isLoading ? <Loading label="Working out what ending the crisis would do…" /> : null}
        {preview.isError ? <ErrorState error={preview.error} title="No preview" retry={() => void preview.refetch()} /> : null}
        {data ? (
          <Stack gap="sm" component="section" aria-label="What ending the crisis would do">
            <Title order={3} size="h4">
              What ending the crisis would do
            </Title>
            <Text data-testid="deactivation-preview-counts">
              {data.resume.count} held {data.resume.count === 1 ? 'delivery resumes at its time' : 'deliveries resume at their times'}; {data.missed.count}{' '}
              {data.missed.count === 1 ? 'delivery becomes' : 'deliveries become'} missed (their time passed: never sent by themselves).
            </Text>
            <DeliveryList deliveries={data.resume.first} zone={zone} caption="Resume" />
            <DeliveryList deliveries={data.missed.first} zone={zone} caption="Become missed" />
            <Text size="sm">
              Campaigns resuming: {data.campaignsResume.length === 0 ? 'none' : data.campaignsResume.map((c) => c.name).join(', ')}. Staying paused:{' '}
              {data.campaignsStayPaused.length === 0 ? 'none' : data.campaignsStayPaused.map((c) => c.name).join(', ')}.
            </Text>
            {data.withdrawnPosts > 0 ? (
              <List size="sm">
                <List.Item>
                  {data.withdrawnPosts} replacement {data.withdrawnPosts === 1 ? 'post' : 'posts'} never approved will be withdrawn.
                </List.Item>
              </List>
            ) : null}
          </Stack>
        ) : null}
        {ending.isError ? (
          <Alert color="red" role="alert" title="The crisis was not ended">
            {messageOf(ending.error)}
          </Alert>
        ) : null}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button color="red" disabled={!data} loading={ending.isPending} onClick={() => ending.mutate()}>
            End the crisis
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
