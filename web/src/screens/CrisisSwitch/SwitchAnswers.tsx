// The switch's answers as dialogs, mounted by the Shell (via CrisisBanner) so that they outlive the screen that asked.
import { Alert, Anchor, Button, Group, List, Modal, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { platformName } from '../../platforms';
import { useSignedIn } from '../../session/session';
import { showInstant } from '../Composer/zoned-time';
import { scopeText } from './parts';
import { showSwitchAnswer, useSwitchAnswer, type Activation, type Deactivation } from './switch-answers';

export function SwitchAnswers(): ReactNode {
  const session = useSignedIn();
  const answer = useSwitchAnswer();
  const close = (): void => showSwitchAnswer(null);
  if (!answer) {
    return null;
  }
  if (answer.kind === 'deactivation') {
    return <DeactivationAnswer done={answer.deactivation} onClose={close} />;
  }
  return (
    <Modal opened onClose={close} title="Crisis mode is on" size="xl" closeButtonProps={{ 'aria-label': 'Close' }}>
      <ActivationAnswer activation={answer.activation} zone={session.workspace.timeZone} onClose={close} />
    </Modal>
  );
}

function ActivationAnswer({ activation, zone, onClose }: { activation: Activation; zone: string; onClose: () => void }): ReactNode {
  const ads = activation.ads;
  return (
    <Stack>
      <Alert color="red.9" variant="filled" title="Nothing in scope is published without crisis sign-off">
        {activation.held.deliveries} {activation.held.deliveries === 1 ? 'delivery is' : 'deliveries are'} held on {scopeText(activation.crisis.platforms)}.
      </Alert>
      <Title order={3} size="h4">
        Sends in flight when the switch was flipped
      </Title>
      {activation.inFlight.length === 0 ? (
        <Text size="sm">None.</Text>
      ) : (
        <List size="sm">
          {activation.inFlight.map((s) => (
            <List.Item key={s.deliveryId}>
              {platformName(s.platform)}: {s.outcome === 'in_flight' ? `finished (${s.state})` : s.outcome === 'stopped_before_send' ? 'stopped before it was sent' : 'may have reached the platform: check it'}
              {s.url ? ` · ${s.url}` : ''}
            </List.Item>
          ))}
        </List>
      )}
      <Text size="sm">
        Paid campaigns: {ads ? `${ads.paused} paused, ${ads.alreadyPaused} already paused, ${ads.pending} pending confirmation` : 'not paused'}.
      </Text>
      <Text size="sm">
        Replacement posts staged for sign-off: {activation.replacementPostIds.length}
        {activation.drafts.length > 0 ? `; ${activation.drafts.length} as drafts waiting for ${[...new Set(activation.drafts.flatMap((d) => d.missing.map((m) => m.name)))].join(', ')}` : ''}.
      </Text>
      {activation.notStaged.length > 0 ? (
        <Alert color="yellow" title="Not staged">
          {activation.notStaged.map((n) => n.reason).join('; ')}
        </Alert>
      ) : null}
      {activation.warnings.length > 0 ? (
        <Alert color="yellow" title="Warnings">
          {activation.warnings.join('; ')}
        </Alert>
      ) : null}
      <Text size="xs" c="dimmed">
        Activated {showInstant(new Date(activation.crisis.activatedAt), zone)} ({zone}).
      </Text>
      <Group justify="flex-end">
        <Button onClick={onClose}>Done</Button>
      </Group>
    </Stack>
  );
}

function DeactivationAnswer({ done, onClose }: { done: Deactivation; onClose: () => void }): ReactNode {
    const campaigns = done.campaigns as { resumed: number; pending: number; keptPaused: number } | null;
    return (
      <Modal opened onClose={onClose} title="The crisis is over" size="lg" closeButtonProps={{ 'aria-label': 'Close' }}>
        <Stack>
          <Text data-testid="deactivation-result">
            {done.resumed.deliveries} held {done.resumed.deliveries === 1 ? 'delivery' : 'deliveries'} resumed
            {done.resumed.deliveries > 0 ? ` (${done.resumed.dueWithinHour} due within the hour, ${done.resumed.dueWithinDay} within the day)` : ''}; they go out at their
            times. {done.missed.length}{' '}
            {done.missed.length === 1 ? 'delivery' : 'deliveries'} became missed.
            {done.withdrawnPostIds.length > 0 ? ` ${done.withdrawnPostIds.length} replacement ${done.withdrawnPostIds.length === 1 ? 'post was' : 'posts were'} withdrawn.` : ''}
          </Text>
          {campaigns ? (
            <Text size="sm">
              Campaigns: {campaigns.resumed} resumed, {campaigns.pending} pending, {campaigns.keptPaused} kept paused.
            </Text>
          ) : null}
          {done.missed.length > 0 ? (
            <Anchor component={Link} to="/missed" onClick={onClose}>
              Reschedule or cancel the missed deliveries
            </Anchor>
          ) : null}
          <Group justify="flex-end">
            <Button onClick={onClose}>Done</Button>
          </Group>
        </Stack>
      </Modal>
    );
}
