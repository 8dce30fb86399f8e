// Playbooks: the response matrix. Every member reads what each scenario does (level, what it holds, the templates
// it stages, who is responsible); crisis leads write, rehearse and archive them.
import { Anchor, Badge, Button, Card, Checkbox, Group, List, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { Link, Route, Routes, useParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import { Empty, ErrorState, Loading } from '../../components/states';
import { platformName } from '../../platforms';
import { useSignedIn } from '../../session/session';
import { NotFoundScreen } from '../NotFound/NotFoundScreen';
import { TEMPLATES_KEY, type TemplateView } from '../Templates/templates-data';
import { PlaybookDetail } from './PlaybookDetail';
import { PlaybookForm } from './PlaybookForm';
import { CATEGORY_LABELS, offsetLabel, PLAYBOOKS_KEY, reachOf, type ChannelView, type PlaybookView } from './playbooks-data';

export function PlaybooksScreen(): ReactNode {
  return (
    <Routes>
      <Route index element={<PlaybookList />} />
      <Route path="new" element={<NewPlaybook />} />
      <Route path=":id" element={<PlaybookDetail />} />
      <Route path=":id/edit" element={<EditPlaybook />} />
      <Route path="*" element={<NotFoundScreen />} />
    </Routes>
  );
}

export function usePlaybook(id: string): ReturnType<typeof useQuery<PlaybookView>> {
  return useQuery({ queryKey: [...PLAYBOOKS_KEY, id], queryFn: () => unwrap(api.GET('/api/playbooks/{id}', { params: { path: { id } } })) });
}

/** Live templates (to name the ones a playbook stages and to choose from) and the channels. */
export function useTemplatesAndChannels(): { templates: Map<string, TemplateView>; channels: Map<string, ChannelView>; loaded: boolean } {
  const templates = useQuery({ queryKey: [...TEMPLATES_KEY, { archived: true }], queryFn: () => unwrap(api.GET('/api/templates', { params: { query: { archived: 'true' } } })) });
  const channels = useQuery({ queryKey: ['channels'], queryFn: () => unwrap(api.GET('/api/channels')) });
  return {
    templates: new Map((templates.data ?? []).map((t) => [t.id, t])),
    channels: new Map((channels.data ?? []).map((c) => [c.id, c])),
    loaded: !templates.isPending && !channels.isPending,
  };
}

const READ_ONLY = 'Your roles let you read playbooks. Only crisis leads write, rehearse and archive them, and the service refuses anyone else.';

function NewPlaybook(): ReactNode {
  const session = useSignedIn();
  if (!session.can('playbooks.manage')) {
    return <Empty title="Only crisis leads write playbooks" hint={READ_ONLY} />;
  }
  return <PlaybookForm />;
}

function EditPlaybook(): ReactNode {
  const { id = '' } = useParams();
  const session = useSignedIn();
  const playbook = usePlaybook(id);
  if (!session.can('playbooks.manage')) {
    return <Empty title="Only crisis leads edit playbooks" hint={READ_ONLY} />;
  }
  if (playbook.isPending) {
    return <Loading label="Loading the playbook…" />;
  }
  if (playbook.isError) {
    return <ErrorState error={playbook.error} retry={() => void playbook.refetch()} title="This playbook could not be loaded" />;
  }
  if (playbook.data.archivedAt) {
    return <Empty title="This playbook is archived" hint="Archived playbooks keep their history but cannot be edited." />;
  }
  return <PlaybookForm playbook={playbook.data} />;
}

function PlaybookList(): ReactNode {
  const session = useSignedIn();
  const [archived, setArchived] = useState(false);
  const playbooks = useQuery({
    queryKey: [...PLAYBOOKS_KEY, { archived }],
    queryFn: () => unwrap(api.GET('/api/playbooks', { params: { query: { archived: archived ? 'true' : 'false' } } })),
  });
  const { templates, channels } = useTemplatesAndChannels();
  const mayManage = session.can('playbooks.manage');

  let body: ReactNode;
  if (playbooks.isPending) {
    body = <Loading label="Loading playbooks…" />;
  } else if (playbooks.isError) {
    body = <ErrorState error={playbooks.error} retry={() => void playbooks.refetch()} title="The playbooks could not be loaded" />;
  } else if (playbooks.data.length === 0) {
    body = (
      <Empty
        title="No playbooks yet"
        hint="A playbook says in advance what a crisis of one kind does: its level, what it holds, which approved templates it stages and who is responsible."
        action={
          mayManage ? (
            <Button component={Link} to="/playbooks/new">
              New playbook
            </Button>
          ) : undefined
        }
      />
    );
  } else {
    body = (
      <Stack gap="md" component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }} aria-label="Playbooks">
        {playbooks.data.map((playbook) => (
          <li key={playbook.id}>
            <PlaybookCard playbook={playbook} templates={templates} channels={channels} />
          </li>
        ))}
      </Stack>
    );
  }

  return (
    <Stack gap="md" maw={1100}>
      <Group justify="space-between" align="flex-end">
        <Stack gap={2}>
          <Title order={2}>Playbooks</Title>
          <Text c="dimmed" size="sm">
            The response matrix: what each kind of crisis does when the switch is flipped with its playbook.
          </Text>
        </Stack>
        <Group>
          <Checkbox label="Show archived" checked={archived} onChange={(e) => setArchived(e.currentTarget.checked)} />
          {mayManage ? (
            <Button component={Link} to="/playbooks/new">
              New playbook
            </Button>
          ) : null}
        </Group>
      </Group>
      {!mayManage ? (
        <Text size="sm" c="dimmed">
          {READ_ONLY}
        </Text>
      ) : null}
      {body}
    </Stack>
  );
}

