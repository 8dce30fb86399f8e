// The room's sign-off mutations: approve and reject go to the approvals API (it applies the crisis policy), and
// each refetches what it changed without waiting for the live stream.
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient, type UseMutationResult } from '@tanstack/react-query';
import { api, messageOf, unwrap } from '../../api/client';

export interface Verdict {
  youMayApprove: boolean;
  whyNot: string | null;
}

export function useRoomRefresh(crisisId: string): () => Promise<void> {
  const queryClient = useQueryClient();
  return async () => {
    await Promise.all(
      [['crises', crisisId], ['crisis'], ['approvals'], ['posts'], ['deliveries']].map((queryKey) => queryClient.invalidateQueries({ queryKey })),
    );
  };
}

export function useApprove(crisisId: string): UseMutationResult<unknown, Error, { postId: string; label: string }> {
  const refresh = useRoomRefresh(crisisId);
  return useMutation({
    mutationFn: ({ postId }) => unwrap(api.POST('/api/posts/{id}/approve', { params: { path: { id: postId } }, body: {} })),
    onSuccess: (state, { label }) => {
      const s = state as { crisis: { required: number; given: number } | null };
      notifications.show({
        color: 'green',
        title: 'Approved',
        message: s.crisis ? `${label}: ${s.crisis.given} of ${s.crisis.required} crisis approvals given` : `${label}: approved under the crisis policy; it goes out now`,
      });
    },
    onError: (error, { label }) => notifications.show({ color: 'red', title: `${label} was not approved`, message: messageOf(error) }),
    onSettled: refresh,
  });
}

export function useReject(crisisId: string): UseMutationResult<unknown, Error, { postId: string; comment: string }> {
  const refresh = useRoomRefresh(crisisId);
  return useMutation({
    mutationFn: ({ postId, comment }) => unwrap(api.POST('/api/posts/{id}/reject', { params: { path: { id: postId } }, body: { comment } })),
    onSuccess: () => notifications.show({ color: 'green', title: 'Sent back', message: 'The author reads your comment; the post waits for an edit.' }),
    onSettled: refresh,
  });
}

/** A few words of a post, to name it in labels and messages. */
export function shortText(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 40 ? `“${flat.slice(0, 39)}…”` : `“${flat}”`;
}
