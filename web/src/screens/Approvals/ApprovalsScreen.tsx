// What waits for sign-off, the longest-waiting first: the content per platform with what changed since the last
// version, approve, reject with a comment, several at once. Whether the member may sign each one off (and why not)
// is the service's answer (youMayApprove / whyNot), the same rule its approve route applies.
import { Alert, Anchor, Badge, Button, Card, Checkbox, Group, List, Modal, Stack, Text, Textarea, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { Link } from 'react-router';
import { api, ApiError, messageOf, unwrap } from '../../api/client';
import type { components } from '../../api/schema';
import { Empty, ErrorState, Loading } from '../../components/states';
import { useSignedIn } from '../../session/session';
import { formatInstant, platformName, waitedFor, type Platform } from './format';
import { WordDiff } from '../../components/WordDiff';
import { wordDiff } from '../../components/word-diff';

type QueueItem = components['schemas']['ApprovalQueueItemView'];
type Channel = components['schemas']['ChannelView'];

export const APPROVALS_KEY = ['approvals'] as const;

interface BulkResult {
  postId: string;
  label: string;
  ok: boolean;
  message: string;
}

/** A few words of the post, to name it in lists and labels. */
function postLabel(item: QueueItem): string {
  const text = item.post.text.replace(/\s+/g, ' ').trim();
  const words = text.length > 48 ? `${text.slice(0, 47)}…` : text;
  return `“${words}” by ${item.authorName ?? 'a former member'}`;
}

function useChannels(): Map<string, Channel> {
  const channels = useQuery({ queryKey: ['channels'], queryFn: () => unwrap(api.GET('/api/channels')), staleTime: 60_000 });
  return new Map((channels.data ?? []).map((c) => [c.id, c]));
}

export function ApprovalsScreen(): ReactNode {
  const session = useSignedIn();
  const mayApprove = session.can('post.approve');
  const queryClient = useQueryClient();
  const queue = useQuery({ queryKey: APPROVALS_KEY, queryFn: () => unwrap(api.GET('/api/approvals')) });
  const channels = useChannels();
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [bulk, setBulk] = useState<{ running: boolean; results: BulkResult[] } | null>(null);
  const [rejecting, setRejecting] = useState<QueueItem | null>(null);

  const refresh = async (): Promise<void> => {
    await Promise.all([queryClient.invalidateQueries({ queryKey: APPROVALS_KEY }), queryClient.invalidateQueries({ queryKey: ['posts'] })]);
  };

  const items = queue.data ?? [];
  const toggle = (id: string, on: boolean): void =>
    setSelected((current) => {
      const next = new Set(current);
      if (on) {next.add(id);}
      else {next.delete(id);}
      return next;
    });

  /** Each selected post is its own request, checked by the service as if alone; every answer is reported. */
  const approveSelected = async (): Promise<void> => {
    const chosen = items.filter((item) => selected.has(item.post.id));
    setBulk({ running: true, results: [] });
    const results: BulkResult[] = [];
    for (const item of chosen) {
      try {
        const state = await unwrap(api.POST('/api/posts/{id}/approve', { params: { path: { id: item.post.id } }, body: {} }));
        results.push({ postId: item.post.id, label: postLabel(item), ok: true, message: approvedSentence(state) });
      } catch (error) {
        results.push({ postId: item.post.id, label: postLabel(item), ok: false, message: messageOf(error) });
      }
      setBulk({ running: true, results: [...results] });
    }
    setBulk({ running: false, results });
    setSelected(new Set());
    await refresh();
  };

  return (
    <Stack gap="md" maw={1100}>
      <Group justify="space-between" align="flex-end">
        <Stack gap={2}>
          <Title order={2}>Approvals</Title>
          <Text c="dimmed" size="sm">
            What waits for sign-off, the longest-waiting first.
          </Text>
        </Stack>
        {mayApprove && items.length > 0 ? (
          <Group gap="sm">
            <Checkbox
              label="Select all"
              checked={selected.size > 0 && selected.size === items.length}
              indeterminate={selected.size > 0 && selected.size < items.length}
              onChange={(event) => setSelected(event.currentTarget.checked ? new Set(items.map((i) => i.post.id)) : new Set())}
            />
            <Button onClick={() => void approveSelected()} disabled={selected.size === 0 || bulk?.running === true} loading={bulk?.running === true}>
              Approve selected ({selected.size})
            </Button>
          </Group>
        ) : null}
      </Group>

      {!mayApprove ? (
        <Alert color="blue" variant="light" title="Read only">
          You can read what waits for sign-off. Only approvers approve or send back posts, and the service refuses anyone else.
        </Alert>
      ) : null}

      {bulk && bulk.results.length > 0 ? <BulkReport bulk={bulk} onClose={() => setBulk(null)} /> : null}

      {queue.isPending ? (
        <Loading label="Loading what waits for sign-off…" />
      ) : queue.isError ? (
        <ErrorState error={queue.error} retry={() => void queue.refetch()} />
      ) : items.length === 0 ? (
        <Empty title="Nothing waits for sign-off" hint="Posts that need an approval appear here as soon as they are submitted or edited." />
      ) : (
        <Stack gap="md" component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }} aria-label="Posts waiting for sign-off">
          {items.map((item) => (
            <li key={item.post.id}>
              <QueueCard
                item={item}
                channels={channels}
                mayApprove={mayApprove}
                memberId={session.member.id}
                selected={selected.has(item.post.id)}
                onSelect={(on) => toggle(item.post.id, on)}
                onReject={() => setRejecting(item)}
                onDecided={refresh}
              />
            </li>
          ))}
        </Stack>
      )}

      <RejectModal item={rejecting} onClose={() => setRejecting(null)} onRejected={refresh} />
    </Stack>
  );
}

