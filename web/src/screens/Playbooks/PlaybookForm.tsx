// Writing or editing a playbook (crisis leads): the scenario and its level, what it holds, who is responsible, and
// the approved templates it stages. The service checks the whole playbook at every save and names each problem.
import { Alert, Button, Card, Checkbox, Group, List, MultiSelect, NumberInput, Select, Stack, Switch, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent, type ReactNode } from 'react';
import { useNavigate } from 'react-router';
import { api, ApiError, messageOf, unwrap } from '../../api/client';
import type { components } from '../../api/schema';
import { Loading } from '../../components/states';
import { PLATFORMS, platformName, type Platform } from '../../platforms';
import type { TemplateView } from '../Templates/templates-data';
import { CATEGORIES, CATEGORY_LABELS, PLAYBOOKS_KEY, type Category, type PlaybookView } from './playbooks-data';
import { useTemplatesAndChannels } from './PlaybooksScreen';

interface ContactDraft {
  name: string;
  role: string;
  email: string;
  phone: string;
  chat: string;
}

interface MessageDraft {
  templateId: string | null;
  templateVersion: number | null;
  channelIds: string[];
  offsetMinutes: number;
  values: Record<string, string>;
  prompts: string[];
}

const EMPTY_CONTACT: ContactDraft = { name: '', role: '', email: '', phone: '', chat: '' };
const EMPTY_MESSAGE: MessageDraft = { templateId: null, templateVersion: null, channelIds: [], offsetMinutes: 0, values: {}, prompts: [] };

/** The service's messages that start with a field ("contacts[0] …", "messages[1].templateVersion: …"). */
function detailsFor(error: unknown, prefixes: string[]): string[] {
  if (!(error instanceof ApiError)) {
    return [];
  }
  return error.details.filter((d) => prefixes.some((p) => d.startsWith(p)));
}

export function PlaybookForm({ playbook }: { playbook?: PlaybookView }): ReactNode {
  const { templates, channels, loaded } = useTemplatesAndChannels();
  if (!loaded) {
    return <Loading label="Loading templates and channels…" />;
  }
  return <PlaybookFields playbook={playbook} templates={templates} channels={channels} />;
}

