// Library media in the composer: the attached items in order (with their alt text or its absence), and a picker
// over the workspace's library. The service checks each platform's limits when the post is sent.
import { Alert, Anchor, Button, Checkbox, CloseButton, Group, Image, Modal, Paper, SimpleGrid, Stack, Text } from '@mantine/core';
import { useState, type ReactNode } from 'react';
import { Link } from 'react-router';
import { Empty, ErrorState, Loading } from '../../components/states';
import { useMediaLibrary, type MediaItem } from '../Media/MediaScreen';

export function MediaPicker({ value, onChange, error }: { value: string[]; onChange: (ids: string[]) => void; error?: string }): ReactNode {
  const [open, setOpen] = useState(false);
  const library = useMediaLibrary();
  const byId = new Map((library.data ?? []).map((item) => [item.id, item]));
  const attached = value.map((id) => byId.get(id)).filter((item): item is MediaItem => item !== undefined);
  const toggle = (id: string): void => onChange(value.includes(id) ? value.filter((v) => v !== id) : [...value, id]);
  return (
    <Stack gap={6}>
      <Text size="sm" fw={500}>
        Media from the library
      </Text>
      <Text size="xs">
        Uploaded under <Anchor component={Link} to="/media">Media</Anchor>, with alt text, uploaded to each platform in its own way (resized for Bluesky's 1 MB; Telegram shows no alt text).
      </Text>
      {attached.length > 0 ? (
        <Group gap="xs" data-testid="attached-media">
          {attached.map((item, index) => (
            <Paper key={item.id} withBorder p={4} radius="sm">
              <Group gap={6} wrap="nowrap">
                {item.kind === 'image' ? <Image src={item.contentUrl} alt={item.altText ?? ''} w={40} h={40} fit="cover" radius="xs" /> : null}
                <Stack gap={0}>
                  <Text size="xs" fw={600}>
                    {index + 1}. {item.name}
                  </Text>
                  <Text size="xs" c={item.altText ? undefined : 'orange.9'}>
                    {item.altText ? 'Has alt text' : 'No alt text'}
                  </Text>
                </Stack>
                <CloseButton size="sm" aria-label={`Remove ${item.name}`} onClick={() => toggle(item.id)} />
              </Group>
            </Paper>
          ))}
        </Group>
      ) : null}
      {error ? (
        <Text size="sm" c="red.8" role="alert">
          {error}
        </Text>
      ) : null}
      <Group>
        <Button variant="default" size="xs" onClick={() => setOpen(true)}>
          {attached.length > 0 ? 'Change media' : 'Add from the library'}
        </Button>
      </Group>
      <Modal opened={open} onClose={() => setOpen(false)} title="Choose media" size="xl" closeButtonProps={{ 'aria-label': 'Close' }}>
        {library.isPending ? (
          <Loading label="Loading the library…" />
        ) : library.isError ? (
          <ErrorState error={library.error} retry={() => void library.refetch()} />
        ) : library.data.length === 0 ? (
          <Empty title="The library is empty" hint={<>Upload images under <Anchor component={Link} to="/media">Media</Anchor> first.</>} />
        ) : (
          <Stack>
            <SimpleGrid cols={{ base: 2, sm: 4 }}>
              {library.data.map((item) => (
                <Paper key={item.id} withBorder p="xs" radius="sm">
                  <Stack gap={4}>
                    {item.kind === 'image' ? <Image src={item.contentUrl} alt={item.altText ?? ''} h={90} fit="contain" bg="gray.1" /> : null}
                    <Checkbox
                      label={item.name}
                      description={item.altText ? `Alt: ${item.altText}` : 'No alt text'}
                      checked={value.includes(item.id)}
                      onChange={() => toggle(item.id)}
                    />
                  </Stack>
                </Paper>
              ))}
            </SimpleGrid>
            {attached.some((item) => !item.altText) ? (
              <Alert color="orange" variant="light" title="Some images have no alt text">
                <Text size="sm" c="dark">People using screen readers will not know what they show: add it under Media.</Text>
              </Alert>
            ) : null}
            <Group justify="flex-end">
              <Button onClick={() => setOpen(false)}>Done</Button>
            </Group>
          </Stack>
        )}
      </Modal>
    </Stack>
  );
}
