// Ads (every member reads): the ad accounts, the workspace's monthly cap, each campaign's spend against its daily and
// lifetime caps, its state and who or what paused it (a person, a budget cap, a crisis), and the crisis pause orders.
// Marketers pause, resume and set caps; admins connect accounts; both sync now.
import { Alert, Badge, Button, Group, Progress, Stack, Table, Text, Title, VisuallyHidden } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { Link } from 'react-router';
import { api, messageOf, unwrap } from '../../api/client';
import { Empty, ErrorState, Loading } from '../../components/states';
import { useSignedIn } from '../../session/session';
import { ConfirmModal } from '../Members/ConfirmModal';
import { formatInstant, zoneOf } from '../Members/people';
import { AdAccountForm } from './AdAccountForm';
import { AD_PLATFORM_NAMES, reasonWords, STATUS_WORDS, type AdAccountView, type CampaignView, type PauseOrderView } from './ad-fields';
import { BudgetModal, MonthlyCapModal, PauseModal, ResumeModal } from './CampaignModals';
import { formatMoney } from './money';
import { notify } from '../Channels/notify';

type CampaignAction = { kind: 'pause' | 'resume' | 'budget'; campaign: CampaignView };

export function AdsScreen(): ReactNode {
  const session = useSignedIn();
  const timeZone = zoneOf(session.workspace);
  return (
    <Stack gap="lg">
      <Title order={2}>Ads</Title>
      <MonthlyCap manage={session.can('adAccounts.manage')} />
      <AdAccounts timeZone={timeZone} manage={session.can('adAccounts.manage')} sync={session.can('adAccounts.sync')} />
      <Campaigns timeZone={timeZone} manage={session.can('campaigns.manage')} />
      <PauseOrders timeZone={timeZone} />
    </Stack>
  );
}

function MonthlyCap({ manage }: { manage: boolean }): ReactNode {
  const cap = useQuery({ queryKey: ['ad-spend-cap'], queryFn: () => unwrap(api.GET('/api/ad-spend-cap')) });
  const [editing, setEditing] = useState(false);
  if (cap.isPending) {
    return null;
  }
  if (cap.isError) {
    return <ErrorState error={cap.error} retry={() => void cap.refetch()} title="The monthly cap could not be loaded" />;
  }
  const { monthlyCapMinor, currency, spentThisMonthMinor } = cap.data;
  return (
    <Group justify="space-between">
      <Text size="sm" data-testid="monthly-cap">
        {monthlyCapMinor !== null && currency
          ? `Spend this month: ${formatMoney(spentThisMonthMinor, currency)} of the monthly cap ${formatMoney(monthlyCapMinor, currency)} across all ad accounts.`
          : 'No monthly cap across the ad accounts is set.'}
      </Text>
      {manage ? (
        <Button size="xs" variant="default" onClick={() => setEditing(true)}>
          Monthly cap…
        </Button>
      ) : null}
      {editing ? <MonthlyCapModal cap={cap.data} onClose={() => setEditing(false)} /> : null}
    </Group>
  );
}

