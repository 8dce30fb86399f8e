// Pieces the crisis switch's dialogs share: the deliveries a preview lists, and times in the workspace's zone.
import { Table, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import type { components } from '../../api/schema';
import { platformName, type Platform } from '../../platforms';
import { showInstant } from '../Composer/zoned-time';

export type PreviewDelivery = components['schemas']['PreviewDeliveryView'];

export const LEVELS: Record<number, string> = {
  1: 'Level 1: a contained issue. Publishing in scope stops; the usual approvals release posts.',
  2: 'Level 2: a serious incident. Publishing in scope stops; more approvals are needed to release a post.',
  3: 'Level 3: a major crisis. Publishing in scope stops; the most approvals are needed to release a post.',
};

export function scopeText(platforms: readonly Platform[] | null | undefined): string {
  return platforms && platforms.length > 0 ? platforms.map(platformName).join(', ') : 'all platforms';
}

export function DeliveryList({ deliveries, zone, caption }: { deliveries: PreviewDelivery[]; zone: string; caption: string }): ReactNode {
  if (deliveries.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        None.
      </Text>
    );
  }
  return (
    <Table striped withTableBorder captionSide="top">
      <Table.Caption style={{ textAlign: 'left', fontWeight: 600 }}>{caption}</Table.Caption>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Post</Table.Th>
          <Table.Th>Channel</Table.Th>
          <Table.Th>Due</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {deliveries.map((d) => (
          <Table.Tr key={d.deliveryId}>
            <Table.Td>{d.text}</Table.Td>
            <Table.Td>
              {d.channelName} ({platformName(d.platform)})
            </Table.Td>
            <Table.Td>{showInstant(new Date(d.dueAt), zone)}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
