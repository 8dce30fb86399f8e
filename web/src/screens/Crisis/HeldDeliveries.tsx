// What the crisis holds: nothing here goes out until approvers sign it off under the crisis policy (the approve
// route counts only approvals given since activation, and needs the level's count).
import { Badge, Button, Card, Group, Table, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import type { components } from '../../api/schema';
import { Empty } from '../../components/states';
import { platformName } from '../../platforms';
import { useSignedIn } from '../../session/session';
import { shortText, useApprove, type Verdict } from './decisions';
import { formatAt } from './time';

type Held = components['schemas']['RoomHeldDeliveryView'];

export function HeldDeliveries(props: { crisisId: string; held: Held[]; truncated: boolean; required: number; verdicts: Map<string, Verdict> }): ReactNode {
  const session = useSignedIn();
  const approve = useApprove(props.crisisId);
  const mayApprove = session.can('post.approve');
  return (
    <Card withBorder component="section" aria-labelledby="room-held">
      <Title order={3} id="room-held" size="h4" mb="xs">
        Held deliveries
      </Title>
      <Text size="sm" mb="xs">
        A held delivery goes out only once {props.required} approver{props.required === 1 ? '' : 's'} sign its post off under the crisis policy (never its author).
      </Text>
      {props.held.length === 0 ? (
        <Empty title="Nothing held" hint="No delivery in the crisis's scope waits for sign-off." />
      ) : (
        <Table>
          <Table.Caption>{props.truncated ? `The first ${props.held.length} held deliveries, soonest due first` : 'Held deliveries, soonest due first'}</Table.Caption>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Post</Table.Th>
              <Table.Th>Channel</Table.Th>
              <Table.Th>Due</Table.Th>
              <Table.Th>Approvals</Table.Th>
              <Table.Th>Release</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {props.held.map((h) => {
              const label = shortText(h.text);
              const verdict = props.verdicts.get(h.postId);
              return (
                <Table.Tr key={h.deliveryId} data-testid="held-delivery">
                  <Table.Td style={{ maxWidth: 320 }}>{h.text}</Table.Td>
                  <Table.Td>
                    {h.channel} ({platformName(h.platform)})
                  </Table.Td>
                  <Table.Td>
                    {formatAt(h.dueAt, session.workspace.timeZone)}
                    {h.state === 'held' ? (
                      <Badge ml="xs" color="red" variant="light">
                        fell due
                      </Badge>
                    ) : null}
                  </Table.Td>
                  <Table.Td>
                    {h.crisisApprovals.length} of {props.required}
                    {h.crisisApprovals.length > 0 ? ` (${h.crisisApprovals.map((a) => a.approverName).join(', ')})` : ''}
                  </Table.Td>
                  <Table.Td>
                    {!mayApprove ? (
                      <Text size="sm" c="dimmed">
                        Approvers release it
                      </Text>
                    ) : verdict && !verdict.youMayApprove ? (
                      <Text size="sm" c="dimmed">
                        {verdict.whyNot}
                      </Text>
                    ) : h.crisisApprovals.some((a) => a.approverId === session.member.id) ? (
                      <Text size="sm">You approved it</Text>
                    ) : (
                      <Group>
                        <Button size="xs" aria-label={`Approve to release ${label}`} loading={approve.isPending && approve.variables?.postId === h.postId} onClick={() => approve.mutate({ postId: h.postId, label })}>
                          Approve to release
                        </Button>
                      </Group>
                    )}
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      )}
    </Card>
  );
}
