// The signed-in frame: navigation by role, who is signed in, sign-out. Screens render in the main area.
import { AppShell, Burger, Button, Group, NavLink, Stack, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import type { ReactNode } from 'react';
import { NavLink as RouterLink, Outlet, useLocation } from 'react-router';
import { LiveIndicator } from '../live/LiveIndicator';
import { CrisisBanner } from '../screens/CrisisSwitch/CrisisBanner';
import { useSession } from '../session/session';
import type { Action } from '../session/permissions';

interface NavItem {
  to: string;
  label: string;
  /** Shown only to members who may do this; without it every member sees the link. */
  needs?: Action;
}

/** The console's sections. */
export const NAV: NavItem[] = [
  { to: '/calendar', label: 'Calendar' },
  { to: '/compose', label: 'Compose', needs: 'post.write' },
  { to: '/media', label: 'Media' },
  { to: '/approvals', label: 'Approvals' },
  { to: '/crisis', label: 'Crisis' },
  { to: '/missed', label: 'Missed', needs: 'post.write' },
  { to: '/templates', label: 'Templates' },
  { to: '/playbooks', label: 'Playbooks' },
  { to: '/ads', label: 'Ads' },
  { to: '/channels', label: 'Channels', needs: 'channels.manage' },
  { to: '/webhooks', label: 'Webhooks', needs: 'webhooks.manage' },
  { to: '/audit', label: 'Audit trail', needs: 'audit.read' },
  { to: '/members', label: 'Members', needs: 'members.manage' },
  { to: '/account', label: 'My account' },
];

export function Shell(): ReactNode {
  const { session, can, signOut } = useSession();
  const [opened, { toggle, close }] = useDisclosure();
  const location = useLocation();
  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 220, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between">
          <Group gap="sm">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Toggle navigation" />
            <Title order={1} size="h4">
              Holdfast
            </Title>
            {session ? (
              <Text size="sm" c="dimmed">
                {session.workspace.name}
              </Text>
            ) : null}
          </Group>
          <Group gap="sm">
            <LiveIndicator />
            {session ? (
              <Text size="sm" data-testid="signed-in-as">
                {session.member.name}
                <Text span c="dimmed" size="sm">
                  {' '}
                  · {session.roles.join(', ')}
                </Text>
              </Text>
            ) : null}
            <Button variant="default" size="xs" onClick={() => void signOut()}>
              Sign out
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label="Sections">
        <Stack gap={2}>
          {NAV.filter((item) => !item.needs || can(item.needs)).map((item) => (
            <NavLink
              key={item.to}
              component={RouterLink}
              to={item.to}
              label={item.label}
              active={location.pathname.startsWith(item.to)}
              onClick={close}
            />
          ))}
        </Stack>
      </AppShell.Navbar>
      <AppShell.Main>
        <CrisisBanner />
        <Outlet />
      </AppShell.Main>
    </AppShell>
  );
}
