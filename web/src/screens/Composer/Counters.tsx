// The length of the post on every chosen platform, as that platform counts it: "X 271/280", red with the excess when over.
import { Group, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import type { PlatformCount } from './draft';
import { PLATFORM_NAMES } from './platforms';

export function Counters({ counts }: { counts: PlatformCount[] }): ReactNode {
  if (counts.length === 0) {
    return (
      <Text size="sm" c="gray.7">
        Choose channels to see the length on each platform.
      </Text>
    );
  }
  return (
    <Group component="ul" gap="md" aria-label="Length on each platform" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
      {counts.map((count) => {
        const over = count.length - count.limit;
        const tooLong = over > 0;
        return (
          <Text
            component="li"
            key={count.platform}
            size="sm"
            fw={tooLong ? 700 : 500}
            c={tooLong ? 'red.9' : 'gray.8'}
            data-testid={`counter-${count.platform}`}
            title={`${count.unit}${count.overridden ? `, of the ${PLATFORM_NAMES[count.platform]} text` : ''}`}
          >
            {PLATFORM_NAMES[count.platform]} {count.length}/{count.limit}
            {tooLong ? ` · ${over} over` : ''}
            {count.overridden ? ' (own text)' : ''}
          </Text>
        );
      })}
    </Group>
  );
}
