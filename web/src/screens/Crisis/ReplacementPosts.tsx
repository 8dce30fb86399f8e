// The playbook's replacement posts, first in the room: what they say, where they go, who has signed them off under
// the crisis and who may; drafts waiting for placeholder values take them here.
import { Alert, Anchor, Badge, Button, Card, Group, Modal, Stack, Text, Textarea, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { Link } from 'react-router';
import { api, ApiError, messageOf, unwrap } from '../../api/client';
import type { components } from '../../api/schema';
import { Empty } from '../../components/states';
import { platformName } from '../../platforms';
import { useSignedIn } from '../../session/session';
import { shortText, useApprove, useReject, useRoomRefresh, type Verdict } from './decisions';

type ReplacementPost = components['schemas']['RoomReplacementPostView'];

const STATUS_WORDS: Record<string, string> = {
  draft: 'draft: waits for values',
  pending_approval: 'waits for sign-off',
  scheduled: 'approved',
  held: 'approved, held',
  publishing: 'publishing',
  partly_published: 'partly published',
  needs_verification: 'needs verification',
  missed: 'missed',
  failed: 'failed',
  rejected: 'sent back',
  cancelled: 'withdrawn',
};

export function ReplacementPosts(props: { crisisId: string; posts: ReplacementPost[]; required: number; verdicts: Map<string, Verdict> }): ReactNode {
  const channels = useQuery({ queryKey: ['channels'], queryFn: () => unwrap(api.GET('/api/channels')), staleTime: 60_000 });
  const channelName = (id: string): string => {
    const c = (channels.data ?? []).find((ch) => ch.id === id);
    return c ? `${c.name} (${platformName(c.platform)})` : 'a channel';
  };
  return (
    <Card withBorder component="section" aria-labelledby="room-replacements">
      <Title order={3} id="room-replacements" size="h4" mb="xs">
        Replacement posts to approve first
      </Title>
      {props.posts.length === 0 ? (
        <Empty title="No replacement post" hint="The playbook staged none; write a statement from Compose and it waits for crisis sign-off." />
      ) : (
        <Stack>
          {props.posts.map((post) => (
            <ReplacementCard
              key={post.id}
              crisisId={props.crisisId}
              post={post}
              required={props.required}
              verdict={props.verdicts.get(post.id)}
              channelName={channelName}
            />
          ))}
        </Stack>
      )}
    </Card>
  );
}

function ReplacementCard({
  crisisId,
  post,
  required,
  verdict,
  channelName,
}: {
  crisisId: string;
  post: ReplacementPost;
  required: number;
  verdict: Verdict | undefined;
  channelName: (id: string) => string;
}): ReactNode {
  const session = useSignedIn();
  const approve = useApprove(crisisId);
  const [rejecting, setRejecting] = useState(false);
  const label = shortText(post.text);
  const channelIds = post.draft ? post.draft.channelIds : [...new Set(post.deliveries.map((d) => d.channelId))];
  const waiting = post.status === 'pending_approval';
  const given = post.crisisApprovals;
  const published = post.deliveries.some((d) => d.state === 'published');
  return (
    <Card withBorder padding="sm" data-testid="replacement-post" aria-label={`Replacement post ${label}`} component="article">
      <Stack gap="xs">
        <Group justify="space-between">
          <Badge color={published ? 'green' : post.status === 'draft' ? 'gray' : 'blue'} c={post.status === 'draft' ? 'dark' : undefined}>
            {published ? 'published' : (STATUS_WORDS[post.status] ?? post.status)}
          </Badge>
          <Text size="sm">To {channelIds.map(channelName).join(', ') || 'no channel'}</Text>
        </Group>
        <Text style={{ whiteSpace: 'pre-wrap' }}>{post.text}</Text>
        {post.status === 'draft' && post.draft ? <FillDraft crisisId={crisisId} post={post} /> : null}
        <Text size="sm">
          Crisis approvals: {given.length} of {required}
          {given.length > 0 ? ` (${given.map((g) => g.approverName).join(', ')})` : ''}
        </Text>
        {waiting && verdict && !verdict.youMayApprove && verdict.whyNot ? (
          <Text size="sm" c="dimmed" data-testid="why-not">
            You cannot sign this off: {verdict.whyNot}
          </Text>
        ) : null}
        {waiting || post.status === 'draft' ? (
          <Group>
            {waiting && session.can('post.approve') && verdict?.youMayApprove !== false ? (
              <Button size="xs" aria-label={`Approve ${label}`} loading={approve.isPending} onClick={() => approve.mutate({ postId: post.id, label })}>
                Approve
              </Button>
            ) : null}
            {waiting && session.can('post.approve') && verdict?.youMayApprove !== false ? (
              <Button size="xs" variant="default" aria-label={`Reject ${label}…`} onClick={() => setRejecting(true)}>
                Reject…
              </Button>
            ) : null}
            {session.can('post.write') ? (
              <Anchor component={Link} to={`/posts/${post.id}/edit`} size="sm">
                Edit the text
              </Anchor>
            ) : null}
          </Group>
        ) : null}
      </Stack>
      <RejectModal crisisId={crisisId} postId={post.id} label={label} opened={rejecting} onClose={() => setRejecting(false)} />
    </Card>
  );
}

export function RejectModal({ crisisId, postId, label, opened, onClose }: { crisisId: string; postId: string; label: string; opened: boolean; onClose: () => void }): ReactNode {
  const reject = useReject(crisisId);
  const [comment, setComment] = useState('');
  const fieldError = reject.error instanceof ApiError ? reject.error.fieldErrors.comment?.join(' ') : undefined;
  return (
    <Modal opened={opened} onClose={onClose} title={`Send back ${label}`}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          reject.mutate({ postId, comment }, { onSuccess: () => { setComment(''); onClose(); } });
        }}
      >
        <Stack>
          <Textarea label="Comment for the author" required value={comment} onChange={(e) => setComment(e.currentTarget.value)} error={fieldError} autosize minRows={3} />
          {reject.isError && !fieldError ? (
            <Alert color="red" role="alert">
              {messageOf(reject.error)}
            </Alert>
          ) : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Keep it
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

/** A draft replacement post misses placeholder values: a person gives them, and it then waits for sign-off. */
function FillDraft({ crisisId, post }: { crisisId: string; post: ReplacementPost }): ReactNode {
  const session = useSignedIn();
  const refresh = useRoomRefresh(crisisId);
  const missing = post.draft?.missing ?? [];
  const [values, setValues] = useState<Record<string, string>>({});
  const fill = useMutation({
    mutationFn: () => unwrap(api.POST('/api/posts/{id}/placeholder-values', { params: { path: { id: post.id } }, body: { placeholderValues: values } })),
    onSuccess: () => notifications.show({ color: 'green', title: 'Values given', message: 'The replacement post now waits for crisis sign-off.' }),
    onSettled: refresh,
  });
  if (!session.can('post.write')) {
    return <Text size="sm">It waits for: {missing.map((m) => `${m.name} (${m.description})`).join(', ')}.</Text>;
  }
  const errors = fill.error instanceof ApiError ? fill.error.fieldErrors : {};
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        fill.mutate();
      }}
    >
      <Stack gap="xs">
        <Text size="sm">It misses these values before it can be approved:</Text>
        {missing.map((m) => (
          <TextInput
            key={m.name}
            label={m.name}
            description={m.description}
            required
            value={values[m.name] ?? ''}
            onChange={(e) => {
              const value = e.currentTarget.value;
              setValues((v) => ({ ...v, [m.name]: value }));
            }}
            error={errors[`placeholderValues.${m.name}`]?.join(' ')}
          />
        ))}
        {fill.isError ? (
          <Alert color="red" role="alert">
            {messageOf(fill.error)}
          </Alert>
        ) : null}
        <Group>
          <Button type="submit" size="xs" loading={fill.isPending}>
            Fill in the draft
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
