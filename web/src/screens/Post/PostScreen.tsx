// One post: its content per platform, where it goes and how each delivery stands, and every decision taken on it
// (the author reads here why an approver sent it back). Edit for those who may write posts; back to the calendar.
import { Alert, Anchor, Badge, Button, Card, Group, Stack, Table, Text, Timeline, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { Link, useParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import type { components } from '../../api/schema';
import { Empty, ErrorState, Loading } from '../../components/states';
import { useSignedIn } from '../../session/session';
import { formatInstant, platformName, type Platform } from '../Approvals/format';

type PostView = components['schemas']['PostView'];
type Decision = components['schemas']['PostDecisionView'];

const STATUS_WORDS: Record<PostView['status'], string> = {
  draft: 'Draft',
  pending_approval: 'Waiting for approval',
  rejected: 'Sent back',
  scheduled: 'Scheduled',
  held: 'Held',
  publishing: 'Publishing',
  published: 'Published',
  partly_published: 'Partly published',
  needs_verification: 'Needs verification',
  missed: 'Missed',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

const STATUS_COLORS: Partial<Record<PostView['status'], string>> = {
  rejected: 'red',
  failed: 'red',
  missed: 'orange',
  needs_verification: 'orange',
  partly_published: 'yellow',
  held: 'orange',
  scheduled: 'green',
  publishing: 'green',
  published: 'green',
};

const STATE_WORDS: Record<string, string> = {
  pending_approval: 'Waiting for approval',
  scheduled: 'Scheduled',
  publishing: 'Publishing',
  published: 'Published',
  held: 'Held',
  missed: 'Missed',
  failed: 'Failed',
  needs_verification: 'Needs verification',
  cancelled: 'Cancelled',
};

export function PostScreen(): ReactNode {
  const { id = '' } = useParams();
  const session = useSignedIn();
  const post = useQuery({ queryKey: ['posts', id], queryFn: () => unwrap(api.GET('/api/posts/{id}', { params: { path: { id } } })) });
  const decisions = useQuery({
    queryKey: ['posts', id, 'decisions'],
    queryFn: () => unwrap(api.GET('/api/posts/{id}/decisions', { params: { path: { id } } })),
  });
  const channels = useQuery({ queryKey: ['channels'], queryFn: () => unwrap(api.GET('/api/channels')), staleTime: 60_000 });
  const channelName = new Map((channels.data ?? []).map((c) => [c.id, c.name]));

  if (post.isPending) {
    return <Loading label="Loading the post…" />;
  }
  if (post.isError) {
    return (
      <Stack maw={900}>
        <ErrorState error={post.error} retry={() => void post.refetch()} title="This post could not be loaded" />
        <Anchor component={Link} to="/calendar">
          Back to the calendar
        </Anchor>
      </Stack>
    );
  }
  const p = post.data;
  const live = p.deliveries.filter((d) => d.state !== 'cancelled');
  const platforms = [...new Set((live.length > 0 ? live : p.deliveries).map((d) => d.platform))] as Platform[];
  const rejection = [...(decisions.data ?? [])].reverse().find((d) => d.decision === 'rejected' && d.current);
  const mine = p.authorId === session.member.id;

  return (
    <Stack gap="md" maw={1000}>
      <Group justify="space-between" align="flex-end">
        <Stack gap={2}>
          <Title order={2}>Post</Title>
          <Group gap="xs">
            <Badge variant="light" color={STATUS_COLORS[p.status] ?? 'gray'} c="dark" data-testid="post-status">
              {STATUS_WORDS[p.status]}
            </Badge>
            <Text size="sm" c="dimmed">
              Scheduled for {formatInstant(p.scheduledAt)} · version {p.contentVersion}
              {mine ? ' · you wrote it' : ''}
            </Text>
          </Group>
        </Stack>
        <Group gap="sm">
          <Button component={Link} to="/calendar" variant="default">
            Back to the calendar
          </Button>
          {session.can('post.write') && p.status !== 'cancelled' ? (
            <Button component={Link} to={`/posts/${p.id}/edit`}>
              Edit the post
            </Button>
          ) : null}
        </Group>
      </Group>

      {rejection ? (
        <Alert color="red" variant="light" title={`Sent back by ${rejection.approverName ?? 'a former member'}`} data-testid="rejection">
          <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
            {rejection.comment}
          </Text>
          <Text size="xs" mt={4}>
            Edit the post to send a new version for sign-off.
          </Text>
        </Alert>
      ) : null}

      <Card withBorder padding="md">
        <Stack gap="sm">
          <Title order={3} size="h4">
            Content
          </Title>
          {platforms.map((platform) => (
            <Stack key={platform} gap={2}>
              <Text size="xs" fw={700}>
                {platformName(platform)}
                {p.platformText[platform] ? ' (its own text)' : ''}
              </Text>
              <Text size="sm" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
                {p.platformText[platform] ?? p.text}
              </Text>
            </Stack>
          ))}
          {platforms.length === 0 ? (
            <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
              {p.text}
            </Text>
          ) : null}
          {p.link ? (
            <Text size="sm">
              Link: <Anchor href={p.link}>{p.link}</Anchor>
            </Text>
          ) : null}
          {p.imageUrls.length > 0 ? (
            <Text size="sm">
              Images: {p.imageUrls.length} ({p.imageUrls.join(', ')})
            </Text>
          ) : null}
          {p.labels.length > 0 ? (
            <Group gap={4}>
              {p.labels.map((label) => (
                <Badge key={label} variant="outline" color="gray" c="dark">
                  {label}
                </Badge>
              ))}
            </Group>
          ) : null}
        </Stack>
      </Card>

      <Card withBorder padding="md">
        <Stack gap="sm">
          <Title order={3} size="h4">
            Deliveries
          </Title>
          {p.deliveries.length === 0 ? (
            <Text size="sm">No deliveries: a draft goes nowhere until it is filled.</Text>
          ) : (
            <Table.ScrollContainer minWidth={640}>
              <Table striped withTableBorder aria-label="Deliveries">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Channel</Table.Th>
                    <Table.Th>State</Table.Th>
                    <Table.Th>Due</Table.Th>
                    <Table.Th>Attempts</Table.Th>
                    <Table.Th>What happened</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {p.deliveries.map((d) => (
                    <Table.Tr key={d.id} data-testid="delivery">
                      <Table.Td>
                        {channelName.get(d.channelId) ?? 'Channel'} ({platformName(d.platform)})
                      </Table.Td>
                      <Table.Td>{STATE_WORDS[d.state] ?? d.state}</Table.Td>
                      <Table.Td>{formatInstant(d.dueAt)}</Table.Td>
                      <Table.Td>{d.attempts}</Table.Td>
                      <Table.Td>
                        {d.url ? <Anchor href={d.url}>Open on {platformName(d.platform)}</Anchor> : (d.lastError ?? '—')}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
        </Stack>
      </Card>

      <Card withBorder padding="md">
        <Stack gap="sm">
          <Title order={3} size="h4">
            Decisions
          </Title>
          {decisions.isPending ? (
            <Loading label="Loading the decisions…" />
          ) : decisions.isError ? (
            <ErrorState error={decisions.error} retry={() => void decisions.refetch()} title="The decisions could not be loaded" />
          ) : decisions.data.length === 0 ? (
            <Empty title="No decisions yet" hint="Approvals and rejections, with their comments, appear here." />
          ) : (
            <Timeline bulletSize={14} lineWidth={2} aria-label="Decisions, oldest first">
              {decisions.data.map((d) => (
                <Timeline.Item key={d.id} color={d.decision === 'approved' ? 'green' : 'red'} title={<DecisionTitle decision={d} />}>
                  <Text size="xs" c="dimmed">
                    {formatInstant(d.createdAt)} · on version {d.contentVersion}
                  </Text>
                  {d.comment ? (
                    <Text size="sm" mt={2} style={{ whiteSpace: 'pre-wrap' }} data-testid="decision-comment">
                      {d.comment}
                    </Text>
                  ) : null}
                </Timeline.Item>
              ))}
            </Timeline>
          )}
        </Stack>
      </Card>
    </Stack>
  );
}

function DecisionTitle({ decision }: { decision: Decision }): ReactNode {
  return (
    <Group gap="xs" data-testid="decision">
      <Text size="sm" fw={600}>
        {decision.decision === 'approved' ? 'Approved' : 'Sent back'} by {decision.approverName ?? 'a former member'}
      </Text>
      <Badge size="sm" variant={decision.current ? 'light' : 'outline'} color={decision.current ? 'blue' : 'gray'} c="dark">
        {decision.current ? 'Current version' : 'Void: the post was edited since'}
      </Badge>
    </Group>
  );
}
