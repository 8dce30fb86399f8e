// API keys: recognised by their prefix (the key itself is never shown again), last use, revocation.
import { Badge, Button, Table, VisuallyHidden } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { api, unwrap } from '../../api/client';
import { Empty } from '../../components/states';
import { ConfirmModal } from './ConfirmModal';
import { formatInstant, type ApiKeyView } from './people';

interface ApiKeysTableProps {
  apiKeys: ApiKeyView[];
  timeZone?: string;
  onRevoke: (apiKey: ApiKeyView) => void;
  caption: string;
}

export function ApiKeysTable({ apiKeys, timeZone, onRevoke, caption }: ApiKeysTableProps): ReactNode {
  if (apiKeys.length === 0) {
    return <Empty title="No API keys" hint="API keys let scripts call the service on the member's behalf." />;
  }
  return (
    <Table.ScrollContainer minWidth={640}>
      <Table striped highlightOnHover verticalSpacing="xs">
        <Table.Caption>{caption}</Table.Caption>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            <Table.Th>Starts with</Table.Th>
            <Table.Th>Created</Table.Th>
            <Table.Th>Last used</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th>
              <VisuallyHidden>Actions</VisuallyHidden>
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {apiKeys.map((apiKey) => (
            <Table.Tr key={apiKey.id} data-testid="api-key-row">
              <Table.Td>{apiKey.name ?? 'Unnamed'}</Table.Td>
              <Table.Td>
                <code>{apiKey.prefix}…</code>
              </Table.Td>
              <Table.Td>{formatInstant(apiKey.createdAt, timeZone)}</Table.Td>
              <Table.Td>{apiKey.lastUsedAt ? formatInstant(apiKey.lastUsedAt, timeZone) : 'Never'}</Table.Td>
              <Table.Td>
                {apiKey.revokedAt ? (
                  <Badge color="gray.7" variant="filled" autoContrast>
                    Revoked {formatInstant(apiKey.revokedAt, timeZone)}
                  </Badge>
                ) : (
                  <Badge color="teal.9" variant="filled" autoContrast>
                    Active
                  </Badge>
                )}
              </Table.Td>
              <Table.Td>
                {apiKey.revokedAt ? null : (
                  <Button size="xs" variant="default" onClick={() => onRevoke(apiKey)}>
                    Revoke
                  </Button>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

/** The confirmation before revoking a key, and the revocation itself; `listKey` is the query of the list it is in. */
export function RevokeKeyModal({ apiKey, listKey, onClose }: { apiKey: ApiKeyView | null; listKey: readonly unknown[]; onClose: () => void }): ReactNode {
  const queryClient = useQueryClient();
  const revoke = useMutation({
    mutationFn: (key: ApiKeyView) => unwrap(api.DELETE('/api/api-keys/{id}', { params: { path: { id: key.id } } })),
    onSuccess: () => {
      onClose();
      return queryClient.invalidateQueries({ queryKey: listKey });
    },
  });
  return (
    <ConfirmModal
      opened={apiKey !== null}
      title="Revoke this API key?"
      confirmLabel="Revoke the key"
      onConfirm={() => apiKey && revoke.mutate(apiKey)}
      onCancel={() => {
        onClose();
        revoke.reset();
      }}
      pending={revoke.isPending}
      error={revoke.error}
    >
      Scripts using the key {apiKey ? <code>{apiKey.prefix}…</code> : null} stop working at once.
    </ConfirmModal>
  );
}