function PlaybookFields({ playbook, templates, channels }: { playbook?: PlaybookView; templates: Map<string, TemplateView>; channels: ReturnType<typeof useTemplatesAndChannels>['channels'] }): ReactNode {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [name, setName] = useState(playbook?.name ?? '');
  const [category, setCategory] = useState<Category>(playbook?.category ?? 'platform_outage');
  const [level, setLevel] = useState<string>(String(playbook?.level ?? 2));
  const [platforms, setPlatforms] = useState<Platform[]>(playbook?.platforms ?? []);
  const [pauseAds, setPauseAds] = useState(playbook?.pauseAds ?? false);
  const [approvalsRequired, setApprovalsRequired] = useState<string | number>(playbook?.approvalsRequired ?? '');
  const [contacts, setContacts] = useState<ContactDraft[]>(
    playbook?.contacts.map((c) => ({ name: c.name, role: c.role, email: c.email ?? '', phone: c.phone ?? '', chat: c.chat ?? '' })) ?? [{ ...EMPTY_CONTACT }],
  );
  const [messages, setMessages] = useState<MessageDraft[]>(playbook?.messages.map((m) => ({ ...m, values: { ...m.values }, prompts: [...m.prompts] })) ?? []);
  const [reason, setReason] = useState('');
  const [tried, setTried] = useState(false);

  const usable = [...templates.values()].filter((t) => !t.archivedAt && t.approvedVersions.length > 0);
  const setContact = (i: number, change: Partial<ContactDraft>): void => setContacts((cs) => cs.map((c, j) => (j === i ? { ...c, ...change } : c)));
  const setMessage = (i: number, change: Partial<MessageDraft>): void => setMessages((ms) => ms.map((m, j) => (j === i ? { ...m, ...change } : m)));

  const save = useMutation({
    mutationFn: () => {
      const body = {
        name: name.trim(),
        category,
        level: Number(level) as 1 | 2 | 3,
        platforms: platforms.length > 0 ? platforms : null,
        pauseAds,
        approvalsRequired: approvalsRequired === '' ? null : Number(approvalsRequired),
        contacts: contacts.map((c) => ({ name: c.name.trim(), role: c.role.trim(), email: c.email.trim() || null, phone: c.phone.trim() || null, chat: c.chat.trim() || null })),
        messages: messages.map((m) => ({
          templateId: m.templateId ?? '',
          templateVersion: m.templateVersion ?? 0,
          channelIds: m.channelIds,
          offsetMinutes: m.offsetMinutes,
          values: Object.fromEntries(Object.entries(m.values).filter(([key, v]) => v.trim() !== '' && !m.prompts.includes(key))),
          prompts: m.prompts,
        })),
      };
      // The generated DTO types level as an object (an enum of numbers); the service validates the body whatever its type says.
      type Body = components['schemas']['CreatePlaybookDto'];
      const sent = body as unknown as Body;
      return playbook
        ? unwrap(api.PATCH('/api/playbooks/{id}', { params: { path: { id: playbook.id } }, body: { ...sent, ...(reason.trim() ? { reason: reason.trim() } : {}) } }))
        : unwrap(api.POST('/api/playbooks', { body: sent }));
    },
    onSuccess: async (saved) => {
      await queryClient.invalidateQueries({ queryKey: PLAYBOOKS_KEY });
      notifications.show({ closeButtonProps: { 'aria-label': 'Dismiss' }, color: 'green', title: 'Playbook saved', message: `${saved.name} (revision ${saved.revision}) is checked and ready to rehearse.` });
      await navigate(`/playbooks/${saved.id}`);
    },
  });

  const nameError = tried && name.trim() === '' ? 'Name the scenario' : detailsFor(save.error, ['name ']).join('; ') || undefined;
  const incomplete = messages.some((m) => !m.templateId || !m.templateVersion || m.channelIds.length === 0);
  const placed = (d: string): boolean => /^(name |contacts|messages)/.test(d);
  const rest = save.error instanceof ApiError ? save.error.details.filter((d) => !placed(d)) : [];

  const submit = (event: FormEvent): void => {
    event.preventDefault();
    setTried(true);
    if (name.trim() === '' || incomplete || contacts.length === 0) {
      return;
    }
    save.mutate();
  };

  return (
    <form noValidate onSubmit={submit} aria-labelledby="playbook-form-title">
      <Stack gap="md" maw={960}>
        <Title order={2} id="playbook-form-title">
          {playbook ? `Edit ${playbook.name}` : 'New playbook'}
        </Title>
        <Text size="sm" c="dimmed">
          What a crisis of this kind does when the switch is flipped with this playbook. Every message is checked now: an approved template version, connected channels, texts within each platform's limit.
        </Text>
        <TextInput label="Scenario" description="Unique among the live playbooks, e.g. Checkout outage." required maxLength={200} value={name} onChange={(e) => setName(e.currentTarget.value)} error={nameError} data-autofocus />
        <Group grow align="flex-start">
          <Select label="Kind of crisis" data={CATEGORIES.map((c) => ({ value: c, label: CATEGORY_LABELS[c] }))} value={category} onChange={(v) => v && setCategory(v)} allowDeselect={false} />
          <Select
            label="Crisis level"
            description="The level the switch turns on."
            data={['1', '2', '3'].map((l) => ({ value: l, label: `Level ${l}` }))}
            value={level}
            onChange={(v) => v && setLevel(v)}
            allowDeselect={false}
          />
          <NumberInput
            label="Crisis approvals per post"
            description="Empty: the workspace's policy for the level."
            min={1}
            max={5}
            allowDecimal={false}
            value={approvalsRequired}
            onChange={setApprovalsRequired}
          />
        </Group>
        <MultiSelect
          label="Platforms to hold"
          description="Leave empty to hold every platform."
          data={PLATFORMS.map((p) => ({ value: p, label: platformName(p) }))}
          value={platforms}
          onChange={(v) => setPlatforms(v)}
          clearable
        />
        <Switch label="Pause the paid campaigns in scope at activation" checked={pauseAds} onChange={(e) => setPauseAds(e.currentTarget.checked)} />

        <Stack gap="xs" component="fieldset" style={{ border: 0, padding: 0, margin: 0 }}>
          <Title order={3} size="h5" component="legend">
            Contacts and responsibilities
          </Title>
          <Text size="sm" c="dimmed">
            Who does what in this scenario, and at least one way to reach each of them.
          </Text>
          {contacts.map((c, i) => {
            const problems = detailsFor(save.error, [`contacts[${i}]`, `contacts.${i}.`]);
            const n = i + 1;
            return (
              <Card key={i} withBorder padding="sm" radius="sm" data-testid="contact-fields">
                <Stack gap="xs">
                  <Group grow align="flex-start">
                    <TextInput label={`Contact ${n}: name`} required maxLength={100} value={c.name} onChange={(e) => setContact(i, { name: e.currentTarget.value })} error={tried && c.name.trim() === '' ? 'Name them' : undefined} />
                    <TextInput label={`Contact ${n}: responsibility`} required maxLength={100} placeholder="e.g. Head of communications" value={c.role} onChange={(e) => setContact(i, { role: e.currentTarget.value })} error={tried && c.role.trim() === '' ? 'Say what they are responsible for' : undefined} />
                  </Group>
                  <Group grow align="flex-start">
                    <TextInput label={`Contact ${n}: email`} type="email" maxLength={254} value={c.email} onChange={(e) => setContact(i, { email: e.currentTarget.value })} />
                    <TextInput label={`Contact ${n}: phone`} maxLength={30} value={c.phone} onChange={(e) => setContact(i, { phone: e.currentTarget.value })} />
                    <TextInput label={`Contact ${n}: chat`} maxLength={200} placeholder="e.g. slack:@ana" value={c.chat} onChange={(e) => setContact(i, { chat: e.currentTarget.value })} />
                  </Group>
                  {problems.length > 0 ? (
                    <Text size="sm" c="red.9" role="alert">
                      {problems.join('; ')}
                    </Text>
                  ) : null}
                  {contacts.length > 1 ? (
                    <Group justify="flex-end">
                      <Button variant="subtle" color="red" size="xs" onClick={() => setContacts((cs) => cs.filter((_, j) => j !== i))}>
                        Remove contact {n}
                      </Button>
                    </Group>
                  ) : null}
                </Stack>
              </Card>
            );
          })}
          <Group>
            <Button variant="default" size="xs" onClick={() => setContacts((cs) => [...cs, { ...EMPTY_CONTACT }])}>
              Add a contact
            </Button>
          </Group>
        </Stack>

        <Stack gap="xs" component="fieldset" style={{ border: 0, padding: 0, margin: 0 }}>
          <Title order={3} size="h5" component="legend">
            Messages to stage
          </Title>
          <Text size="sm" c="dimmed">
            {usable.length === 0
              ? 'No template has an approved version yet: write one under Templates and have it approved, then stage it here.'
              : 'Each one is created at activation from an approved template version and waits for crisis sign-off.'}
          </Text>
          {messages.map((m, i) => (
            <MessageFields
              key={i}
              index={i}
              message={m}
              usable={usable}
              templates={templates}
              channels={channels}
              tried={tried}
              problems={detailsFor(save.error, [`messages[${i}]`, `messages.${i}.`])}
              onChange={(change) => setMessage(i, change)}
              onRemove={() => setMessages((ms) => ms.filter((_, j) => j !== i))}
            />
          ))}
          <Group>
            <Button variant="default" size="xs" onClick={() => setMessages((ms) => [...ms, { ...EMPTY_MESSAGE }])} disabled={usable.length === 0}>
              Add a message
            </Button>
          </Group>
        </Stack>

        {playbook ? <TextInput label="Why the change" description="Optional; kept in the audit trail." maxLength={500} value={reason} onChange={(e) => setReason(e.currentTarget.value)} /> : null}

        {save.isError && (rest.length > 0 || !(save.error instanceof ApiError) || save.error.details.length === 0) ? (
          <Alert color="red" variant="light" role="alert" title="Not saved">
            {rest.length > 0 ? (
              <List size="sm">
                {rest.map((d) => (
                  <List.Item key={d}>{d}</List.Item>
                ))}
              </List>
            ) : (
              messageOf(save.error)
            )}
          </Alert>
        ) : save.isError ? (
          <Alert color="red" variant="light" role="alert" title="Not saved">
            The service found problems, shown under their fields.
          </Alert>
        ) : null}

        <Group justify="flex-end">
          <Button variant="default" onClick={() => void navigate(playbook ? `/playbooks/${playbook.id}` : '/playbooks')}>
            Cancel
          </Button>
          <Button type="submit" loading={save.isPending}>
            Save playbook
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

interface MessageProps {
  index: number;
  message: MessageDraft;
  usable: TemplateView[];
  templates: Map<string, TemplateView>;
  channels: ReturnType<typeof useTemplatesAndChannels>['channels'];
  tried: boolean;
  problems: string[];
  onChange: (change: Partial<MessageDraft>) => void;
  onRemove: () => void;
}

function MessageFields({ index, message, usable, templates, channels, tried, problems, onChange, onRemove }: MessageProps): ReactNode {
  const n = index + 1;
  const template = message.templateId ? templates.get(message.templateId) : undefined;
  const version = template?.versions.find((v) => v.version === message.templateVersion);
  const choices = usable.map((t) => ({ value: t.id, label: t.name }));
  if (template && !choices.some((c) => c.value === template.id)) {
    choices.push({ value: template.id, label: `${template.name} (no longer usable)` });
  }
  return (
    <Card withBorder padding="sm" radius="sm" data-testid="message-fields">
      <Stack gap="xs">
        <Group grow align="flex-start">
          <Select
            label={`Message ${n}: template`}
            required
            data={choices}
            value={message.templateId}
            onChange={(id) => {
              const chosen = id ? templates.get(id) : undefined;
              onChange({ templateId: id, templateVersion: chosen?.approvedVersions[0] ?? null, values: {}, prompts: [] });
            }}
            error={tried && !message.templateId ? 'Choose a template' : undefined}
          />
          <Select
            label={`Message ${n}: approved version`}
            required
            data={(template?.approvedVersions ?? []).map((v) => ({ value: String(v), label: `Version ${v}` }))}
            value={message.templateVersion ? String(message.templateVersion) : null}
            onChange={(v) => onChange({ templateVersion: v ? Number(v) : null })}
            disabled={!template}
            error={tried && message.templateId && !message.templateVersion ? 'Choose an approved version' : undefined}
          />
          <NumberInput
            label={`Message ${n}: minutes after activation`}
            description="0: as soon as it is approved."
            min={0}
            max={10080}
            allowDecimal={false}
            value={message.offsetMinutes}
            onChange={(v) => onChange({ offsetMinutes: typeof v === 'number' ? v : Number(v) || 0 })}
          />
        </Group>
        <Checkbox.Group
          label={`Message ${n}: channels`}
          required
          value={message.channelIds}
          onChange={(ids) => onChange({ channelIds: ids })}
          error={tried && message.channelIds.length === 0 ? 'Choose at least one channel' : undefined}
        >
          <Group gap="md" mt={4}>
            {channels.size === 0 ? <Text size="sm">No channels are connected: an admin connects them under Channels.</Text> : null}
            {[...channels.values()].map((c) => (
              <Checkbox key={c.id} value={c.id} label={`${c.name} (${platformName(c.platform)})`} />
            ))}
          </Group>
        </Checkbox.Group>
        {version && version.placeholders.length > 0 ? (
          <Stack gap={4}>
            <Text size="sm" fw={600}>
              Placeholders: give a value now, or ask for it at activation
            </Text>
            {version.placeholders.map((p) => {
              const asked = message.prompts.includes(p.name);
              return (
                <Group key={p.name} align="flex-end" wrap="nowrap">
                  <TextInput
                    style={{ flex: 1 }}
                    label={`Message ${n}: {{${p.name}}}`}
                    description={p.description}
                    disabled={asked}
                    value={asked ? '' : (message.values[p.name] ?? '')}
                    onChange={(e) => onChange({ values: { ...message.values, [p.name]: e.currentTarget.value } })}
                  />
                  <Checkbox
                    mb={8}
                    label={`Ask for {{${p.name}}} at activation`}
                    checked={asked}
                    onChange={(e) => onChange({ prompts: e.currentTarget.checked ? [...message.prompts, p.name] : message.prompts.filter((x) => x !== p.name) })}
                  />
                </Group>
              );
            })}
          </Stack>
        ) : null}
        {problems.length > 0 ? (
          <Text size="sm" c="red.9" role="alert">
            {problems.join('; ')}
          </Text>
        ) : null}
        <Group justify="flex-end">
          <Button variant="subtle" color="red" size="xs" onClick={onRemove}>
            Remove message {n}
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}
