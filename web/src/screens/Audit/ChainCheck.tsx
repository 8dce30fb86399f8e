// The chain check (GET /api/audit/verify) in words: how many events hold, the head, or where the chain first breaks.
import { Alert, Button, Group, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { api, unwrap } from '../../api/client';
import type { components } from '../../api/schema';
import { ErrorState, Loading } from '../../components/states';

type Verification = components['schemas']['ChainVerificationView'];

const BROKEN_REASON: Record<string, string> = {
  sequence_gap: 'an event is missing before it (the numbering skips)',
  previous_hash_mismatch: 'it does not point at the hash of the event before it',
  content_hash_mismatch: 'its content no longer matches its hash (it was changed after it was written)',
};

export function chainSentence(result: Verification): string {
  const events = `${result.checked.toLocaleString()} event${result.checked === 1 ? '' : 's'}`;
  if (result.ok) {
    if (!result.head) {
      return 'The trail is empty: there is nothing to check yet.';
    }
    return `The chain holds: checked ${events}, every link intact. Head: event #${result.head.seq}, hash ${result.head.hash.slice(0, 12)}….`;
  }
  const broken = result.firstBrokenLink;
  if (!broken) {
    return `The chain is broken after ${events}.`;
  }
  return `The chain is broken at event #${broken.seq}: ${BROKEN_REASON[broken.reason] ?? broken.reason}. The ${events} before it check out.`;
}

export function ChainCheck(): ReactNode {
  const verify = useQuery({ queryKey: ['audit', 'verify'], queryFn: () => unwrap(api.GET('/api/audit/verify')) });
  let body: ReactNode;
  if (verify.isPending) {
    body = <Loading label="Checking the chain…" />;
  } else if (verify.isError) {
    body = <ErrorState error={verify.error} retry={() => void verify.refetch()} title="The chain could not be checked" />;
  } else {
    const result = verify.data;
    body = (
      <Alert color={result.ok ? 'green' : 'red'} variant="light" title={result.ok ? 'Chain check: OK' : 'Chain check: broken'} role="status" data-testid="chain-check" styles={{ title: { color: "var(--mantine-color-black)" } }}>
        <Stack gap={4}>
          <Text size="sm">{chainSentence(result)}</Text>
          {result.firstBrokenLink ? (
            <Text size="sm">
              Broken event id: <code>{result.firstBrokenLink.eventId}</code>. The trail after it cannot be trusted as written; tell whoever runs the
              database.
            </Text>
          ) : null}
        </Stack>
      </Alert>
    );
  }
  return (
    <Stack gap="xs">
      <Group justify="space-between">
        <Text fw={600}>Tamper check</Text>
        <Button size="xs" variant="default" onClick={() => void verify.refetch()} loading={verify.isFetching && !verify.isPending}>
          Check again
        </Button>
      </Group>
      <Text size="sm" c="dimmed">
        Each event carries the hash of the one before it: changing or removing any event breaks every link after it.
      </Text>
      {body}
    </Stack>
  );
}