export function PlaybookCard({ playbook, templates, channels, linked = true }: { playbook: PlaybookView; templates: Map<string, TemplateView>; channels: Map<string, ChannelView>; linked?: boolean }): ReactNode {
  const headingId = `playbook-${playbook.id}`;
  return (
    <Card withBorder padding="md" radius="sm" component="article" aria-labelledby={headingId} data-testid="playbook-card" data-playbook-id={playbook.id}>
      <Stack gap="sm">
        <Group justify="space-between" align="flex-start">
          <Stack gap={2}>
            <Title order={3} size="h4" id={headingId}>
              {linked ? (
                <Anchor component={Link} to={`/playbooks/${playbook.id}`} inherit>
                  {playbook.name}
                </Anchor>
              ) : (
                playbook.name
              )}
            </Title>
            <Text size="sm" c="dimmed">
              {CATEGORY_LABELS[playbook.category]} · revision {playbook.revision}
            </Text>
          </Stack>
          <Group gap={6}>
            <Badge variant="light" color="red" c="dark">
              Level {playbook.level}
            </Badge>
            {playbook.archivedAt ? (
              <Badge variant="outline" color="gray" c="dark">
                Archived
              </Badge>
            ) : null}
          </Group>
        </Group>
        <Text size="sm" data-testid="playbook-scope">
          Holds {playbook.platforms ? playbook.platforms.map(platformName).join(', ') : 'every platform'}
          {playbook.pauseAds ? ' and pauses the paid campaigns in scope' : '; paid campaigns keep running'}.{' '}
          {playbook.approvalsRequired ? `Each post needs ${playbook.approvalsRequired} crisis approval${playbook.approvalsRequired === 1 ? '' : 's'}.` : 'Crisis approvals follow the policy for the level.'}
        </Text>
        <Stack gap={2}>
          <Text size="xs" fw={700}>
            Staged messages
          </Text>
          {playbook.messages.length === 0 ? (
            <Text size="sm">None: the switch holds, it stages no statement.</Text>
          ) : (
            <List size="sm" spacing={2} data-testid="playbook-messages">
              {playbook.messages.map((m, i) => (
                <List.Item key={i}>
                  {templates.get(m.templateId)?.name ?? 'A template'} (version {m.templateVersion}) on{' '}
                  {m.channelIds.map((id) => channels.get(id)?.name ?? 'a removed channel').join(', ')}, {offsetLabel(m.offsetMinutes)}
                  {m.prompts.length > 0 ? `; asks for ${m.prompts.map((p) => `{{${p}}}`).join(', ')} at activation` : ''}
                </List.Item>
              ))}
            </List>
          )}
        </Stack>
        <Stack gap={2}>
          <Text size="xs" fw={700}>
            Contacts and responsibilities
          </Text>
          <List size="sm" spacing={2} data-testid="playbook-contacts">
            {playbook.contacts.map((c, i) => (
              <List.Item key={i}>
                <Text span fw={600} size="sm">
                  {c.name}
                </Text>
                , {c.role}: {reachOf(c)}
              </List.Item>
            ))}
          </List>
        </Stack>
      </Stack>
    </Card>
  );
}
