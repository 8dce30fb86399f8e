// The post-crisis report: what the crisis held, released, published and missed, how fast the first statement went
// out, approval latencies, the campaigns it paused, the timeline and notes. Printable; Markdown to download.
import { Anchor, Button, Card, Group, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { Link, useParams } from 'react-router';
import { Empty, ErrorState, Loading } from '../../components/states';
import { platformName, type Platform } from '../../platforms';
import { useSignedIn } from '../../session/session';
import { timelineEntries } from '../Crisis/NotesAndTimeline';
import { formatAt, formatTime, scopeWords } from '../Crisis/time';
import { fetchReport, formatMoney, markdownHref, minutes, reportKey, type ReportDelivery } from './report';
import './report-print.css';

export function CrisisReportScreen(): ReactNode {
  const { id = '' } = useParams();
  const session = useSignedIn();
  const timeZone = session.workspace.timeZone;
  const report = useQuery({ queryKey: reportKey(id), queryFn: () => fetchReport(id) });
  if (report.isPending) {
    return <Loading label="Loading the crisis report…" />;
  }
  if (report.isError) {
    return <ErrorState error={report.error} retry={() => void report.refetch()} title="The crisis report could not be loaded" />;
  }
  const r = report.data;
  const { crisis, summary } = r;
  const at = (iso: string | null): string => formatAt(iso, timeZone);
  return (
    <Stack className="hf-report">
      <Group justify="space-between" align="flex-start">
        <Stack gap={4}>
          <Title order={2}>Crisis report</Title>
          <Text size="lg">{crisis.reason}</Text>
        </Stack>
        <Group className="hf-no-print">
          <Button variant="default" onClick={() => window.print()}>
            Print
          </Button>
          <Button component="a" href={markdownHref(crisis.id)} download={`crisis-report-${crisis.activatedAt.slice(0, 10)}-${crisis.id.slice(0, 8)}.md`}>
            Download Markdown
          </Button>
        </Group>
      </Group>
      <Text size="sm">
        Level {crisis.level} · {scopeWords(crisis.platforms, (p) => platformName(p as Platform))} held · playbook{' '}
        {crisis.playbook ? `“${crisis.playbook.name}”` : 'none'} · {crisis.approvalsRequired} approval{crisis.approvalsRequired === 1 ? '' : 's'} per post
        <br />
        Activated {at(crisis.activatedAt)} by {crisis.activatedBy.name} ·{' '}
        {crisis.deactivatedAt ? `ended ${at(crisis.deactivatedAt)} by ${crisis.deactivatedBy?.name ?? 'someone'} after ${minutes(crisis.durationMinutes)}` : 'still on (the report so far)'}
        {crisis.deactivationNote ? (
          <>
            <br />
            Closing note: {crisis.deactivationNote}
          </>
        ) : null}
      </Text>
      <Text size="sm" className="hf-no-print">
        Times in {timeZone}.{' '}
        <Anchor component={Link} to="/crisis">
          Back to crisis mode
        </Anchor>
      </Text>

      <SimpleGrid cols={{ base: 2, sm: 3, md: 6 }} component="section" aria-label="Summary">
        <Figure label="Time to first statement" value={r.firstStatement ? `${r.firstStatement.minutesAfterActivation} min` : 'none published'} testId="time-to-first-statement" />
        <Figure label="Held" value={summary.held} />
        <Figure label="Released" value={summary.released} />
        <Figure label="Published" value={summary.published} />
        <Figure label="Missed" value={summary.missed} />
        <Figure label="Campaigns paused" value={summary.campaignsPaused} />
      </SimpleGrid>

      <Card withBorder component="section" aria-labelledby="report-approvals">
        <Title order={3} size="h4" id="report-approvals" mb="xs">
          Approval latencies
        </Title>
        <Text size="sm" mb="xs">
          Median {minutes(r.approvals.medianMinutes)} · longest {minutes(r.approvals.maxMinutes)}
        </Text>
        {r.approvals.items.length === 0 ? (
          <Text c="dimmed">No approval was given under this crisis.</Text>
        ) : (
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Post</Table.Th>
                <Table.Th>Approver</Table.Th>
                <Table.Th>Approved</Table.Th>
                <Table.Th>Latency</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {r.approvals.items.map((a, i) => (
                <Table.Tr key={`${a.postId}-${i}`}>
                  <Table.Td>
                    <Anchor component={Link} to={`/posts/${a.postId}`}>
                      Post {a.postId.slice(0, 8)}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{a.approver}</Table.Td>
                  <Table.Td>{at(a.approvedAt)}</Table.Td>
                  <Table.Td>{minutes(a.latencyMinutes)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Card>

      <Deliveries title="Published during the crisis" items={r.deliveries.published} timeZone={timeZone} />
      <Deliveries title="Released under crisis sign-off" items={r.deliveries.released} timeZone={timeZone} />
      <Deliveries title="Held" items={r.deliveries.held} timeZone={timeZone} />
      <Deliveries title="Missed" items={r.deliveries.missed} timeZone={timeZone} />

      <Card withBorder component="section" aria-labelledby="report-campaigns">
        <Title order={3} size="h4" id="report-campaigns" mb="xs">
          Paid campaigns
        </Title>
        {r.campaigns.length === 0 ? (
          <Text c="dimmed">This crisis paused no campaign.</Text>
        ) : (
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Campaign</Table.Th>
                <Table.Th>Platform</Table.Th>
                <Table.Th>Action</Table.Th>
                <Table.Th>At</Table.Th>
                <Table.Th>Confirmed</Table.Th>
                <Table.Th>Spend at pause</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {r.campaigns.map((c, i) => (
                <Table.Tr key={`${c.campaign}-${c.action}-${i}`}>
                  <Table.Td>{c.campaign}</Table.Td>
                  <Table.Td>{c.platform}</Table.Td>
                  <Table.Td>{c.action}</Table.Td>
                  <Table.Td>{at(c.at)}</Table.Td>
                  <Table.Td>{c.confirmedAt ? at(c.confirmedAt) : 'not confirmed'}</Table.Td>
                  <Table.Td>{c.spendAtPauseMinor === null ? '—' : formatMoney(c.spendAtPauseMinor, c.currency)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Card>

      <Card withBorder component="section" aria-labelledby="report-timeline">
        <Title order={3} size="h4" id="report-timeline" mb="xs">
          Timeline
        </Title>
        <Table>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Time</Table.Th>
              <Table.Th>Who</Table.Th>
              <Table.Th>What</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {timelineEntries(r).map((e, i) => (
              <Table.Tr key={`${e.at}-${i}`}>
                <Table.Td>{formatTime(e.at, timeZone)}</Table.Td>
                <Table.Td>{e.who}</Table.Td>
                <Table.Td>
                  {e.what}
                  {e.detail ? `: ${e.detail}` : ''}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Card>

      <Card withBorder component="section" aria-labelledby="report-notes">
        <Title order={3} size="h4" id="report-notes" mb="xs">
          Lessons learned
        </Title>
        {r.notes.length === 0 ? (
          <Empty title="No notes" hint="Notes added in the crisis room appear here." />
        ) : (
          <Stack gap="xs">
            {r.notes.map((n, i) => (
              <Text key={`${n.at}-${i}`} size="sm">
                {at(n.at)} · <strong>{n.author}</strong>: {n.text}
              </Text>
            ))}
          </Stack>
        )}
      </Card>
    </Stack>
  );
}

function Figure({ label, value, testId }: { label: string; value: ReactNode; testId?: string }): ReactNode {
  return (
    <Card withBorder padding="sm" data-testid={testId}>
      <Text size="sm">{label}</Text>
      <Text size="xl" fw={700}>
        {value}
      </Text>
    </Card>
  );
}

function Deliveries({ title, items, timeZone }: { title: string; items: ReportDelivery[]; timeZone: string }): ReactNode {
  const headingId = `report-${title.replace(/\W+/g, '-').toLowerCase()}`;
  return (
    <Card withBorder component="section" aria-labelledby={headingId}>
      <Title order={3} size="h4" id={headingId} mb="xs">
        {title} ({items.length})
      </Title>
      {items.length === 0 ? (
        <Text c="dimmed">None.</Text>
      ) : (
        <Table>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Post</Table.Th>
              <Table.Th>Channel</Table.Th>
              <Table.Th>Due</Table.Th>
              <Table.Th>State</Table.Th>
              <Table.Th>Published</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((d) => (
              <Table.Tr key={d.deliveryId}>
                <Table.Td>
                  <Anchor component={Link} to={`/posts/${d.postId}`}>
                    {d.replacement ? 'Replacement post' : 'Post'} {d.postId.slice(0, 8)}
                  </Anchor>
                  <Text size="sm" lineClamp={2}>
                    {d.text}
                  </Text>
                </Table.Td>
                <Table.Td>
                  {d.channel} ({platformName(d.platform as Platform)})
                </Table.Td>
                <Table.Td>{formatAt(d.dueAt, timeZone)}</Table.Td>
                <Table.Td>{d.state}</Table.Td>
                <Table.Td>{formatAt(d.publishedAt, timeZone)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Card>
  );
}
