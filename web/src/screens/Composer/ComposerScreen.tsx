// The composer (/compose) and the editor of a saved post (/posts/:id/edit): loads the channels (and the post), hands
// them to the form, sends what it gives back, and after a save tells the writer and goes to the calendar.
import { Alert, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import { Empty, ErrorState, Loading } from '../../components/states';
import { useSignedIn } from '../../session/session';
import { ComposerForm, WARNING } from './ComposerForm';
import { createBody, draftOf, emptyDraft, updateBody, type ChannelView, type Draft, type FieldErrors, type PostView } from './draft';
import { serviceFieldErrors } from './service-errors';
import { browserTimeZone, isTimeZone, showInstant, wallTimeOf } from './zoned-time';

/** Delivery states after which a post's content can no longer change (the service refuses the edit). */
const SENT = new Set(['publishing', 'published', 'needs_verification']);

export function ComposerScreen(): ReactNode {
  const session = useSignedIn();
  const { id } = useParams();
  // The workspace's own zone once the service has one (another part of this issue adds it), else this browser's.
  const workspaceZone = (session.workspace as { timeZone?: string | null }).timeZone ?? browserTimeZone();
  const editing = id !== undefined;

  if (!session.can('post.write')) {
    return (
      <Empty
        title="You cannot compose posts"
        hint="Writing and editing posts needs the marketer or crisis lead role. Ask an admin of your workspace if you need it."
        action={
          <Text size="sm">
            <Link to="/calendar">Back to the calendar</Link>
          </Text>
        }
      />
    );
  }
  return (
    <Stack gap="md">
      <Title order={2}>{editing ? 'Edit post' : 'New post'}</Title>
      {editing ? <EditPost id={id} workspaceZone={workspaceZone} /> : <NewPost workspaceZone={workspaceZone} />}
    </Stack>
  );
}

function useChannels() {
  return useQuery({ queryKey: ['channels'], queryFn: () => unwrap(api.GET('/api/channels')) as Promise<ChannelView[]> });
}

/** The service's refusals, by field, kept until the writer changes that field. */
function useServiceErrors(): [FieldErrors, (errors: FieldErrors) => void, (fields: string[]) => void] {
  const [errors, setErrors] = useState<FieldErrors>({});
  const clear = (fields: string[]): void => {
    if (fields.some((field) => errors[field] !== undefined) || errors.form !== undefined) {
      setErrors((current) => {
        const next = { ...current };
        for (const field of [...fields, 'form']) {
          delete next[field];
        }
        return next;
      });
    }
  };
  return [errors, setErrors, clear];
}

function overriddenOf(draft: Draft): Set<string> {
  return new Set(Object.keys(draft.platformText));
}

function ChannelsMissing(): ReactNode {
  return <Empty title="No channels to publish to" hint="An admin connects the workspace's social accounts first; then they show here to choose from." />;
}

/**
 * A new post's form, with the date and time the link gives: /compose?date=2027-03-10&time=09:30&timeZone=Europe/Madrid
 * (the calendar's "new post on this day"); each is optional.
 */
function initialDraft(params: URLSearchParams, workspaceZone: string): Draft {
  const zone = params.get('timeZone');
  const draft = emptyDraft(zone && isTimeZone(zone) ? zone : workspaceZone);
  const date = params.get('date') ?? '';
  const time = params.get('time') ?? '';
  return { ...draft, wall: { date: /^\d{4}-\d{2}-\d{2}$/.test(date) ? date : '', time: /^\d{2}:\d{2}$/.test(time) ? time : '' } };
}

function NewPost({ workspaceZone }: { workspaceZone: string }): ReactNode {
  const channels = useChannels();
  const [params] = useSearchParams();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [serviceErrors, setServiceErrors, clearErrors] = useServiceErrors();
  const create = useMutation({
    mutationFn: (draft: Draft) => unwrap(api.POST('/api/posts', { body: createBody(draft, channels.data ?? []) })),
    onSuccess: async (post) => {
      await queryClient.invalidateQueries({ queryKey: ['posts'] });
      announce(post, workspaceZone, 'created');
      void navigate('/calendar');
    },
    onError: (error, draft) => {
      setServiceErrors(serviceFieldErrors(error, overriddenOf(draft)));
      // A channel may have been disconnected meanwhile: show the list as it is now.
      void queryClient.invalidateQueries({ queryKey: ['channels'] });
    },
  });

  if (channels.isPending) {
    return <Loading label="Loading the channels…" />;
  }
  if (channels.isError) {
    return <ErrorState error={channels.error} retry={() => void channels.refetch()} title="The channels could not be loaded" />;
  }
  if (channels.data.length === 0) {
    return <ChannelsMissing />;
  }
  return (
    <ComposerForm
      channels={channels.data}
      initial={initialDraft(params, workspaceZone)}
      workspaceZone={workspaceZone}
      saving={create.isPending}
      serviceErrors={serviceErrors}
      onFieldChanged={clearErrors}
      onSubmit={(draft) => create.mutate(draft)}
      onCancel={() => void navigate('/calendar')}
    />
  );
}

function EditPost({ id, workspaceZone }: { id: string; workspaceZone: string }): ReactNode {
  const channels = useChannels();
  const post = useQuery({ queryKey: ['posts', id], queryFn: () => unwrap(api.GET('/api/posts/{id}', { params: { path: { id } } })) });
  const policy = useQuery({ queryKey: ['approval-policy'], queryFn: () => unwrap(api.GET('/api/approval-policy')) });
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [serviceErrors, setServiceErrors, clearErrors] = useServiceErrors();
  const save = useMutation({
    mutationFn: ({ draft, original }: { draft: Draft; original: Draft }) =>
      unwrap(api.PATCH('/api/posts/{id}', { params: { path: { id } }, body: updateBody(draft, channels.data ?? [], original) })),
    onSuccess: async (saved) => {
      queryClient.setQueryData(['posts', id], saved);
      await queryClient.invalidateQueries({ queryKey: ['posts'] });
      await queryClient.invalidateQueries({ queryKey: ['approvals'] });
      announce(saved, workspaceZone, 'saved');
      void navigate('/calendar');
    },
    onError: (error, { draft }) => {
      setServiceErrors(serviceFieldErrors(error, overriddenOf(draft)));
      void queryClient.invalidateQueries({ queryKey: ['channels'] });
    },
  });

  if (channels.isPending || post.isPending || policy.isPending) {
    return <Loading label="Loading the post…" />;
  }
  if (post.isError) {
    return <ErrorState error={post.error} retry={() => void post.refetch()} title="The post could not be loaded" />;
  }
  if (channels.isError) {
    return <ErrorState error={channels.error} retry={() => void channels.refetch()} title="The channels could not be loaded" />;
  }
  const saved: PostView = post.data;
  if (saved.status === 'cancelled') {
    return <Empty title="This post is cancelled" hint="A cancelled post cannot be edited; compose a new one." />;
  }
  const original = draftOf(saved, wallTimeOf(new Date(saved.scheduledAt), saved.timeZone));
  const sent = saved.deliveries.filter((delivery) => SENT.has(delivery.state));
  // The service sends an edited post back to approval when the workspace asks for approvals, when it waits for them
  // or was sent back, and when it is a crisis statement: its approvals (given or pending) are then void.
  const voidsApprovals =
    saved.status === 'pending_approval' || saved.status === 'rejected' || saved.crisisId !== null || (policy.data?.approvalsRequired ?? 0) > 0;
  return (
    <Stack gap="md">
      {sent.length > 0 ? (
        <Alert {...WARNING} title="Already sent on some channels">
          <Text size="sm">
            This post is {sent.map((delivery) => `${delivery.state.replace('_', ' ')} on ${delivery.platform}`).join(', ')}: its content can no longer change; you can still
            move it or relabel it.
          </Text>
        </Alert>
      ) : null}
      {policy.isError ? (
        <Alert {...WARNING} title="The approval policy could not be loaded">
          <Text size="sm">Whether this edit voids approvals is not known; the service decides when you save.</Text>
        </Alert>
      ) : null}
      <ComposerForm
        key={`${saved.id}:${saved.contentVersion}`}
        channels={channels.data}
        initial={original}
        original={original}
        editVoidsApprovals={voidsApprovals}
        workspaceZone={workspaceZone}
        saving={save.isPending}
        serviceErrors={serviceErrors}
        onFieldChanged={clearErrors}
        onSubmit={(draft) => save.mutate({ draft, original })}
        onCancel={() => void navigate('/calendar')}
      />
    </Stack>
  );
}

function announce(post: PostView, workspaceZone: string, what: 'created' | 'saved'): void {
  const channels = post.deliveries.filter((delivery) => delivery.state !== 'cancelled').length;
  const when = showInstant(new Date(post.scheduledAt), workspaceZone);
  const waits = post.status === 'pending_approval';
  notifications.show({
    color: 'green.9',
    title: what === 'created' ? (waits ? 'Post waits for approval' : 'Post scheduled') : waits ? 'Changes saved: the post waits for approval' : 'Changes saved',
    message: `${channels === 1 ? '1 channel' : `${channels} channels`}, ${when} (${workspaceZone})`,
  });
}
