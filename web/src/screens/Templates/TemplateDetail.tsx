// One template: its latest version, four-eyes approval (never by the version's author: the service refuses it too),
// what changed between two versions, a preview filled with values, the version history, and archiving.
import { Alert, Anchor, Badge, Button, Card, Group, List, Modal, Select, Stack, Table, Text, Textarea, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent, type ReactNode } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { api, ApiError, messageOf, unwrap } from '../../api/client';
import type { components } from '../../api/schema';
import { OneThing } from '../../components/states';
import { WordDiff } from '../../components/WordDiff';
import { changed, wordDiff } from '../../components/word-diff';
import { PLATFORMS, platformName, type Platform } from '../../platforms';
import { useSignedIn } from '../../session/session';
import { ConfirmModal } from '../Members/ConfirmModal';
import { useTemplate } from './TemplatesScreen';
import {
  formatInstant,
  latestOf,
  STATUS_COLORS,
  STATUS_LABELS,
  TEMPLATES_KEY,
  versionLabel,
  zoneOf,
  type TemplateVersionView,
  type TemplateView,
} from './templates-data';

type Preview = components['schemas']['TemplatePreviewView'];

export function TemplateDetail(): ReactNode {
  const { id = '' } = useParams();
  return (
    <OneThing query={useTemplate(id)} loading="Loading the template…" failed="This template could not be loaded" back={{ to: '/templates', label: 'Back to the templates' }}>
      {(data) => <TemplatePage template={data} />}
    </OneThing>
  );
}

function TemplatePage({ template }: { template: TemplateView }): ReactNode {
  const session = useSignedIn();
  const timeZone = zoneOf(session.workspace);
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const latest = latestOf(template);
  const live = !template.archivedAt;
  const [archiving, setArchiving] = useState(false);
  const archive = useMutation({
    mutationFn: () => unwrap(api.DELETE('/api/templates/{id}', { params: { path: { id: template.id } } })),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: TEMPLATES_KEY });
      notifications.show({ closeButtonProps: { 'aria-label': 'Dismiss' }, color: 'green', title: 'Archived', message: `${template.name} can no longer be used; its history stays.` });
      setArchiving(false);
      await navigate('/templates');
    },
  });

  return (
    <Stack gap="lg" maw={1000}>
      <Anchor component={Link} to="/templates" size="sm">
        Back to the templates
      </Anchor>
      <Group justify="space-between" align="flex-start">
        <Stack gap={4}>
          <Title order={2}>{template.name}</Title>
          <Group gap={6}>
            <Text size="sm">Latest: version {latest.version}</Text>
            <Badge variant="light" color={STATUS_COLORS[latest.status]} c="dark" data-testid="template-status">
              {STATUS_LABELS[latest.status]}
            </Badge>
            {template.archivedAt ? (
              <Badge variant="outline" color="gray" c="dark">
                Archived {formatInstant(template.archivedAt, timeZone)}
              </Badge>
            ) : null}
          </Group>
          <Text size="sm" c="dimmed">
            {template.approvedVersions.length > 0 ? `Usable in playbooks: version ${template.approvedVersions.join(', ')}.` : 'No version can be used yet: one must be approved first.'}
          </Text>
        </Stack>
        {live && session.can('templates.write') ? (
          <Group>
            <Button component={Link} to={`/templates/${template.id}/edit`}>
              Edit
            </Button>
            <Button variant="default" color="red" onClick={() => setArchiving(true)}>
              Archive…
            </Button>
          </Group>
        ) : null}
      </Group>

      <VersionCard version={latest} heading={`${versionLabel(latest)}, ${formatInstant(latest.createdAt, timeZone)}`} />

      {live ? <Approval template={template} version={latest} /> : null}

      <Changes template={template} />
      <PreviewPanel template={template} />
      <History template={template} timeZone={timeZone} />

      <ConfirmModal
        opened={archiving}
        title={`Archive ${template.name}?`}
        confirmLabel="Archive"
        onConfirm={() => archive.mutate()}
        onCancel={() => {
          archive.reset();
          setArchiving(false);
        }}
        pending={archive.isPending}
        error={archive.error}
      >
        None of its versions can be used any more, and a playbook that stages it will not stage it. Its history stays in the audit trail.
      </ConfirmModal>
    </Stack>
  );
}