function AdAccounts({ timeZone, manage, sync }: { timeZone?: string; manage: boolean; sync: boolean }): ReactNode {
  const queryClient = useQueryClient();
  const accounts = useQuery({ queryKey: ['ad-accounts'], queryFn: () => unwrap(api.GET('/api/ad-accounts')) });
  const [editing, setEditing] = useState<AdAccountView | 'new' | null>(null);
  const [removing, setRemoving] = useState<AdAccountView | null>(null);

  const syncNow = useMutation({
    mutationFn: (account: AdAccountView) => unwrap(api.POST('/api/ad-accounts/{id}/sync', { params: { path: { id: account.id } } })),
    onSuccess: (result, account) => {
      const extra = [
        result.capPaused.length > 0 ? `${result.capPaused.length} paused for a reached cap` : '',
        result.drifted.length > 0 ? `${result.drifted.length} found running while held paused, paused again` : '',
      ].filter(Boolean);
      if (result.error) {
        notify('red', 'Sync failed', `${account.name}: ${result.error}`);
      } else {
        notify('green', 'Synced', `${account.name}: ${result.campaigns} campaigns read${extra.length ? `; ${extra.join('; ')}` : ''}.`);
      }
    },
    onError: (error, account) => notify('red', 'Sync failed', `${account.name}: ${messageOf(error)}`),
    onSettled: () => Promise.all(['ad-accounts', 'campaigns', 'ad-spend-cap'].map((key) => queryClient.invalidateQueries({ queryKey: [key] }))),
  });
  const remove = useMutation({
    mutationFn: (account: AdAccountView) => unwrap(api.DELETE('/api/ad-accounts/{id}', { params: { path: { id: account.id } } })),
    onSuccess: async (_, account) => {
      await Promise.all(['ad-accounts', 'campaigns'].map((key) => queryClient.invalidateQueries({ queryKey: [key] })));
      notify('green', 'Ad account removed', `${account.name} is disconnected; its campaigns stay as history.`);
      setRemoving(null);
    },
  });

  let body: ReactNode;
  if (accounts.isPending) {
    body = <Loading label="Loading ad accounts…" />;
  } else if (accounts.isError) {
    body = <ErrorState error={accounts.error} retry={() => void accounts.refetch()} title="The ad accounts could not be loaded" />;
  } else if (accounts.data.length === 0) {
    body = <Empty title="No ad accounts yet" hint={manage ? 'Connect the ad accounts whose campaigns a crisis should pause.' : 'An admin connects the ad accounts.'} />;
  } else {
    body = (
      <Table.ScrollContainer minWidth={760}>
        <Table striped verticalSpacing="xs">
          <Table.Caption>Connected ad accounts</Table.Caption>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Account</Table.Th>
              <Table.Th>Platform</Table.Th>
              <Table.Th>Currency</Table.Th>
              <Table.Th>Last synced</Table.Th>
              {sync || manage ? (
                <Table.Th>
                  <VisuallyHidden>Actions</VisuallyHidden>
                </Table.Th>
              ) : null}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {accounts.data.map((account) => (
              <Table.Tr key={account.id} data-testid="ad-account-row">
                <Table.Td>
                  <Text fw={500}>{account.name}</Text>
                  <Text size="sm" c="dimmed">
                    {account.platformAccountId}
                  </Text>
                </Table.Td>
                <Table.Td>{AD_PLATFORM_NAMES[account.platform]}</Table.Td>
                <Table.Td>{account.currency}</Table.Td>
                <Table.Td>
                  {account.lastSyncedAt ? formatInstant(account.lastSyncedAt, timeZone) : <Text span size="sm" c="dimmed">never</Text>}
                  {account.lastSyncError ? (
                    <Text size="xs" c="red.9">
                      Last sync failed: {account.lastSyncError}
                    </Text>
                  ) : null}
                </Table.Td>
                {sync || manage ? (
                  <Table.Td>
                    <Group gap="xs" wrap="nowrap">
                      {sync ? (
                        <Button size="xs" variant="default" onClick={() => syncNow.mutate(account)} loading={syncNow.isPending && syncNow.variables?.id === account.id} aria-label={`Sync ${account.name} now`}>
                          Sync now
                        </Button>
                      ) : null}
                      {manage ? (
                        <>
                          <Button size="xs" variant="default" onClick={() => setEditing(account)} aria-label={`Edit ${account.name}`}>
                            Edit
                          </Button>
                          <Button size="xs" variant="default" c="red.9" onClick={() => setRemoving(account)} aria-label={`Remove ${account.name}`}>
                            Remove
                          </Button>
                        </>
                      ) : null}
                    </Group>
                  </Table.Td>
                ) : null}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    );
  }

  return (
    <Stack gap="xs" component="section" aria-labelledby="ad-accounts-heading">
      <Group justify="space-between">
        <Title order={3} id="ad-accounts-heading">
          Ad accounts
        </Title>
        {manage ? <Button onClick={() => setEditing('new')}>Add an ad account</Button> : null}
      </Group>
      {body}
      {manage ? (
        <>
          <AdAccountForm
            opened={editing !== null}
            account={editing === 'new' ? null : editing}
            onClose={() => setEditing(null)}
            onSaved={(saved) => {
              notify('green', 'Ad account saved', `${saved.name} on ${AD_PLATFORM_NAMES[saved.platform]}`);
              setEditing(null);
            }}
          />
          <ConfirmModal
            opened={removing !== null}
            title={removing ? `Remove ${removing.name}?` : 'Remove'}
            confirmLabel="Remove the ad account"
            onConfirm={() => removing && remove.mutate(removing)}
            onCancel={() => {
              remove.reset();
              setRemoving(null);
            }}
            pending={remove.isPending}
            error={remove.error}
          >
            Its credentials are erased and its campaigns are no longer synced or paused by a crisis. They stay here as history.
          </ConfirmModal>
        </>
      ) : null}
    </Stack>
  );
}

function SpendAgainst({ spent, cap, currency, what }: { spent: number; cap: number | null; currency: string; what: string }): ReactNode {
  if (cap === null) {
    return (
      <Text size="sm">
        {formatMoney(spent, currency)}{' '}
        <Text span size="xs" c="dimmed">
          no {what} cap
        </Text>
      </Text>
    );
  }
  const share = cap === 0 ? 100 : Math.min(100, (spent / cap) * 100);
  return (
    <Stack gap={2} miw={150}>
      <Text size="sm">
        {formatMoney(spent, currency)} of {formatMoney(cap, currency)}
      </Text>
      <Progress value={share} color={share >= 100 ? 'red' : share >= 80 ? 'yellow' : 'blue'} size="sm" aria-label={`${what} spend against the ${what} cap`} />
    </Stack>
  );
}

function CampaignState({ campaign, timeZone }: { campaign: CampaignView; timeZone?: string }): ReactNode {
  const words = STATUS_WORDS[campaign.status];
  return (
    <Stack gap={2} maw={280}>
      <Badge color={words.color} variant="filled" autoContrast data-testid="campaign-status">
        {words.label}
      </Badge>
      {campaign.pauseReasons.length > 0 ? (
        <Text size="xs" data-testid="campaign-paused-by">
          Held paused: {campaign.pauseReasons.map((reason) => reasonWords(reason, campaign)).join('; ')}
          {campaign.pausedAt ? ` (since ${formatInstant(campaign.pausedAt, timeZone)})` : ''}
          {campaign.pauseNote ? `: “${campaign.pauseNote}”` : ''}
        </Text>
      ) : null}
      {campaign.pauseReasons.filter((reason) => reason.startsWith('crisis:')).map((reason) => (
        <Link key={reason} to={`/crises/${reason.slice('crisis:'.length)}/report`} style={{ fontSize: 12 }}>
          The crisis that paused it
        </Link>
      ))}
      {campaign.lastError ? (
        <Text size="xs" c="red.9">
          Not confirmed yet: {campaign.lastError}
        </Text>
      ) : null}
    </Stack>
  );
}

function Campaigns({ timeZone, manage }: { timeZone?: string; manage: boolean }): ReactNode {
  const campaigns = useQuery({ queryKey: ['campaigns', 'list'], queryFn: () => unwrap(api.GET('/api/campaigns', { params: { query: { limit: 1000 } } })) });
  const accounts = useQuery({ queryKey: ['ad-accounts'], queryFn: () => unwrap(api.GET('/api/ad-accounts')) });
  const [action, setAction] = useState<CampaignAction | null>(null);
  const accountName = new Map((accounts.data ?? []).map((account) => [account.id, account.name]));

  let body: ReactNode;
  if (campaigns.isPending) {
    body = <Loading label="Loading campaigns…" />;
  } else if (campaigns.isError) {
    body = <ErrorState error={campaigns.error} retry={() => void campaigns.refetch()} title="The campaigns could not be loaded" />;
  } else if (campaigns.data.length === 0) {
    body = <Empty title="No campaigns yet" hint="Campaigns appear here once an ad account is synced." />;
  } else {
    body = (
      <Table.ScrollContainer minWidth={980}>
        <Table striped verticalSpacing="sm">
          <Table.Caption>Campaigns as last synced, with spend against their caps</Table.Caption>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Campaign</Table.Th>
              <Table.Th>State</Table.Th>
              <Table.Th>Spend today</Table.Th>
              <Table.Th>Lifetime spend</Table.Th>
              <Table.Th>Last synced</Table.Th>
              {manage ? (
                <Table.Th>
                  <VisuallyHidden>Actions</VisuallyHidden>
                </Table.Th>
              ) : null}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {campaigns.data.map((campaign) => {
              const held = campaign.pauseReasons.length > 0 || campaign.status === 'paused' || campaign.status === 'pause_pending';
              return (
                <Table.Tr key={campaign.id} data-testid="campaign-row" data-campaign-id={campaign.id}>
                  <Table.Td>
                    <Text fw={500}>{campaign.name}</Text>
                    <Text size="sm" c="dimmed">
                      {AD_PLATFORM_NAMES[campaign.platform]} · {accountName.get(campaign.adAccountId) ?? 'removed account'} · {campaign.currency}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <CampaignState campaign={campaign} timeZone={timeZone} />
                  </Table.Td>
                  <Table.Td>
                    <SpendAgainst spent={campaign.spendTodayMinor} cap={campaign.dailyCapMinor} currency={campaign.currency} what="daily" />
                  </Table.Td>
                  <Table.Td>
                    <SpendAgainst spent={campaign.spendLifetimeMinor} cap={campaign.lifetimeCapMinor} currency={campaign.currency} what="lifetime" />
                  </Table.Td>
                  <Table.Td>{campaign.lastSyncedAt ? formatInstant(campaign.lastSyncedAt, timeZone) : '—'}</Table.Td>
                  {manage ? (
                    <Table.Td>
                      <Group gap="xs" wrap="nowrap">
                        {held ? (
                          <Button size="xs" variant="default" onClick={() => setAction({ kind: 'resume', campaign })} aria-label={`Resume ${campaign.name}…`}>
                            Resume…
                          </Button>
                        ) : (
                          <Button size="xs" variant="default" c="red.9" onClick={() => setAction({ kind: 'pause', campaign })} aria-label={`Pause ${campaign.name}…`} disabled={campaign.status === 'inactive'}>
                            Pause…
                          </Button>
                        )}
                        <Button size="xs" variant="subtle" onClick={() => setAction({ kind: 'budget', campaign })} aria-label={`Budget caps of ${campaign.name}…`}>
                          Caps…
                        </Button>
                      </Group>
                    </Table.Td>
                  ) : null}
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    );
  }

  const close = (): void => setAction(null);
  return (
    <Stack gap="xs" component="section" aria-labelledby="campaigns-heading">
      <Title order={3} id="campaigns-heading">
        Campaigns
      </Title>
      {body}
      {action?.kind === 'pause' ? <PauseModal campaign={action.campaign} onClose={close} /> : null}
      {action?.kind === 'resume' ? <ResumeModal campaign={action.campaign} onClose={close} /> : null}
      {action?.kind === 'budget' ? <BudgetModal campaign={action.campaign} onClose={close} /> : null}
    </Stack>
  );
}

const ORDER_STATES: Record<PauseOrderView['state'], { label: string; color: string }> = {
  pending: { label: 'Being enforced', color: 'yellow' },
  paused: { label: 'All paused', color: 'gray' },
  resumed: { label: 'Lifted and resumed', color: 'green' },
  failed: { label: 'Last attempt failed (retrying)', color: 'red' },
};

function PauseOrders({ timeZone }: { timeZone?: string }): ReactNode {
  const orders = useQuery({ queryKey: ['pause-orders'], queryFn: () => unwrap(api.GET('/api/pause-orders')) });
  let body: ReactNode;
  if (orders.isPending) {
    body = <Loading label="Loading pause orders…" />;
  } else if (orders.isError) {
    body = <ErrorState error={orders.error} retry={() => void orders.refetch()} title="The pause orders could not be loaded" />;
  } else if (orders.data.length === 0) {
    body = <Text size="sm" c="dimmed">No crisis has paused paid media.</Text>;
  } else {
    body = (
      <Stack gap="xs">
        {orders.data.map((order) => {
          const words = ORDER_STATES[order.state];
          return (
            <Alert key={order.id} color={words.color} variant="light" title={`${order.crisisId ? 'Crisis pause' : 'Pause order'}: ${words.label}`} data-testid="pause-order">
              <Text size="sm">
                Placed by {order.createdBy} on {formatInstant(order.createdAt, timeZone)}
                {order.liftedAt ? `, lifted ${formatInstant(order.liftedAt, timeZone)}` : ''}; {order.platforms ? order.platforms.map((p) => AD_PLATFORM_NAMES[p]).join(', ') : 'every ad platform'};{' '}
                {order.campaigns.length} campaigns.
                {order.lastError ? ` Last error: ${order.lastError}` : ''}
              </Text>
              {order.crisisId ? (
                <Link to={`/crises/${order.crisisId}/report`} style={{ fontSize: 14 }}>
                  The crisis report
                </Link>
              ) : null}
            </Alert>
          );
        })}
      </Stack>
    );
  }
  return (
    <Stack gap="xs" component="section" aria-labelledby="pause-orders-heading">
      <Title order={3} id="pause-orders-heading">
        Crisis pause orders
      </Title>
      {body}
    </Stack>
  );
}