function approvedSentence(state: components['schemas']['ApprovalStateView']): string {
  // Approved in full: the post reads what its deliveries came to (scheduled, held by a crisis, publishing…).
  if (!['pending_approval', 'rejected', 'draft', 'cancelled'].includes(state.post.status)) {
    return `Approved: scheduled for ${formatInstant(state.post.scheduledAt)}`;
  }
  return `Approved: ${state.given} of ${state.required} approvals`;
}

function BulkReport({ bulk, onClose }: { bulk: { running: boolean; results: BulkResult[] }; onClose: () => void }): ReactNode {
  const approved = bulk.results.filter((r) => r.ok);
  const refused = bulk.results.filter((r) => !r.ok);
  return (
    <Alert
      color={refused.length > 0 ? 'orange' : 'green'}
      variant="light"
      role="status"
      title={bulk.running ? 'Approving…' : `${approved.length} approved, ${refused.length} refused`}
      withCloseButton={!bulk.running}
      closeButtonLabel="Dismiss the results"
      onClose={onClose}
      data-testid="bulk-results"
    >
      <List size="sm" spacing={4}>
        {bulk.results.map((r) => (
          <List.Item key={r.postId} data-testid={r.ok ? 'bulk-approved' : 'bulk-refused'}>
            <Text span fw={600} size="sm">
              {r.ok ? 'Approved' : 'Refused'}
            </Text>{' '}
            <Text span size="sm">
              {r.label}: {r.message}
            </Text>
          </List.Item>
        ))}
      </List>
    </Alert>
  );
}

interface CardProps {
  item: QueueItem;
  channels: Map<string, Channel>;
  mayApprove: boolean;
  memberId: string;
  selected: boolean;
  onSelect: (on: boolean) => void;
  onReject: () => void;
  onDecided: () => Promise<void>;
}