function VersionCard({ version, heading }: { version: TemplateVersionView; heading: string }): ReactNode {
  const own = PLATFORMS.filter((p) => typeof version.variants[p] === 'string');
  return (
    <Card withBorder padding="md" radius="sm" component="section" aria-label="Latest version" data-testid="latest-version">
      <Stack gap="sm">
        <Title order={3} size="h5">
          {heading}
        </Title>
        <Text size="sm" style={{ whiteSpace: 'pre-wrap' }} data-testid="version-body">
          {version.body}
        </Text>
        {own.map((platform) => (
          <Stack key={platform} gap={2}>
            <Text size="xs" fw={700}>
              On {platformName(platform)} instead
            </Text>
            <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
              {version.variants[platform]}
            </Text>
          </Stack>
        ))}
        <Stack gap={2}>
          <Text size="xs" fw={700}>
            Placeholders
          </Text>
          {version.placeholders.length === 0 ? (
            <Text size="sm">None: the text goes out as written.</Text>
          ) : (
            <List size="sm" spacing={2}>
              {version.placeholders.map((p) => (
                <List.Item key={p.name}>
                  <Text span size="sm" ff="monospace">{`{{${p.name}}}`}</Text>
                  {`: ${p.description}${p.required ? ' (required)' : ' (optional: left out, it is filled with nothing)'}`}
                </List.Item>
              ))}
            </List>
          )}
        </Stack>
      </Stack>
    </Card>
  );
}

/** Approve or reject the latest version; the author of a version reads why they cannot. */
function Approval({ template, version }: { template: TemplateView; version: TemplateVersionView }): ReactNode {
  const session = useSignedIn();
  const queryClient = useQueryClient();
  const [comment, setComment] = useState('');
  const [rejecting, setRejecting] = useState(false);
  const approve = useMutation({
    mutationFn: () =>
      unwrap(api.POST('/api/templates/{id}/approve', { params: { path: { id: template.id } }, body: { version: version.version, ...(comment.trim() ? { comment: comment.trim() } : {}) } })),
    onSuccess: async () => {
      setComment('');
      await queryClient.invalidateQueries({ queryKey: TEMPLATES_KEY });
      notifications.show({ closeButtonProps: { 'aria-label': 'Dismiss' }, color: 'green', title: 'Approved', message: `Version ${version.version} of ${template.name} can now be used in playbooks.` });
    },
  });
  const wrote = version.authorId === session.member.id;
  const whyNot = wrote ? `Four eyes: you wrote version ${version.version}, so another approver must approve it.` : null;

  if (!session.can('templates.approve')) {
    if (version.status !== 'pending') {
      return null;
    }
    return (
      <Alert color="blue" variant="light" title="Waiting for approval" data-testid="approval-note">
        {wrote
          ? `You wrote version ${version.version}: an approver who did not write it must approve it before it can be used.`
          : `Version ${version.version} waits for an approver who did not write it. Only approvers approve templates.`}
      </Alert>
    );
  }
  if (version.status === 'rejected') {
    return null;
  }
  return (
    <Card withBorder padding="md" radius="sm" component="section" aria-labelledby="approval-title">
      <Stack gap="sm">
        <Title order={3} size="h5" id="approval-title">
          {version.status === 'pending' ? `Approve version ${version.version}` : `Version ${version.version} is approved`}
        </Title>
        {whyNot ? (
          <Text size="sm" id="why-not" data-testid="why-not">
            {whyNot}
          </Text>
        ) : version.status === 'pending' ? (
          <Text size="sm" c="dimmed">
            Read the changes and the preview below: your approval covers this exact text and nothing else.
          </Text>
        ) : (
          <Text size="sm" c="dimmed">
            Withdrawing the approval stops playbooks from staging this version.
          </Text>
        )}
        {version.status === 'pending' ? (
          <TextInput label="Comment" description="Optional, for the author." maxLength={2000} value={comment} onChange={(e) => setComment(e.currentTarget.value)} disabled={wrote} />
        ) : null}
        <Group justify="flex-end">
          <Button variant="default" color="red" onClick={() => setRejecting(true)} disabled={wrote} aria-describedby={wrote ? 'why-not' : undefined}>
            {version.status === 'pending' ? 'Reject…' : 'Withdraw approval…'}
          </Button>
          {version.status === 'pending' ? (
            <Button onClick={() => approve.mutate()} loading={approve.isPending} disabled={wrote} aria-describedby={wrote ? 'why-not' : undefined}>
              Approve version {version.version}
            </Button>
          ) : null}
        </Group>
        {approve.isError ? (
          <Alert color="red" variant="light" role="alert" title="Not approved">
            {messageOf(approve.error)}
          </Alert>
        ) : null}
      </Stack>
      <RejectModal template={template} version={version} opened={rejecting} onClose={() => setRejecting(false)} />
    </Card>
  );
}

