// Pause, resume and budget caps of one campaign (marketers), each confirmed with a reason, the outcome said in words.
import { Alert, Button, Checkbox, Group, Modal, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent, type ReactNode } from 'react';
import { api, unwrap } from '../../api/client';
import { notify } from '../Channels/notify';
import { fieldError } from '../Members/AddMemberModal';
import { reasonWords, type CampaignView } from './ad-fields';
import { formatMoney, minorToDecimal, parseMajor } from './money';

function useCampaignSaved(): (campaign: CampaignView, title: string, message: string) => Promise<void> {
  const queryClient = useQueryClient();
  return async (campaign, title, message) => {
    await Promise.all([
      queryClient.invalidateQueries({ queryKey: ['campaigns'] }),
      queryClient.invalidateQueries({ queryKey: ['ad-spend-cap'] }),
    ]);
    notify('green', title, `${campaign.name}: ${message}`);
  };
}

function outcomeOf(campaign: CampaignView): string {
  switch (campaign.status) {
    case 'paused':
      return 'paused on the platform.';
    case 'pause_pending':
      return 'the pause is sent; waiting for the platform to confirm it.';
    case 'active':
      return 'running on the platform.';
    case 'resume_pending':
      return 'the resume is sent; waiting for the platform to confirm it.';
    case 'inactive':
      return 'inactive on the platform.';
  }
}

