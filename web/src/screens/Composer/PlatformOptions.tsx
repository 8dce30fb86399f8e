// What some platforms take beside the text, shown for the platforms of the chosen channels only: Mastodon's
// visibility, content warning and language; Telegram's formatting and silent sending; Bluesky's languages.
import { Checkbox, Fieldset, NativeSelect, Stack, TagsInput, TextInput } from '@mantine/core';
import type { ReactNode } from 'react';
import type { PostOptions } from './draft';
import type { Platform } from './platforms';

type Mastodon = NonNullable<PostOptions['mastodon']>;
type Telegram = NonNullable<PostOptions['telegram']>;

const VISIBILITIES: { value: Mastodon['visibility']; label: string }[] = [
  { value: 'public', label: 'Public' },
  { value: 'unlisted', label: 'Unlisted: not in public timelines' },
  { value: 'private', label: 'Followers only' },
  { value: 'direct', label: 'Mentioned people only' },
];

interface Props {
  platforms: Platform[];
  value: PostOptions;
  onChange: (options: PostOptions) => void;
  error?: string;
}

export function PlatformOptions({ platforms, value, onChange, error }: Props): ReactNode {
  const shown = platforms.filter((platform) => platform === 'mastodon' || platform === 'telegram' || platform === 'bluesky');
  if (shown.length === 0) {
    return null;
  }
  const mastodon: Partial<Mastodon> = value.mastodon ?? {};
  const telegram: Telegram = value.telegram ?? {};
  const setMastodon = (patch: Partial<Mastodon>): void => onChange({ ...value, mastodon: { ...mastodon, ...patch } as Mastodon });
  const setTelegram = (patch: Partial<Telegram>): void => onChange({ ...value, telegram: { ...telegram, ...patch } });
  return (
    <Fieldset legend="Platform options" data-testid="platform-options">
      <Stack gap="sm">
        {shown.includes('mastodon') ? (
          <>
            <NativeSelect
              label="Mastodon: who sees it"
              data={VISIBILITIES}
              value={mastodon.visibility ?? 'public'}
              onChange={(event) => setMastodon({ visibility: event.currentTarget.value as Mastodon['visibility'] })}
            />
            <TextInput
              label="Mastodon: content warning"
              description="Shown before the text, which stays folded until opened"
              value={mastodon.spoilerText ?? ''}
              onChange={(event) => setMastodon({ spoilerText: event.currentTarget.value })}
            />
            <TextInput
              label="Mastodon: language"
              description="Two letters, such as en or es"
              maxLength={2}
              value={mastodon.language ?? ''}
              onChange={(event) => setMastodon({ language: event.currentTarget.value.trim().toLowerCase() })}
            />
          </>
        ) : null}
        {shown.includes('telegram') ? (
          <>
            <NativeSelect
              label="Telegram: formatting"
              description="How Telegram reads marks in the text"
              data={[
                { value: '', label: 'Plain text' },
                { value: 'HTML', label: 'HTML (<b>, <i>, <a href>)' },
                { value: 'MarkdownV2', label: 'MarkdownV2' },
              ]}
              value={telegram.parseMode ?? ''}
              onChange={(event) => setTelegram({ parseMode: (event.currentTarget.value || undefined) as Telegram['parseMode'] })}
            />
            <Checkbox label="Telegram: send silently (no notification sound)" checked={telegram.silent ?? false} onChange={(event) => setTelegram({ silent: event.currentTarget.checked })} />
          </>
        ) : null}
        {shown.includes('bluesky') ? (
          <TagsInput
            label="Bluesky: languages"
            description="Up to 3, such as en or pt-BR; feeds filter by them. Press Enter after each"
            maxTags={3}
            value={value.bluesky?.languages ?? []}
            onChange={(languages) => onChange({ ...value, bluesky: { languages } })}
          />
        ) : null}
        {error ? (
          <div role="alert" style={{ color: 'var(--mantine-color-red-9)', fontSize: 'var(--mantine-font-size-sm)' }}>
            {error}
          </div>
        ) : null}
      </Stack>
    </Fieldset>
  );
}
