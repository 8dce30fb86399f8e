// The composer's form: text and per-platform texts with live counters, media, labels, channels, when, a preview per
// network; checks what the service would refuse before sending, and puts the service's own refusals on their fields.
import {
  Alert,
  Badge,
  Button,
  Checkbox,
  Fieldset,
  Grid,
  Group,
  Modal,
  NativeSelect,
  Radio,
  Stack,
  TagsInput,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useMemo, useRef, useState, type CSSProperties, type FormEvent, type ReactNode } from 'react';
import {
  changesContent,
  checkDraft,
  countFor,
  describeViolation,
  fieldOfViolation,
  imageUrlsOf,
  platformsOf,
  type ChannelView,
  type Draft,
  type FieldErrors,
} from './draft';
import { Counters } from './Counters';
import { FIELDS } from './field-of-message';
import { byPlatformOrder, PLATFORM_NAMES, type Platform } from './platforms';
import { MediaPicker } from './MediaPicker';
import { PlatformOptions } from './PlatformOptions';
import { Previews } from './Previews';
import { instantOf, showInstant, timeZones } from './zoned-time';

/** A warning's look: Mantine's orange title is below AA contrast on its light background, so the title is dark. */
export const WARNING = { color: 'orange', variant: 'light', styles: { title: { color: 'var(--mantine-color-dark-9)' } } } as const;

export interface ComposerFormProps {
  channels: ChannelView[];
  initial: Draft;
  /** Set when editing: the saved post as a form, to tell what changed. */
  original?: Draft;
  /** Whether saving a content change sends the post back to approval (and voids the approvals it has). */
  editVoidsApprovals?: boolean;
  workspaceZone: string;
  saving: boolean;
  /** The service's refusal of the last save, by field. */
  serviceErrors: FieldErrors;
  onFieldChanged: (fields: string[]) => void;
  onSubmit: (draft: Draft) => void;
  onCancel: () => void;
}

function messages(errors: FieldErrors, field: string): string | undefined {
  const list = errors[field];
  return list && list.length > 0 ? list.join(' · ') : undefined;
}