function QueueCard({ item, channels, mayApprove, memberId, selected, onSelect, onReject, onDecided }: CardProps): ReactNode {
  const { post } = item;
  const approve = useMutation({
    mutationFn: () => unwrap(api.POST('/api/posts/{id}/approve', { params: { path: { id: post.id } }, body: {} })),
    onSuccess: async (state) => {
      notifications.show({ color: 'green', title: 'Approved', message: `${postLabel(item)}. ${approvedSentence(state)}` });
      await onDecided();
    },
  });
  const whyId = `why-not-${post.id}`;
  const headingId = `post-${post.id}`;
  const wroteIt = post.authorId === memberId || post.lastEditorId === memberId;
  // The generated type of a nullable date without `type` is loose: a string is a date, anything else none.
  const since = typeof post.submittedAt === 'string' ? post.submittedAt : post.updatedAt;
  return (
    <Card withBorder padding="md" radius="sm" aria-labelledby={headingId} component="article" data-testid="queue-item" data-post-id={post.id}>
      <Stack gap="sm">
        <Group justify="space-between" align="flex-start" wrap="nowrap">
          <Group gap="sm" align="flex-start" wrap="nowrap">
            {mayApprove ? (
              <Checkbox mt={4} aria-label={`Select ${postLabel(item)}`} checked={selected} onChange={(event) => onSelect(event.currentTarget.checked)} />
            ) : null}
            <Stack gap={2}>
              <Title order={3} size="h5" id={headingId}>
                Post by {item.authorName ?? 'a former member'}
                {item.lastEditorName && post.lastEditorId !== post.authorId ? `, last edited by ${item.lastEditorName}` : ''}
              </Title>
              <Text size="sm" c="dimmed">
                Waiting since {formatInstant(since)} ({waitedFor(since)}) · scheduled for{' '}
                {formatInstant(post.scheduledAt)}
              </Text>
            </Stack>
          </Group>
          <Group gap={6} wrap="nowrap">
            <Badge variant="light" color={item.given >= item.required ? 'green' : 'gray'} c="dark">
              {item.given} of {item.required} approvals
            </Badge>
            {item.crisis ? (
              <Badge variant="light" color="red" c="dark">
                Crisis: {item.crisis.given} of {item.crisis.required}
              </Badge>
            ) : null}
            <Badge variant="outline" color="gray" c="dark">
              Version {post.contentVersion}
            </Badge>
          </Group>
        </Group>

        <PostChanges item={item} channels={channels} />

        <Group justify="space-between" align="center">
          <Anchor component={Link} to={`/posts/${post.id}`} size="sm">
            Open the post
          </Anchor>
          {mayApprove ? (
            <Group gap="sm" align="center">
              {!item.youMayApprove && item.whyNot ? (
                <Text size="sm" id={whyId} c="dark" data-testid="why-not" maw={520}>
                  {item.whyNot}
                </Text>
              ) : null}
              <Button variant="default" color="red" onClick={onReject} disabled={!item.youMayApprove} aria-describedby={item.youMayApprove ? undefined : whyId}>
                Reject…
              </Button>
              <Button onClick={() => approve.mutate()} loading={approve.isPending} disabled={!item.youMayApprove} aria-describedby={item.youMayApprove ? undefined : whyId}>
                Approve
              </Button>
            </Group>
          ) : wroteIt && item.whyNot ? (
            <Text size="sm" c="dark" data-testid="why-not" maw={620}>
              {item.whyNot}
            </Text>
          ) : null}
        </Group>
        {approve.isError ? (
          <Alert color="red" variant="light" role="alert" title="Not approved">
            {messageOf(approve.error)}
          </Alert>
        ) : null}
      </Stack>
    </Card>
  );
}

/** The content as each platform receives it, with the words changed since the previous version marked. */
function PostChanges({ item, channels }: { item: QueueItem; channels: Map<string, Channel> }): ReactNode {
  const { post, previousVersion } = item;
  const live = post.deliveries.filter((d) => d.state !== 'cancelled');
  const platforms = [...new Set(live.map((d) => d.platform))] as Platform[];
  const textFor = (content: { text: string; platformText: Record<string, string> }, platform: Platform): string => content.platformText[platform] ?? content.text;
  return (
    <Stack gap="xs">
      <Text size="sm" fw={600} data-testid="diff-summary">
        {previousVersion
          ? `Changes since version ${previousVersion.contentVersion}: added words are underlined and highlighted, removed words struck through.`
          : post.contentVersion === 1
            ? 'First version: nothing to compare.'
            : 'The previous version was not kept, so only this one is shown.'}
      </Text>
      {platforms.length === 0 ? (
        <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
          {post.text}
        </Text>
      ) : (
        platforms.map((platform) => {
          const names = live
            .filter((d) => d.platform === platform)
            .map((d) => channels.get(d.channelId)?.name)
            .filter((n): n is string => !!n);
          const now = textFor(post, platform);
          const parts = previousVersion ? wordDiff(textFor(previousVersion, platform), now) : [{ kind: 'same' as const, text: now }];
          return (
            <Card key={platform} withBorder padding="sm" radius="sm" bg="gray.0">
              <Text size="xs" fw={700} c="dark" mb={4}>
                {platformName(platform)}
                {names.length > 0 ? ` · ${names.join(', ')}` : ''}
              </Text>
              <WordDiff parts={parts} label={`Text on ${platformName(platform)}`} />
            </Card>
          );
        })
      )}
      <ExtrasChanges item={item} />
    </Stack>
  );
}

