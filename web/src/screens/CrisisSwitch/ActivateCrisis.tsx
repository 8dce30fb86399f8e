// The crisis switch: reason, level, playbook, platforms and ads; the service's preview of what it would stop, pause,
// stage and notify; confirmation by typing the workspace name; then the switch's answer.
import { Alert, Button, Checkbox, Group, List, Modal, Radio, Select, Stack, Text, TextInput, Textarea, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { api, ApiError, messageOf, unwrap } from '../../api/client';
import type { components } from '../../api/schema';
import { ErrorState, Loading } from '../../components/states';
import { platformName, PLATFORMS, type Platform } from '../../platforms';
import { useSignedIn } from '../../session/session';
import { DeliveryList, LEVELS, scopeText } from './parts';
import { showSwitchAnswer } from './switch-answers';

type Preview = components['schemas']['CrisisPreviewView'];
type Body = components['schemas']['ActivateCrisisDto'];

/** What every screen refetches when the switch flips: the banner, calendars, queues and campaigns. */
export const SWITCH_KEYS = [['crisis'], ['crises'], ['posts'], ['deliveries'], ['approvals'], ['campaigns'], ['pause-orders']] as const;

/** Rendered by the crisis screen when no crisis is on, for crisis leads only. */
export function ActivateCrisis(): ReactNode {
  const session = useSignedIn();
  const [opened, setOpened] = useState(false);
  if (!session.can('crisis.lead')) {
    return null;
  }
  return (
    <>
      <Group>
        <Button color="red" onClick={() => setOpened(true)}>
          Activate crisis mode…
        </Button>
      </Group>
      {opened ? <SwitchDialog onClose={() => setOpened(false)} /> : null}
    </>
  );
}

function SwitchDialog({ onClose }: { onClose: () => void }): ReactNode {
  const session = useSignedIn();
  const zone = session.workspace.timeZone;
  const queryClient = useQueryClient();
  const playbooks = useQuery({ queryKey: ['playbooks'], queryFn: () => unwrap(api.GET('/api/playbooks')) });
  const [reason, setReason] = useState('');
  const [level, setLevel] = useState<string>('');
  const [playbookId, setPlaybookId] = useState<string | null>(null);
  const [scope, setScope] = useState<'all' | 'some'>('all');
  const [platforms, setPlatforms] = useState<Platform[]>([]);
  const [pauseAds, setPauseAds] = useState(true);
  const [answers, setAnswers] = useState<Record<string, string>>({});
  const [typed, setTyped] = useState('');
  const [preview, setPreview] = useState<Preview | null>(null);

  const playbook = (playbooks.data ?? []).find((p) => p.id === playbookId) ?? null;
  const prompts = [...new Set((playbook?.messages ?? []).flatMap((m) => m.prompts))];

  const body = (): Body => ({
    reason,
    ...(level ? { level: Number(level) } : {}),
    ...(playbookId ? { playbookId } : {}),
    ...(scope === 'some' ? { platforms } : {}),
    pauseAds,
    ...(prompts.length > 0 ? { placeholderValues: Object.fromEntries(prompts.filter((p) => answers[p]?.trim()).map((p) => [p, answers[p]])) } : {}),
  });
  // Any change to the form makes the preview stale: it must be asked for again before confirming.
  const changed = <T,>(set: (value: T) => void) => (value: T): void => {
    set(value);
    setPreview(null);
  };

  const previewing = useMutation({
    mutationFn: () => unwrap(api.POST('/api/crisis/preview', { body: body() })),
    onSuccess: (answer) => setPreview(answer),
  });
  const activating = useMutation({
    mutationFn: () => unwrap(api.POST('/api/crisis/activate', { body: body() })),
    onSuccess: async (answer) => {
      // Shown by the Shell (SwitchAnswers): the crisis screen turns into the room under this dialog as the state changes.
      showSwitchAnswer({ kind: 'activation', activation: answer });
      onClose();
      await Promise.all(SWITCH_KEYS.map((queryKey) => queryClient.invalidateQueries({ queryKey: [...queryKey] })));
    },
  });
  const fieldError = (field: string): string | undefined => {
    const error = previewing.error ?? activating.error;
    return error instanceof ApiError ? error.fieldErrors[field]?.join('; ') : undefined;
  };
  const nameMatches = typed.trim() === session.workspace.name;

  return (
    <Modal opened onClose={onClose} title="Activate crisis mode" size="xl" closeButtonProps={{ 'aria-label': 'Close' }}>
      {(
        <Stack>
          <Textarea label="Reason" description="Shown to everyone on the banner and kept in the report" required value={reason} onChange={(e) => changed(setReason)(e.currentTarget.value)} error={fieldError('reason')} autosize minRows={2} />
          {playbooks.isLoading ? <Loading label="Loading playbooks…" /> : null}
          {playbooks.isError ? <ErrorState error={playbooks.error} title="The playbooks could not be loaded" retry={() => void playbooks.refetch()} /> : null}
          <Select
            label="Playbook"
            description="Its replacement messages, contacts, platforms and ads rule; none to decide here"
            placeholder="No playbook"
            clearable
            data={(playbooks.data ?? []).filter((p) => !p.archivedAt).map((p) => ({ value: p.id, label: `${p.name} (level ${p.level})` }))}
            value={playbookId}
            onChange={changed(setPlaybookId)}
          />
          {prompts.map((prompt) => (
            <TextInput key={prompt} label={`Playbook answer: ${prompt}`} value={answers[prompt] ?? ''} onChange={(e) => changed(setAnswers)({ ...answers, [prompt]: e.currentTarget.value })} />
          ))}
          <Radio.Group label="Level" description={playbook ? `Leave unset to use the playbook's level ${playbook.level}` : 'Sets how many approvals a post needs to go out during the crisis'} value={level} onChange={changed(setLevel)} error={fieldError('level')}>
            <Stack gap={4} mt="xs">
              {[1, 2, 3].map((n) => (
                <Radio key={n} value={String(n)} label={`Level ${n}`} description={LEVELS[n]} />
              ))}
            </Stack>
          </Radio.Group>
          <Radio.Group label="Platforms to hold" value={scope} onChange={(v) => changed(setScope)(v)}>
            <Group mt="xs">
              <Radio value="all" label={playbook?.platforms ? `The playbook's (${scopeText(playbook.platforms)})` : 'All platforms'} />
              <Radio value="some" label="Some platforms" />
            </Group>
          </Radio.Group>
          {scope === 'some' ? (
            <Checkbox.Group label="Hold these platforms" value={platforms} onChange={(v) => changed(setPlatforms)(v)} error={fieldError('platforms')}>
              <Group mt="xs">
                {PLATFORMS.map((p) => (
                  <Checkbox key={p} value={p} label={platformName(p)} />
                ))}
              </Group>
            </Checkbox.Group>
          ) : null}
          <Checkbox label="Pause paid campaigns in scope" checked={pauseAds} onChange={(e) => changed(setPauseAds)(e.currentTarget.checked)} />
          <Group>
            <Button variant="default" onClick={() => previewing.mutate()} loading={previewing.isPending} disabled={!reason.trim()}>
              Preview
            </Button>
          </Group>
          {previewing.isError ? (
            <Alert color="red" role="alert" title="No preview">
              {messageOf(previewing.error)}
            </Alert>
          ) : null}
          {preview ? <PreviewPanel preview={preview} zone={zone} /> : <Text size="sm" c="dimmed">Preview what the switch would stop before confirming.</Text>}
          {preview ? (
            <Stack gap="xs">
              <TextInput
                label={`Type the workspace name (${session.workspace.name}) to confirm`}
                value={typed}
                onChange={(e) => setTyped(e.currentTarget.value)}
                autoComplete="off"
              />
              {activating.isError ? (
                <Alert color="red" role="alert" title="The switch was not flipped">
                  {messageOf(activating.error)}
                </Alert>
              ) : null}
              <Group justify="flex-end">
                <Button variant="default" onClick={onClose}>
                  Cancel
                </Button>
                <Button color="red" disabled={!nameMatches} loading={activating.isPending} onClick={() => activating.mutate()}>
                  Activate crisis mode
                </Button>
              </Group>
            </Stack>
          ) : null}
        </Stack>
      )}
    </Modal>
  );
}

function PreviewPanel({ preview, zone }: { preview: Preview; zone: string }): ReactNode {
  const { held } = preview;
  return (
    <Stack gap="sm" component="section" aria-label="Preview">
      <Title order={3} size="h4">
        What the switch would do
      </Title>
      <Text data-testid="preview-counts">
        Holds {held.deliveries} {held.deliveries === 1 ? 'delivery' : 'deliveries'} on {scopeText(preview.platforms)}: {held.dueWithinHour} due within the hour, {held.dueWithinDay}{' '}
        within the day{held.estimated ? ' (estimated)' : ''}. Level {preview.level}: {preview.approvalsRequired} {preview.approvalsRequired === 1 ? 'approval' : 'approvals'} per post.
      </Text>
      <DeliveryList deliveries={preview.firstDue} zone={zone} caption="Due first" />
      <Text fw={600}>Paid campaigns</Text>
      {preview.campaigns === null ? (
        <Text size="sm">Not paused.</Text>
      ) : (
        <Text size="sm">
          {preview.campaigns.wouldPause.length === 0 ? 'None running in scope.' : `Pauses ${preview.campaigns.wouldPause.map((c) => c.name).join(', ')}.`}
          {preview.campaigns.alreadyPaused.length > 0 ? ` Already paused: ${preview.campaigns.alreadyPaused.map((c) => c.name).join(', ')}.` : ''}
        </Text>
      )}
      <Text fw={600}>Replacement posts{preview.playbook ? ` from ${preview.playbook.name}` : ''}</Text>
      {preview.replacements.length === 0 && preview.notStaged.length === 0 ? <Text size="sm">None.</Text> : null}
      <List size="sm">
        {preview.replacements.map((r, i) => (
          <List.Item key={`${r.templateId}-${i}`}>
            {r.templateName}: “{r.text}” on {r.channels.map((c) => c.name).join(', ')}, {r.offsetMinutes} min after activation
            {r.missing.length > 0 ? ` (a draft until ${r.missing.join(', ')} ${r.missing.length === 1 ? 'is' : 'are'} filled)` : ''}
          </List.Item>
        ))}
        {preview.notStaged.map((n, i) => (
          <List.Item key={`not-${n.templateId}-${i}`}>
            Not staged: {n.templateName ?? n.templateId}: {n.reason}
          </List.Item>
        ))}
      </List>
      {preview.warnings.length > 0 ? (
        <Alert color="yellow" title="Answers not used">
          {preview.warnings.join('; ')}
        </Alert>
      ) : null}
      <Text fw={600}>Who is notified</Text>
      <Text size="sm">
        {preview.notified.webhookCount} {preview.notified.webhookCount === 1 ? 'webhook' : 'webhooks'}
        {preview.notified.webhooks.length > 0 ? `: ${preview.notified.webhooks.map((w) => (w.description ? `${w.description} (${w.host})` : w.host)).join(', ')}` : ''}.
        {preview.notified.contacts.length > 0 ? ` Contacts: ${preview.notified.contacts.map((c) => `${c.name}, ${c.role}`).join('; ')}.` : ''}
      </Text>
    </Stack>
  );
}
