// Loading, empty and error states, the same on every screen: a person always reads what is going on.
import { Alert, Anchor, Button, Center, Group, Loader, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { messageOf } from '../api/client';

export function Loading({ label }: { label: string }): ReactNode {
  return (
    <Center py="xl" role="status" aria-live="polite">
      <Group gap="sm">
        <Loader size="sm" aria-hidden />
        <Text>{label}</Text>
      </Group>
    </Center>
  );
}

export function Empty({ title, hint, action }: { title: string; hint?: ReactNode; action?: ReactNode }): ReactNode {
  return (
    <Center py="xl">
      <Stack align="center" gap="xs" maw={480}>
        <Title order={3} size="h4">
          {title}
        </Title>
        {hint ? (
          <Text c="dimmed" ta="center">
            {hint}
          </Text>
        ) : null}
        {action}
      </Stack>
    </Center>
  );
}

export function ErrorState({ error, retry, title = 'This could not be loaded' }: { error: unknown; retry?: () => void; title?: string }): ReactNode {
  return (
    <Alert color="red" title={title} role="alert" variant="light">
      <Stack gap="xs">
        <Text size="sm">{messageOf(error)}</Text>
        {retry ? (
          <Group>
            <Button size="xs" variant="default" onClick={retry}>
              Try again
            </Button>
          </Group>
        ) : null}
      </Stack>
    </Alert>
  );
}

/**
 * A page of one thing read from the service (`/playbooks/:id`, `/templates/:id`): its loading state, or the error
 * with a way back to the list, or the page itself.
 */
export function OneThing<T>(props: {
  query: { isPending: boolean; isError: boolean; error: unknown; data: T | undefined; refetch: () => unknown };
  loading: string;
  failed: string;
  back: { to: string; label: string };
  children: (data: T) => ReactNode;
}): ReactNode {
  const { query } = props;
  if (query.isPending) {
    return <Loading label={props.loading} />;
  }
  if (query.isError || query.data === undefined) {
    return (
      <Stack>
        <ErrorState error={query.error} retry={() => void query.refetch()} title={props.failed} />
        <Anchor component={Link} to={props.back.to}>
          {props.back.label}
        </Anchor>
      </Stack>
    );
  }
  return props.children(query.data);
}
