// A yes/no question before something that cannot be undone, with the service's refusal shown inside it.
import { Alert, Button, Group, Modal, Stack, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { messageOf } from '../../api/client';

interface ConfirmProps {
  opened: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  onConfirm: () => void;
  onCancel: () => void;
  pending: boolean;
  error: unknown;
}

export function ConfirmModal({ opened, title, children, confirmLabel, onConfirm, onCancel, pending, error }: ConfirmProps): ReactNode {
  return (
    <Modal opened={opened} onClose={onCancel} title={title} centered closeButtonProps={{ 'aria-label': 'Cancel' }}>
      <Stack>
        <Text component="div">{children}</Text>
        {error ? (
          <Alert color="red" role="alert" title="Not done">
            {messageOf(error)}
          </Alert>
        ) : null}
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>
            Cancel
          </Button>
          <Button color="red" onClick={onConfirm} loading={pending}>
            {confirmLabel}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