export function ComposerForm(props: ComposerFormProps): ReactNode {
  const { channels, initial, original, editVoidsApprovals = false, workspaceZone, saving, serviceErrors, onFieldChanged } = props;
  const [typed, setDraft] = useState<Draft>(initial);
  // A channel disconnected meanwhile (the live stream refetches the list) leaves it, its checkbox with it: it is no
  // longer chosen either, and the form says so by name rather than letting the post go out on fewer channels unseen.
  const names = useRef(new Map<string, string>()).current;
  channels.forEach((channel) => names.set(channel.id, channel.name));
  const draft: Draft = { ...typed, channelIds: typed.channelIds.filter((id) => channels.some((channel) => channel.id === id)) };
  const vanished = typed.channelIds.filter((id) => !draft.channelIds.includes(id)).map((id) => names.get(id) ?? 'A channel');
  const [attempted, setAttempted] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const zones = useMemo(() => timeZones(), []);

  const platforms = platformsOf(draft, channels);
  const counts = platforms.map((platform) => countFor(draft, platform));
  const checked = checkDraft(draft, channels);
  // Before the first save only the limits show, live as the text is typed; "write the text" would shout at an empty form.
  const shown: FieldErrors = {};
  if (attempted) {
    Object.assign(shown, checked);
  } else {
    for (const count of counts) {
      for (const violation of count.violations) {
        (shown[fieldOfViolation(count, violation)] ??= []).push(describeViolation(count, violation));
      }
    }
  }
  // A refusal about a field the form does not show (another platform's text, say) goes to the form's own message.
  const rendered = new Set([...FIELDS, ...platforms.filter((p) => draft.platformText[p] !== undefined).map((p) => `platformText.${p}`)]);
  for (const [field, list] of Object.entries(serviceErrors)) {
    const where = rendered.has(field) ? field : 'form';
    shown[where] = [...(shown[where] ?? []), ...list];
  }
  const problemCount = Object.entries(checked).reduce((n, [, list]) => n + list.length, 0);
  const voids = original !== undefined && editVoidsApprovals && changesContent(draft, original, channels);

  const update = (patch: Partial<Draft>, fields: string[]): void => {
    setDraft((current) => ({ ...current, ...patch }));
    onFieldChanged(fields);
  };

  const setOverride = (platform: Platform, text: string | undefined): void => {
    const platformText = { ...draft.platformText };
    if (text === undefined) {
      delete platformText[platform];
    } else {
      platformText[platform] = text;
    }
    update({ platformText }, [`platformText.${platform}`, 'text']);
  };

  const submit = (event: FormEvent): void => {
    event.preventDefault();
    setAttempted(true);
    if (problemCount > 0) {
      return;
    }
    if (voids) {
      setConfirming(true);
      return;
    }
    props.onSubmit(draft);
  };

  const scheduled = draft.when === 'schedule' ? instantOf(draft.wall, draft.timeZone) : null;
  const byPlatform = new Map<Platform, ChannelView[]>();
  for (const channel of channels) {
    byPlatform.set(channel.platform, [...(byPlatform.get(channel.platform) ?? []), channel]);
  }
  const editing = original !== undefined;
  const submitLabel = editing ? 'Save changes' : draft.when === 'now' ? 'Publish now' : 'Schedule post';

  return (
    // Mantine's error red (red.6) is below AA contrast on white: errors here use red.9.
    <form onSubmit={submit} noValidate aria-label={editing ? 'Edit post' : 'New post'} style={{ '--mantine-color-error': 'var(--mantine-color-red-9)' } as CSSProperties}>
      <Grid gap="xl">
        <Grid.Col span={{ base: 12, lg: 7 }}>
          <Stack gap="md">
            {voids ? (
              <Alert {...WARNING} title="Saving voids this post's approvals" data-testid="void-warning">
                <Text size="sm">This changes what approvers signed off: the post goes back to waiting for approval, and nothing of it is published until it is approved again.</Text>
              </Alert>
            ) : original !== undefined && editVoidsApprovals ? (
              <Text size="sm" data-testid="approval-note">
                Changing the text, the images, the link or the channels voids this post&apos;s approvals; moving it or relabelling it does not.
              </Text>
            ) : null}
            {messages(shown, 'form') ? (
              <Alert color="red" variant="light" role="alert" title="The service refused the post">
                <Text size="sm">{messages(shown, 'form')}</Text>
              </Alert>
            ) : null}
            {attempted && problemCount > 0 ? (
              <Alert color="red" variant="light" role="alert" title={problemCount === 1 ? 'One thing to fix before saving' : `${problemCount} things to fix before saving`}>
                <Text size="sm">Each is shown on its field below.</Text>
              </Alert>
            ) : null}

            <Fieldset legend="Channels">
              <Stack gap="sm">
                {[...byPlatform.keys()].sort(byPlatformOrder).map((platform) => (
                  <Checkbox.Group
                    key={platform}
                    label={PLATFORM_NAMES[platform]}
                    value={draft.channelIds.filter((id) => byPlatform.get(platform)!.some((channel) => channel.id === id))}
                    onChange={(ids) => {
                      const others = draft.channelIds.filter((id) => !byPlatform.get(platform)!.some((channel) => channel.id === id));
                      update({ channelIds: [...others, ...ids] }, ['channelIds']);
                    }}
                  >
                    <Group gap="md" mt={4}>
                      {byPlatform.get(platform)!.map((channel) => (
                        <Checkbox
                          key={channel.id}
                          value={channel.id}
                          label={
                            <>
                              {channel.name}{' '}
                              <Text span size="sm" c="gray.7">
                                {channel.handle}
                              </Text>
                              {channel.status === 'needs_reauth' ? (
                                <Badge ml={6} size="sm" color="red.9" variant="filled">
                                  needs reconnecting
                                </Badge>
                              ) : null}
                            </>
                          }
                        />
                      ))}
                    </Group>
                  </Checkbox.Group>
                ))}
                {vanished.length > 0 ? (
                  <Text size="sm" c="orange.9" role="alert" data-testid="channels-vanished">
                    {vanished.join(', ')} {vanished.length === 1 ? 'was' : 'were'} disconnected meanwhile and {vanished.length === 1 ? 'is' : 'are'} no
                    longer chosen.
                  </Text>
                ) : null}
                {messages(shown, 'channelIds') ? (
                  <Text size="sm" c="red.9" role="alert" data-testid="channels-error">
                    {messages(shown, 'channelIds')}
                  </Text>
                ) : null}
              </Stack>
            </Fieldset>

            <Textarea
              label="Text"
              description="Sent to every chosen channel unless a platform has its own text"
              autosize
              minRows={5}
              maxRows={16}
              value={draft.text}
              onChange={(event) => update({ text: event.currentTarget.value }, ['text'])}
              error={messages(shown, 'text')}
              required
            />
            <Counters counts={counts} />

            {platforms.length > 0 ? (
              <Stack gap="xs">
                {platforms.map((platform) =>
                  draft.platformText[platform] === undefined ? (
                    <Group key={platform}>
                      <Button variant="default" size="compact-sm" onClick={() => setOverride(platform, draft.text)}>
                        Write a different {PLATFORM_NAMES[platform]} text
                      </Button>
                    </Group>
                  ) : (
                    <Stack key={platform} gap={4}>
                      <Textarea
                        label={`Text for ${PLATFORM_NAMES[platform]}`}
                        description={`Used on ${PLATFORM_NAMES[platform]} instead of the main text`}
                        autosize
                        minRows={3}
                        value={draft.platformText[platform]}
                        onChange={(event) => setOverride(platform, event.currentTarget.value)}
                        error={messages(shown, `platformText.${platform}`)}
                      />
                      <Group>
                        <Button variant="default" size="compact-sm" onClick={() => setOverride(platform, undefined)}>
                          Use the main text on {PLATFORM_NAMES[platform]}
                        </Button>
                      </Group>
                    </Stack>
                  ),
                )}
              </Stack>
            ) : null}

            <TextInput
              label="Link"
              description="Shown with the post; added to the text where the platform shows links in the text"
              value={draft.link}
              onChange={(event) => update({ link: event.currentTarget.value }, ['link'])}
              error={messages(shown, 'link')}
            />
            <Textarea
              label="Image URLs"
              description="One public URL a line; the platforms fetch them"
              autosize
              minRows={2}
              value={draft.imageUrls}
              onChange={(event) => update({ imageUrls: event.currentTarget.value }, ['imageUrls'])}
              error={messages(shown, 'imageUrls')}
            />
            <MediaPicker value={draft.mediaIds} onChange={(mediaIds) => update({ mediaIds }, ['mediaIds'])} error={messages(shown, 'mediaIds')} />
            <PlatformOptions platforms={platforms} value={draft.options} onChange={(options) => update({ options }, ['options'])} error={messages(shown, 'options')} />
            <TagsInput
              label="Labels"
              description="Press Enter after each label"
              value={draft.labels}
              onChange={(labels) => update({ labels }, ['labels'])}
              error={messages(shown, 'labels')}
              clearable
            />

            <Fieldset legend="When">
              <Stack gap="sm">
                <Radio.Group value={draft.when} onChange={(when) => update({ when: when }, ['scheduledAt', 'publishNow'])} label="Publish">
                  <Group mt={4}>
                    <Radio value="schedule" label="At a date and time" />
                    <Radio value="now" label="Now" />
                  </Group>
                </Radio.Group>
                {draft.when === 'schedule' ? (
                  <>
                    <Group align="flex-start" grow>
                      <TextInput
                        type="date"
                        label="Date"
                        value={draft.wall.date}
                        onChange={(event) => update({ wall: { ...draft.wall, date: event.currentTarget.value } }, ['scheduledAt'])}
                        error={messages(shown, 'scheduledAt') ? true : undefined}
                      />
                      <TextInput
                        type="time"
                        label="Time"
                        value={draft.wall.time}
                        onChange={(event) => update({ wall: { ...draft.wall, time: event.currentTarget.value } }, ['scheduledAt'])}
                        error={messages(shown, 'scheduledAt') ? true : undefined}
                      />
                      <NativeSelect
                        label="Time zone"
                        value={draft.timeZone}
                        data={zones.includes(draft.timeZone) ? zones : [draft.timeZone, ...zones]}
                        onChange={(event) => update({ timeZone: event.currentTarget.value }, ['scheduledAt', 'timeZone'])}
                        error={messages(shown, 'timeZone')}
                      />
                    </Group>
                    {messages(shown, 'scheduledAt') ? (
                      <Text size="sm" c="red.9" role="alert" data-testid="scheduled-at-error">
                        {messages(shown, 'scheduledAt')}
                      </Text>
                    ) : null}
                    {scheduled ? (
                      <Text size="sm" data-testid="instant-summary">
                        Publishes {showInstant(scheduled.instant, draft.timeZone)} in {draft.timeZone}
                        {draft.timeZone === workspaceZone ? (
                          " (the workspace's time zone)"
                        ) : (
                          <>
                            {', which is '}
                            <Text span fw={600} size="sm" data-testid="instant-in-workspace-zone">
                              {showInstant(scheduled.instant, workspaceZone)} in {workspaceZone}
                            </Text>
                            {" (the workspace's time zone)"}
                          </>
                        )}
                      </Text>
                    ) : null}
                  </>
                ) : (
                  <Text size="sm">Publishes as soon as it is saved (and approved, where the workspace asks for approval).</Text>
                )}
              </Stack>
            </Fieldset>

            <Group>
              <Button type="submit" loading={saving}>
                {submitLabel}
              </Button>
              <Button variant="default" onClick={props.onCancel}>
                Cancel
              </Button>
            </Group>
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 5 }}>
          <Stack gap="sm" component="section" aria-label="Preview">
            <Title order={2} size="h4">
              Preview
            </Title>
            <Previews counts={counts} channels={channels.filter((channel) => draft.channelIds.includes(channel.id))} link={draft.link.trim() || null} imageCount={imageUrlsOf(draft).length + draft.mediaIds.length} />
          </Stack>
        </Grid.Col>
      </Grid>

      <Modal opened={confirming} onClose={() => setConfirming(false)} title="Void this post's approvals?" closeButtonProps={{ 'aria-label': 'Close' }}>
        <Stack>
          <Text size="sm">Saving this change voids every approval the post has. It waits for approval again, and is not published until it is approved.</Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirming(false)}>
              Keep editing
            </Button>
            <Button
              color="red.9"
              onClick={() => {
                setConfirming(false);
                props.onSubmit(draft);
              }}
            >
              Save and void approvals
            </Button>
          </Group>
        </Stack>
      </Modal>
    </form>
  );
}
