// CONTRACT STUB (issue 14): the `channels-ads` helper builds this screen.
import { Title } from '@mantine/core';
import type { ReactNode } from 'react';

export function ChannelsScreen(): ReactNode {
  return <Title order={2}>Channels</Title>;
}
