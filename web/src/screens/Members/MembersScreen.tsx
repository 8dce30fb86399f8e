// Members (admins): who is in the workspace, with which roles and status; add one and hand over the invite link;
// open a member for roles, a new link, sessions, API keys, or to disable them.
import { Badge, Button, Group, Stack, Table, Text, Title, VisuallyHidden } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { api, unwrap } from '../../api/client';
import { Empty, ErrorState, Loading } from '../../components/states';
import { useSignedIn } from '../../session/session';
import { AddMemberModal } from './AddMemberModal';
import { MemberPanel } from './MemberPanel';
import { roleLabel, zoneOf, type MemberView } from './people';
import { StatusBadge } from './StatusBadge';

export function MembersScreen(): ReactNode {
  const session = useSignedIn();
  if (!session.can('members.manage')) {
    return (
      <Empty
        title="Members are managed by admins"
        hint="Your roles do not include admin, so this page shows nothing to you. Ask an admin of your workspace to add people or change roles."
      />
    );
  }
  return <MembersList selfId={session.member.id} timeZone={zoneOf(session.workspace)} />;
}

function MembersList({ selfId, timeZone }: { selfId: string; timeZone?: string }): ReactNode {
  const [adding, setAdding] = useState(false);
  const [openId, setOpenId] = useState<string | null>(null);
  const members = useQuery({ queryKey: ['members'], queryFn: () => unwrap(api.GET('/api/members')) });
  // The panel follows the list, so a change saved there (roles, disabled) shows in both.
  const open: MemberView | null = members.data?.find((member) => member.id === openId) ?? null;

  let body: ReactNode;
  if (members.isPending) {
    body = <Loading label="Loading members…" />;
  } else if (members.isError) {
    body = <ErrorState error={members.error} retry={() => void members.refetch()} title="The members could not be loaded" />;
  } else if (members.data.length === 0) {
    body = <Empty title="No members yet" hint="Add the people who plan, approve and watch your content." />;
  } else {
    body = (
      <Table.ScrollContainer minWidth={720}>
        <Table striped highlightOnHover verticalSpacing="sm">
          <Table.Caption>Members of the workspace, disabled ones included</Table.Caption>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Email</Table.Th>
              <Table.Th>Roles</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th>
                <VisuallyHidden>Actions</VisuallyHidden>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {members.data.map((member) => (
              <Table.Tr key={member.id} data-testid="member-row" data-member-id={member.id}>
                <Table.Td>
                  <Text fw={500}>
                    {member.name}
                    {member.id === selfId ? (
                      <Text span c="dimmed" size="sm">
                        {' '}
                        (you)
                      </Text>
                    ) : null}
                  </Text>
                </Table.Td>
                <Table.Td>{member.email ?? <Text span c="dimmed" size="sm">none yet</Text>}</Table.Td>
                <Table.Td>
                  <Group gap={4}>
                    {member.roles.map((role) => (
                      <Badge key={role} variant="outline" color="dark">
                        {roleLabel(role)}
                      </Badge>
                    ))}
                  </Group>
                </Table.Td>
                <Table.Td>
                  <StatusBadge member={member} />
                </Table.Td>
                <Table.Td>
                  <Button size="xs" variant="default" onClick={() => setOpenId(member.id)} aria-label={`Manage ${member.name}`}>
                    Manage
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    );
  }

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>Members</Title>
        <Button onClick={() => setAdding(true)}>Add a member</Button>
      </Group>
      <Text c="dimmed" size="sm">
        Invited members have not chosen a password yet. Manage a member to change roles, issue a new invite link (also a password reset), end their sessions, handle
        API keys or disable them.
      </Text>
      {body}
      <AddMemberModal opened={adding} onClose={() => setAdding(false)} timeZone={timeZone} />
      <MemberPanel member={open} onClose={() => setOpenId(null)} timeZone={timeZone} selfId={selfId} />
    </Stack>
  );
}
