// Templates: messages written and approved before they are needed. The list, a template with its version history,
// diff, preview and four-eyes approval, and the form for a new template or its next version.
import { Anchor, Badge, Button, Checkbox, Group, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { Link, Route, Routes, useParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import { Empty, ErrorState, Loading } from '../../components/states';
import { PLATFORMS, platformName } from '../../platforms';
import { useSignedIn } from '../../session/session';
import { NotFoundScreen } from '../NotFound/NotFoundScreen';
import { TemplateDetail } from './TemplateDetail';
import { TemplateForm } from './TemplateForm';
import { latestOf, STATUS_COLORS, STATUS_LABELS, TEMPLATES_KEY, type TemplateView } from './templates-data';

export function TemplatesScreen(): ReactNode {
  return (
    <Routes>
      <Route index element={<TemplateList />} />
      <Route path="new" element={<NewTemplate />} />
      <Route path=":id" element={<TemplateDetail />} />
      <Route path=":id/edit" element={<EditTemplate />} />
      <Route path="*" element={<NotFoundScreen />} />
    </Routes>
  );
}

export function useTemplate(id: string): ReturnType<typeof useQuery<TemplateView>> {
  return useQuery({ queryKey: [...TEMPLATES_KEY, id], queryFn: () => unwrap(api.GET('/api/templates/{id}', { params: { path: { id } } })) });
}

function NewTemplate(): ReactNode {
  const session = useSignedIn();
  if (!session.can('templates.write')) {
    return <Empty title="Only marketers and crisis leads write templates" hint="Your roles let you read templates; the service refuses anyone else's edits." />;
  }
  return <TemplateForm />;
}

function EditTemplate(): ReactNode {
  const { id = '' } = useParams();
  const session = useSignedIn();
  const template = useTemplate(id);
  if (!session.can('templates.write')) {
    return <Empty title="Only marketers and crisis leads edit templates" hint="Your roles let you read templates; the service refuses anyone else's edits." />;
  }
  if (template.isPending) {
    return <Loading label="Loading the template…" />;
  }
  if (template.isError) {
    return <ErrorState error={template.error} retry={() => void template.refetch()} title="This template could not be loaded" />;
  }
  if (template.data.archivedAt) {
    return <Empty title="This template is archived" hint="Archived templates keep their history but cannot be edited." />;
  }
  return <TemplateForm template={template.data} />;
}

function TemplateList(): ReactNode {
  const session = useSignedIn();
  const [archived, setArchived] = useState(false);
  const templates = useQuery({
    queryKey: [...TEMPLATES_KEY, { archived }],
    queryFn: () => unwrap(api.GET('/api/templates', { params: { query: { archived: archived ? 'true' : 'false' } } })),
  });

  let body: ReactNode;
  if (templates.isPending) {
    body = <Loading label="Loading templates…" />;
  } else if (templates.isError) {
    body = <ErrorState error={templates.error} retry={() => void templates.refetch()} title="The templates could not be loaded" />;
  } else if (templates.data.length === 0) {
    body = (
      <Empty
        title="No templates yet"
        hint="Write the statements you will need in a crisis now, while there is time to get them approved."
        action={
          session.can('templates.write') ? (
            <Button component={Link} to="/templates/new">
              New template
            </Button>
          ) : undefined
        }
      />
    );
  } else {
    body = (
      <Table.ScrollContainer minWidth={760}>
        <Table verticalSpacing="sm" striped>
          <Table.Caption>Templates and the state of their latest version</Table.Caption>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Latest version</Table.Th>
              <Table.Th>Platforms</Table.Th>
              <Table.Th>Placeholders</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {templates.data.map((template) => {
              const latest = latestOf(template);
              const own = PLATFORMS.filter((p) => typeof latest.variants[p] === 'string');
              return (
                <Table.Tr key={template.id} data-testid="template-row" data-template-id={template.id}>
                  <Table.Td>
                    <Anchor component={Link} to={`/templates/${template.id}`} fw={600}>
                      {template.name}
                    </Anchor>
                    {template.archivedAt ? (
                      <Badge ml="xs" variant="outline" color="gray" c="dark">
                        Archived
                      </Badge>
                    ) : null}
                  </Table.Td>
                  <Table.Td>
                    <Group gap={6}>
                      <Text size="sm">Version {latest.version}</Text>
                      <Badge variant="light" color={STATUS_COLORS[latest.status]} c="dark" data-testid="latest-status">
                        {STATUS_LABELS[latest.status]}
                      </Badge>
                    </Group>
                    {latest.status !== 'approved' && template.approvedVersions.length > 0 ? (
                      <Text size="xs" c="dimmed">
                        Usable: version {template.approvedVersions.join(', ')}
                      </Text>
                    ) : null}
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{own.length === 0 ? 'Same text everywhere' : `Own text for ${own.map(platformName).join(', ')}`}</Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{latest.placeholders.length === 0 ? 'None' : latest.placeholders.map((p) => `{{${p.name}}}`).join(', ')}</Text>
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    );
  }

  return (
    <Stack gap="md" maw={1100}>
      <Group justify="space-between" align="flex-end">
        <Stack gap={2}>
          <Title order={2}>Templates</Title>
          <Text c="dimmed" size="sm">
            Messages approved in advance, for playbooks to stage in a crisis. Only an approved version can be used.
          </Text>
        </Stack>
        <Group>
          <Checkbox label="Show archived" checked={archived} onChange={(e) => setArchived(e.currentTarget.checked)} />
          {session.can('templates.write') ? (
            <Button component={Link} to="/templates/new">
              New template
            </Button>
          ) : null}
        </Group>
      </Group>
      {body}
    </Stack>
  );
}