export function PauseModal({ campaign, onClose }: { campaign: CampaignView; onClose: () => void }): ReactNode {
  const saved = useCampaignSaved();
  const [reason, setReason] = useState('');
  const pause = useMutation({
    mutationFn: () => unwrap(api.POST('/api/campaigns/{id}/pause', { params: { path: { id: campaign.id } }, body: { reason: reason.trim() } })),
    onSuccess: async (answer) => {
      await saved(answer, 'Pause requested', outcomeOf(answer));
      onClose();
    },
  });
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    pause.mutate();
  };
  const reasonError = fieldError(pause.error, 'reason');
  return (
    <Modal opened onClose={onClose} title={`Pause ${campaign.name}?`} centered closeButtonProps={{ 'aria-label': 'Cancel' }}>
      <form onSubmit={submit} noValidate aria-label={`Pause ${campaign.name}`}>
        <Stack>
          <Text size="sm">The campaign stops spending once the platform confirms the pause. It stays paused until a marketer resumes it.</Text>
          {pause.error && !reasonError ? (
            <Alert color="red" role="alert" title="Not paused">
              {pause.error.message}
            </Alert>
          ) : null}
          <Textarea label="Why" required description="For the audit trail and the campaign" value={reason} onChange={(e) => setReason(e.currentTarget.value)} error={reasonError} maxLength={500} autosize minRows={2} data-autofocus />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" color="red.9" loading={pause.isPending}>
              Pause the campaign
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

export function ResumeModal({ campaign, onClose }: { campaign: CampaignView; onClose: () => void }): ReactNode {
  const saved = useCampaignSaved();
  const [reason, setReason] = useState('');
  const [clear, setClear] = useState<string[]>(campaign.pauseReasons.includes('manual') ? ['manual'] : []);
  const resume = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/api/campaigns/{id}/resume', {
          params: { path: { id: campaign.id } },
          body: { reason: reason.trim(), ...(campaign.pauseReasons.length > 0 ? { clearReasons: clear } : {}) },
        }),
      ),
    onSuccess: async (answer) => {
      await saved(answer, 'Resume requested', outcomeOf(answer));
      onClose();
    },
  });
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    resume.mutate();
  };
  const reasonError = fieldError(resume.error, 'reason');
  const clearError = fieldError(resume.error, 'clearReasons');
  return (
    <Modal opened onClose={onClose} title={`Resume ${campaign.name}?`} centered closeButtonProps={{ 'aria-label': 'Cancel' }}>
      <form onSubmit={submit} noValidate aria-label={`Resume ${campaign.name}`}>
        <Stack>
          <Text size="sm">The campaign starts spending again once every reason it is paused for is cleared.</Text>
          {resume.error && !reasonError && !clearError ? (
            <Alert color="red" role="alert" title="Not resumed">
              {resume.error.message}
            </Alert>
          ) : null}
          {campaign.pauseReasons.length > 0 ? (
            <Checkbox.Group label="Clear these reasons" value={clear} onChange={setClear} error={clearError}>
              <Stack gap={4} mt={4}>
                {campaign.pauseReasons.map((tag) => (
                  <Checkbox key={tag} value={tag} label={reasonWords(tag, campaign)} />
                ))}
              </Stack>
            </Checkbox.Group>
          ) : null}
          <Textarea label="Why" required description="For the audit trail" value={reason} onChange={(e) => setReason(e.currentTarget.value)} error={reasonError} maxLength={500} autosize minRows={2} data-autofocus />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={resume.isPending}>
              Resume the campaign
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

export function BudgetModal({ campaign, onClose }: { campaign: CampaignView; onClose: () => void }): ReactNode {
  const saved = useCampaignSaved();
  const { currency } = campaign;
  const [daily, setDaily] = useState(campaign.dailyCapMinor === null ? '' : minorToDecimal(campaign.dailyCapMinor, currency));
  const [lifetime, setLifetime] = useState(campaign.lifetimeCapMinor === null ? '' : minorToDecimal(campaign.lifetimeCapMinor, currency));
  const [tried, setTried] = useState(false);
  const parse = (text: string): { minor: number | null } | { error: string } => (text.trim() === '' ? { minor: null } : parseMajor(text, currency));
  const dailyParsed = parse(daily);
  const lifetimeParsed = parse(lifetime);
  const save = useMutation({
    mutationFn: (body: { dailyCapMinor: number | null; lifetimeCapMinor: number | null }) =>
      unwrap(api.PUT('/api/campaigns/{id}/budget', { params: { path: { id: campaign.id } }, body: { currency, ...body } })),
    onSuccess: async (answer) => {
      const capped = answer.pauseReasons.includes('budget_cap') && !campaign.pauseReasons.includes('budget_cap');
      await saved(answer, 'Budget caps saved', capped ? 'a cap is already reached, so the campaign is being paused.' : 'caps saved.');
      onClose();
    },
  });
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    setTried(true);
    if ('minor' in dailyParsed && 'minor' in lifetimeParsed) {
      save.mutate({ dailyCapMinor: dailyParsed.minor, lifetimeCapMinor: lifetimeParsed.minor });
    }
  };
  const dailyError = fieldError(save.error, 'dailyCapMinor') ?? (tried && 'error' in dailyParsed ? dailyParsed.error : undefined);
  const lifetimeError = fieldError(save.error, 'lifetimeCapMinor') ?? (tried && 'error' in lifetimeParsed ? lifetimeParsed.error : undefined);
  return (
    <Modal opened onClose={onClose} title={`Budget caps of ${campaign.name}`} centered closeButtonProps={{ 'aria-label': 'Cancel' }}>
      <form onSubmit={submit} noValidate aria-label={`Budget caps of ${campaign.name}`}>
        <Stack>
          <Text size="sm">
            In {currency}. Spend today {formatMoney(campaign.spendTodayMinor, currency)}, lifetime {formatMoney(campaign.spendLifetimeMinor, currency)}. A cap already
            reached pauses the campaign at once. Leave a cap empty to remove it.
          </Text>
          {save.error && !dailyError && !lifetimeError ? (
            <Alert color="red" role="alert" title="Not saved">
              {save.error.message}
            </Alert>
          ) : null}
          <TextInput label={`Daily cap (${currency})`} inputMode="decimal" value={daily} onChange={(e) => setDaily(e.currentTarget.value)} error={dailyError} data-autofocus />
          <TextInput label={`Lifetime cap (${currency})`} inputMode="decimal" value={lifetime} onChange={(e) => setLifetime(e.currentTarget.value)} error={lifetimeError} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={save.isPending}>
              Save the caps
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** The workspace's monthly cap across every ad account (admins): in one currency, which every account must use. */
export function MonthlyCapModal({ cap, onClose }: { cap: { monthlyCapMinor: number | null; currency: string | null }; onClose: () => void }): ReactNode {
  const queryClient = useQueryClient();
  const [currency, setCurrency] = useState(cap.currency ?? 'EUR');
  const [amount, setAmount] = useState(cap.monthlyCapMinor !== null && cap.currency ? minorToDecimal(cap.monthlyCapMinor, cap.currency) : '');
  const [tried, setTried] = useState(false);
  const code = currency.trim().toUpperCase();
  const parsed = amount.trim() === '' ? { minor: null } : parseMajor(amount, code);
  const save = useMutation({
    mutationFn: (monthlyCapMinor: number | null) => unwrap(api.PUT('/api/ad-spend-cap', { body: { monthlyCapMinor, currency: code } })),
    onSuccess: async (answer) => {
      await Promise.all(['ad-spend-cap', 'campaigns'].map((key) => queryClient.invalidateQueries({ queryKey: [key] })));
      notify('green', 'Monthly cap saved', answer.monthlyCapMinor === null ? 'No monthly cap is set.' : `At most ${formatMoney(answer.monthlyCapMinor, code)} a month across all ad accounts.`);
      onClose();
    },
  });
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    setTried(true);
    if ('minor' in parsed) {
      save.mutate(parsed.minor);
    }
  };
  const amountError = fieldError(save.error, 'monthlyCapMinor') ?? (tried && 'error' in parsed ? parsed.error : undefined);
  const currencyError = fieldError(save.error, 'currency');
  return (
    <Modal opened onClose={onClose} title="Monthly cap across all ad accounts" centered closeButtonProps={{ 'aria-label': 'Cancel' }}>
      <form onSubmit={submit} noValidate aria-label="Monthly cap across all ad accounts">
        <Stack>
          <Text size="sm">When the month&apos;s spend (UTC months) reaches it, every campaign is paused. Leave the amount empty to remove it.</Text>
          {save.error && !amountError && !currencyError ? (
            <Alert color="red" role="alert" title="Not saved">
              {save.error.message}
            </Alert>
          ) : null}
          <TextInput label="Currency" required description="Every ad account must be in this currency" value={currency} onChange={(e) => setCurrency(e.currentTarget.value)} error={currencyError} maxLength={3} />
          <TextInput label={`Monthly cap (${code || 'currency'})`} inputMode="decimal" value={amount} onChange={(e) => setAmount(e.currentTarget.value)} error={amountError} data-autofocus />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={save.isPending}>
              Save the monthly cap
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
