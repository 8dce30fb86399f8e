// One playbook: what it does, a rehearsal (what activating with it would create now, changing nothing) and archiving.
import { Alert, Anchor, Button, Card, Group, List, Stack, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { api, ApiError, messageOf, unwrap } from '../../api/client';
import { OneThing } from '../../components/states';
import { platformName, type Platform } from '../../platforms';
import { useSignedIn } from '../../session/session';
import { ConfirmModal } from '../Members/ConfirmModal';
import { offsetLabel, PLAYBOOKS_KEY, reachOf, type PlanView, type PlaybookView } from './playbooks-data';
import { PlaybookCard, usePlaybook, useTemplatesAndChannels } from './PlaybooksScreen';

export function PlaybookDetail(): ReactNode {
  const { id = '' } = useParams();
  return (
    <OneThing query={usePlaybook(id)} loading="Loading the playbook…" failed="This playbook could not be loaded" back={{ to: '/playbooks', label: 'Back to the playbooks' }}>
      {(data) => <PlaybookPage playbook={data} />}
    </OneThing>
  );
}

function PlaybookPage({ playbook }: { playbook: PlaybookView }): ReactNode {
  const session = useSignedIn();
  const { templates, channels } = useTemplatesAndChannels();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const mayManage = session.can('playbooks.manage') && !playbook.archivedAt;
  const [archiving, setArchiving] = useState(false);
  const archive = useMutation({
    mutationFn: () => unwrap(api.DELETE('/api/playbooks/{id}', { params: { path: { id: playbook.id } } })),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: PLAYBOOKS_KEY });
      notifications.show({ closeButtonProps: { 'aria-label': 'Dismiss' }, color: 'green', title: 'Archived', message: `${playbook.name} can no longer be activated; its history stays.` });
      setArchiving(false);
      await navigate('/playbooks');
    },
  });

  return (
    <Stack gap="lg" maw={1000}>
      <Anchor component={Link} to="/playbooks" size="sm">
        Back to the playbooks
      </Anchor>
      <Group justify="space-between" align="flex-end">
        <Title order={2}>Playbook</Title>
        {mayManage ? (
          <Group>
            <Button component={Link} to={`/playbooks/${playbook.id}/edit`}>
              Edit
            </Button>
            <Button variant="default" color="red" onClick={() => setArchiving(true)}>
              Archive…
            </Button>
          </Group>
        ) : null}
      </Group>
      <PlaybookCard playbook={playbook} templates={templates} channels={channels} linked={false} />
      {mayManage ? <Rehearsal playbook={playbook} channelName={(id) => channels.get(id)?.name ?? 'a removed channel'} templateName={(id) => templates.get(id)?.name ?? 'A template'} /> : null}
      <ConfirmModal
        opened={archiving}
        title={`Archive ${playbook.name}?`}
        confirmLabel="Archive"
        onConfirm={() => archive.mutate()}
        onCancel={() => {
          archive.reset();
          setArchiving(false);
        }}
        pending={archive.isPending}
        error={archive.error}
      >
        The crisis switch can no longer be flipped with this playbook. Its history stays in the audit trail.
      </ConfirmModal>
    </Stack>
  );
}

function Rehearsal({ playbook, channelName, templateName }: { playbook: PlaybookView; channelName: (id: string) => string; templateName: (id: string) => string }): ReactNode {
  const prompts = [...new Set(playbook.messages.flatMap((m) => m.prompts))];
  const [answers, setAnswers] = useState<Record<string, string>>({});
  const rehearse = useMutation({
    mutationFn: (): Promise<PlanView> =>
      unwrap(
        api.POST('/api/playbooks/{id}/rehearse', {
          params: { path: { id: playbook.id } },
          body: { placeholderValues: Object.fromEntries(Object.entries(answers).filter(([, v]) => v.trim() !== '')) },
        }),
      ),
  });
  const plan = rehearse.data;
  return (
    <Card withBorder padding="md" radius="sm" component="section" aria-labelledby="rehearsal-title">
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          rehearse.mutate();
        }}
      >
        <Stack gap="sm">
          <Title order={3} size="h5" id="rehearsal-title">
            Rehearse
          </Title>
          <Text size="sm" c="dimmed">
            What flipping the switch with this playbook would do now, with these answers. Nothing is held, created or sent.
          </Text>
          {prompts.map((p) => (
            <TextInput
              key={p}
              label={`Answer for {{${p}}}`}
              value={answers[p] ?? ''}
              maxLength={5000}
              onChange={(e) => {
                const value = e.currentTarget.value;
                setAnswers((current) => ({ ...current, [p]: value }));
              }}
            />
          ))}
          <Group>
            <Button type="submit" variant="default" loading={rehearse.isPending}>
              Rehearse
            </Button>
          </Group>
          {rehearse.isError ? (
            <Alert color="red" variant="light" role="alert" title="This playbook would not run as written">
              {rehearse.error instanceof ApiError && rehearse.error.details.length > 0 ? (
                <List size="sm">
                  {rehearse.error.details.map((d) => (
                    <List.Item key={d}>{d}</List.Item>
                  ))}
                </List>
              ) : (
                messageOf(rehearse.error)
              )}
            </Alert>
          ) : null}
          {plan ? (
            <Stack gap="xs" data-testid="rehearsal-result" role="status">
              <Text size="sm" fw={600}>
                Level {plan.level} crisis: holds {plan.platforms ? plan.platforms.map(platformName).join(', ') : 'every platform'}
                {plan.pauseAds ? ', pauses the paid campaigns in scope' : ', leaves paid campaigns running'}
                {plan.approvalsRequired ? `, each post needs ${plan.approvalsRequired} crisis approval${plan.approvalsRequired === 1 ? '' : 's'}` : ''}.
              </Text>
              <Text size="sm" fw={600}>
                {plan.messages.length === 0 ? 'No message would be staged.' : `${plan.messages.length} message${plan.messages.length === 1 ? '' : 's'} would be staged for crisis sign-off:`}
              </Text>
              {plan.messages.map((m, i) => (
                <Card key={i} withBorder padding="sm" radius="sm" bg="gray.0" data-testid="rehearsed-message">
                  <Text size="xs" fw={700}>
                    {templateName(m.templateId)} (version {m.templateVersion}) on {m.channelIds.map(channelName).join(', ')}, {offsetLabel(m.offsetMinutes)}
                  </Text>
                  <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
                    {m.text}
                  </Text>
                  {Object.entries(m.platformText).map(([platform, text]) => (
                    <Text key={platform} size="sm" style={{ whiteSpace: 'pre-wrap' }}>
                      <Text span fw={600} size="sm">
                        On {platformName(platform as Platform)}:
                      </Text>{' '}
                      {text}
                    </Text>
                  ))}
                </Card>
              ))}
              <Text size="sm" fw={600}>
                Contacts and responsibilities:
              </Text>
              <List size="sm" spacing={2}>
                {plan.contacts.map((c, i) => (
                  <List.Item key={i}>
                    {c.name}, {c.role}: {reachOf(c)}
                  </List.Item>
                ))}
              </List>
            </Stack>
          ) : null}
        </Stack>
      </form>
    </Card>
  );
}
