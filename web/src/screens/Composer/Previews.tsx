// How each network will show the post: its text as that platform receives it, folded where its feed folds long
// posts, a card for the first link, the number of images. A sketch, not a pixel copy of each app.
import { Card, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import type { ChannelView, PlatformCount } from './draft';
import { PLATFORM_NAMES, type Platform } from './platforms';

/**
 * Where a feed folds a long post behind "see more", in characters (what the apps do today; no API states it).
 * The others show the whole text.
 */
const FOLD: Partial<Record<Platform, { after: number; more: string }>> = {
  linkedin: { after: 210, more: '…see more' },
  facebook: { after: 480, more: '… See more' },
  instagram: { after: 125, more: '… more' },
};

/** Platforms that draw a card for a link; Instagram captions do not link, and media takes the card's place elsewhere. */
function showsLinkCard(platform: Platform, imageCount: number): boolean {
  return platform !== 'instagram' && imageCount === 0;
}

const FIRST_URL = /https?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)\]]/i;

function firstLink(link: string | null, text: string): string | null {
  return link ?? FIRST_URL.exec(text)?.[0] ?? null;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** The text as the feed first shows it, in user-perceived characters. */
function folded(platform: Platform, text: string): { shown: string; more: string | null } {
  const fold = FOLD[platform];
  const characters = Array.from(new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text), (s) => s.segment);
  if (!fold || characters.length <= fold.after) {
    return { shown: text, more: null };
  }
  return { shown: characters.slice(0, fold.after).join('').trimEnd(), more: fold.more };
}

export interface PreviewProps {
  counts: PlatformCount[];
  channels: ChannelView[];
  link: string | null;
  imageCount: number;
}

export function Previews({ counts, channels, link, imageCount }: PreviewProps): ReactNode {
  if (counts.length === 0) {
    return (
      <Text size="sm" c="gray.7">
        The preview shows how each network will show the post once channels are chosen.
      </Text>
    );
  }
  return (
    <SimpleGrid cols={{ base: 1, md: 2, xl: 3 }} spacing="md">
      {counts.map((count) => {
        const where = channels.filter((channel) => channel.platform === count.platform);
        const { shown, more } = folded(count.platform, count.composed);
        const over = count.length - count.limit;
        const card = firstLink(link, count.composed);
        return (
          <Card key={count.platform} withBorder padding="sm" component="article" aria-label={`${PLATFORM_NAMES[count.platform]} preview`} data-testid={`preview-${count.platform}`}>
            <Stack gap="xs">
              <Group justify="space-between" gap="xs">
                <Title order={3} size="h5">
                  {PLATFORM_NAMES[count.platform]}
                </Title>
                <Text size="xs" c="gray.7">
                  {where.map((channel) => channel.handle).join(', ')}
                </Text>
              </Group>
              {over > 0 ? (
                <Text size="sm" fw={700} c="red.9">
                  Will be refused: {over} over the limit of {count.limit}
                </Text>
              ) : null}
              <Text size="sm" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
                {shown || <em>No text</em>}
                {more ? (
                  <Text span size="sm" fw={600} c="gray.8">
                    {' '}
                    {more}
                  </Text>
                ) : null}
              </Text>
              {imageCount > 0 ? (
                <Text size="sm" fw={600} c="gray.8" data-testid={`preview-${count.platform}-images`}>
                  {imageCount === 1 ? '1 image' : `${imageCount} images`}
                </Text>
              ) : null}
              {card && showsLinkCard(count.platform, imageCount) ? (
                <Card withBorder padding="xs" radius="sm" bg="gray.0" data-testid={`preview-${count.platform}-link-card`}>
                  <Text size="xs" c="gray.8">
                    Link card
                  </Text>
                  <Text size="sm" fw={600}>
                    {hostOf(card)}
                  </Text>
                  <Text size="xs" c="gray.8">
                    Title and image come from the page when it is published
                  </Text>
                </Card>
              ) : null}
            </Stack>
          </Card>
        );
      })}
    </SimpleGrid>
  );
}