function ExtrasChanges({ item }: { item: QueueItem }): ReactNode {
  const { post, previousVersion } = item;
  const lines: string[] = [];
  if (post.link) {lines.push(`Link: ${post.link}`);}
  if (post.imageUrls.length > 0) {lines.push(`${post.imageUrls.length} image${post.imageUrls.length === 1 ? '' : 's'}`);}
  if (previousVersion) {
    if ((previousVersion.link ?? null) !== (post.link ?? null)) {lines.push(`Link changed (was ${previousVersion.link ?? 'none'})`);}
    if (previousVersion.imageUrls.join('\n') !== post.imageUrls.join('\n')) {lines.push(`Images changed (were ${previousVersion.imageUrls.length})`);}
    const before = new Set(previousVersion.channelIds);
    const nowIds = new Set(post.deliveries.filter((d) => d.state !== 'cancelled').map((d) => d.channelId));
    if (before.size !== nowIds.size || [...nowIds].some((id) => !before.has(id))) {lines.push('Channels changed');}
  }
  if (post.labels.length > 0) {lines.push(`Labels: ${post.labels.join(', ')}`);}
  return lines.length > 0 ? (
    <Text size="sm" c="dark">
      {lines.join(' · ')}
    </Text>
  ) : null;
}

function RejectModal({ item, onClose, onRejected }: { item: QueueItem | null; onClose: () => void; onRejected: () => Promise<void> }): ReactNode {
  const [comment, setComment] = useState('');
  const [tried, setTried] = useState(false);
  const reject = useMutation({
    mutationFn: (args: { id: string; comment: string }) => unwrap(api.POST('/api/posts/{id}/reject', { params: { path: { id: args.id } }, body: { comment: args.comment } })),
    onSuccess: async () => {
      notifications.show({ color: 'orange', title: 'Sent back', message: item ? `${postLabel(item)} went back to its author with your comment.` : 'Sent back.' });
      close();
      await onRejected();
    },
  });
  const close = (): void => {
    setComment('');
    setTried(false);
    reject.reset();
    onClose();
  };
  const fieldError =
    tried && comment.trim().length === 0
      ? 'Say what must change: the author reads it'
      : reject.error instanceof ApiError
        ? (reject.error.fieldErrors.comment?.join('; ') ?? undefined)
        : undefined;
  const otherError = reject.isError && !(reject.error instanceof ApiError && reject.error.fieldErrors.comment) ? messageOf(reject.error) : null;
  return (
    <Modal opened={item !== null} onClose={close} title="Send back to the author" size="lg" closeButtonProps={{ 'aria-label': 'Close without sending back' }}>
      {item ? (
        <form
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            setTried(true);
            if (comment.trim().length > 0) {
              reject.mutate({ id: item.post.id, comment: comment.trim() });
            }
          }}
        >
          <Stack gap="sm">
            <Text size="sm">
              {postLabel(item)}. Its deliveries wait until it is edited and signed off again.
            </Text>
            <Textarea
              label="What must change"
              description="Required: the author reads this on the post."
              required
              autosize
              minRows={3}
              maxLength={2000}
              value={comment}
              onChange={(event) => setComment(event.currentTarget.value)}
              error={fieldError}
              data-autofocus
            />
            {otherError ? (
              <Alert color="red" variant="light" role="alert" title="Not sent back">
                {otherError}
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
      ) : null}
    </Modal>
  );
}