function RejectModal({ template, version, opened, onClose }: { template: TemplateView; version: TemplateVersionView; opened: boolean; onClose: () => void }): ReactNode {
  const queryClient = useQueryClient();
  const [comment, setComment] = useState('');
  const [tried, setTried] = useState(false);
  const reject = useMutation({
    mutationFn: () => unwrap(api.POST('/api/templates/{id}/reject', { params: { path: { id: template.id } }, body: { version: version.version, comment: comment.trim() } })),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: TEMPLATES_KEY });
      notifications.show({ closeButtonProps: { 'aria-label': 'Dismiss' }, color: 'orange', title: 'Sent back', message: `Version ${version.version} of ${template.name} went back to its author with your comment.` });
      close();
    },
  });
  const close = (): void => {
    setComment('');
    setTried(false);
    reject.reset();
    onClose();
  };
  const fieldError =
    tried && comment.trim() === '' ? 'Say what must change: the author reads it' : reject.error instanceof ApiError ? reject.error.fieldErrors.comment?.join('; ') : undefined;
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    setTried(true);
    if (comment.trim() !== '') {
      reject.mutate();
    }
  };
  return (
    <Modal opened={opened} onClose={close} title={`Send version ${version.version} back`} size="lg" closeButtonProps={{ 'aria-label': 'Close without sending back' }}>
      <form noValidate onSubmit={submit}>
        <Stack gap="sm">
          <Text size="sm">
            {version.status === 'approved'
              ? 'The approval is withdrawn: playbooks no longer stage this version. '
              : 'This version can then no longer be approved; an edit makes a new version. '}
          </Text>
          <Textarea label="What must change" required autosize minRows={3} maxLength={2000} value={comment} onChange={(e) => setComment(e.currentTarget.value)} error={fieldError} data-autofocus />
          {reject.isError && !fieldError ? (
            <Alert color="red" variant="light" role="alert" title="Not sent back">
              {messageOf(reject.error)}
            </Alert>
          ) : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" color="red" loading={reject.isPending}>
              Send back
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** What changed from one version to another, word by word, in the body, each platform's text and the placeholders. */
function Changes({ template }: { template: TemplateView }): ReactNode {
  const numbers = template.versions.map((v) => v.version);
  const [to, setTo] = useState<number>(template.currentVersion);
  const [from, setFrom] = useState<number>(Math.max(1, template.currentVersion - 1));
  const versionOf = (n: number): TemplateVersionView | undefined => template.versions.find((v) => v.version === n);
  const after = versionOf(to);
  const before = versionOf(from);
  if (numbers.length < 2) {
    return (
      <Card withBorder padding="md" radius="sm" component="section" aria-labelledby="changes-title">
        <Title order={3} size="h5" id="changes-title">
          Changes
        </Title>
        <Text size="sm" c="dimmed">
          Only version 1 exists: nothing to compare yet.
        </Text>
      </Card>
    );
  }
  const options = numbers.map((n) => ({ value: String(n), label: `Version ${n}` }));
  const platforms = PLATFORMS.filter((p) => typeof before?.variants[p] === 'string' || typeof after?.variants[p] === 'string');
  const textOn = (v: TemplateVersionView, p: Platform): string => v.variants[p] ?? v.body;
  const placeholderLines = before && after ? placeholderChanges(before, after) : [];
  return (
    <Card withBorder padding="md" radius="sm" component="section" aria-labelledby="changes-title" data-testid="template-diff">
      <Stack gap="sm">
        <Title order={3} size="h5" id="changes-title">
          Changes
        </Title>
        <Group>
          <Select label="From" data={options} value={String(from)} onChange={(v) => v && setFrom(Number(v))} allowDeselect={false} w={160} />
          <Select label="To" data={options} value={String(to)} onChange={(v) => v && setTo(Number(v))} allowDeselect={false} w={160} />
        </Group>
        <Text size="sm" fw={600} data-testid="diff-summary">
          {before && after
            ? `Changes from version ${from} to version ${to}: added words are underlined and highlighted, removed words struck through.`
            : 'Choose two versions.'}
        </Text>
        {before && after ? (
          <>
            <Stack gap={2}>
              <Text size="xs" fw={700}>
                Text{platforms.length > 0 ? ' (platforms without a text of their own)' : ''}
              </Text>
              <WordDiff parts={wordDiff(before.body, after.body)} label={`Text, version ${from} to ${to}`} />
            </Stack>
            {platforms.map((p) => {
              const parts = wordDiff(textOn(before, p), textOn(after, p));
              return (
                <Stack key={p} gap={2}>
                  <Text size="xs" fw={700}>
                    On {platformName(p)}
                    {changed(parts) ? '' : ' (unchanged)'}
                  </Text>
                  <WordDiff parts={parts} label={`Text on ${platformName(p)}, version ${from} to ${to}`} />
                </Stack>
              );
            })}
            {before.name !== after.name ? <Text size="sm">{`Renamed from “${before.name}” to “${after.name}”.`}</Text> : null}
            {placeholderLines.length > 0 ? (
              <List size="sm" spacing={2} aria-label="Placeholder changes">
                {placeholderLines.map((line) => (
                  <List.Item key={line}>{line}</List.Item>
                ))}
              </List>
            ) : (
              <Text size="sm" c="dimmed">
                Placeholders unchanged.
              </Text>
            )}
          </>
        ) : null}
      </Stack>
    </Card>
  );
}

function placeholderChanges(before: TemplateVersionView, after: TemplateVersionView): string[] {
  const lines: string[] = [];
  for (const p of after.placeholders) {
    const was = before.placeholders.find((b) => b.name === p.name);
    if (!was) {
      lines.push(`Added {{${p.name}}}: ${p.description}`);
    } else if (was.description !== p.description || was.required !== p.required) {
      lines.push(`{{${p.name}}} now: ${p.description}${p.required ? ' (required)' : ' (optional)'}`);
    }
  }
  for (const p of before.placeholders) {
    if (!after.placeholders.some((a) => a.name === p.name)) {
      lines.push(`Removed {{${p.name}}}`);
    }
  }
  return lines;
}

/** The latest version filled with values, as each platform would receive it; the service checks the limits. */
function PreviewPanel({ template }: { template: TemplateView }): ReactNode {
  const latest = latestOf(template);
  const [values, setValues] = useState<Record<string, string>>({});
  const preview = useMutation({
    mutationFn: (): Promise<Preview> =>
      unwrap(
        api.POST('/api/templates/{id}/preview', {
          params: { path: { id: template.id } },
          body: { version: latest.version, values: Object.fromEntries(Object.entries(values).filter(([, v]) => v !== '')) },
        }),
      ),
  });
  const fieldError = (name: string): string | undefined =>
    preview.error instanceof ApiError ? preview.error.details.filter((d) => d.startsWith(`values.${name} `)).join('; ') || undefined : undefined;
  return (
    <Card withBorder padding="md" radius="sm" component="section" aria-labelledby="preview-title">
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          preview.mutate();
        }}
      >
        <Stack gap="sm">
          <Title order={3} size="h5" id="preview-title">
            Preview version {latest.version}
          </Title>
          <Text size="sm" c="dimmed">
            Fill the placeholders to read the text as each platform would receive it. Nothing is saved or sent.
          </Text>
          {latest.placeholders.map((p) => (
            <TextInput
              key={p.name}
              label={`{{${p.name}}}`}
              description={`${p.description}${p.required ? '' : ' (optional)'}`}
              required={p.required}
              maxLength={5000}
              value={values[p.name] ?? ''}
              onChange={(e) => {
                const value = e.currentTarget.value;
                setValues((current) => ({ ...current, [p.name]: value }));
              }}
              error={fieldError(p.name)}
            />
          ))}
          <Group>
            <Button type="submit" variant="default" loading={preview.isPending}>
              Preview
            </Button>
          </Group>
          {preview.isError && !latest.placeholders.some((p) => fieldError(p.name)) ? (
            <Alert color="red" variant="light" role="alert" title="No preview">
              {messageOf(preview.error)}
            </Alert>
          ) : null}
          {preview.data ? (
            <Table verticalSpacing="xs" data-testid="preview-result">
              <Table.Caption>{preview.data.usable ? 'This version can be used in playbooks.' : 'This version cannot be used until it is approved.'}</Table.Caption>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Platform</Table.Th>
                  <Table.Th>Text it receives</Table.Th>
                  <Table.Th>Length</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {preview.data.platforms.map((p) => (
                  <Table.Tr key={p.platform}>
                    <Table.Td>{platformName(p.platform)}</Table.Td>
                    <Table.Td style={{ whiteSpace: 'pre-wrap' }}>{p.text}</Table.Td>
                    <Table.Td>
                      {p.length} of {p.limit} {p.unit}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          ) : null}
        </Stack>
      </form>
    </Card>
  );
}

function History({ template, timeZone }: { template: TemplateView; timeZone?: string }): ReactNode {
  return (
    <Stack gap="xs" component="section" aria-labelledby="history-title">
      <Title order={3} size="h5" id="history-title">
        Version history
      </Title>
      <Stack gap="xs" component="ol" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
        {template.versions.map((v) => (
          <Card key={v.version} component="li" withBorder padding="sm" radius="sm" data-testid="version-entry" data-version={v.version}>
            <Group gap={6}>
              <Text size="sm" fw={600}>
                {versionLabel(v)}
              </Text>
              <Text size="sm" c="dimmed">
                {formatInstant(v.createdAt, timeZone)}
              </Text>
              <Badge variant="light" color={STATUS_COLORS[v.status]} c="dark">
                {STATUS_LABELS[v.status]}
              </Badge>
            </Group>
            {v.decisions.map((d) => (
              <Text key={`${d.approverId}-${d.createdAt}`} size="sm" data-testid="version-decision">
                {d.decision === 'approved' ? 'Approved' : 'Sent back'} by {d.approverName ?? 'a former member'} on {formatInstant(d.createdAt, timeZone)}
                {d.comment ? `: “${d.comment}”` : ''}
              </Text>
            ))}
          </Card>
        ))}
      </Stack>
    </Stack>
  );
}
