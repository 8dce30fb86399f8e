// The media library: upload images (and MP4 video) with their alt text, see what the workspace has, describe and remove.
// The service decides a file's type from its bytes and checks each platform's limits when a post uses an item.
import { Badge, Button, Card, FileButton, Group, Image, Paper, SimpleGrid, Stack, Text, Textarea, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type DragEvent, type ReactNode } from 'react';
import { api, ApiError, messageOf, unwrap } from '../../api/client';
import type { components } from '../../api/schema';
import { Empty, ErrorState, Loading } from '../../components/states';
import { useSession } from '../../session/session';
import { notify } from '../Channels/notify';
import { ConfirmModal } from '../Members/ConfirmModal';

export type MediaItem = components['schemas']['MediaItemView'];
export const MEDIA_KEY = ['media'] as const;

/** Alt text lengths the platforms take, for the hint under the field. */
const ALT_LIMITS = 'X takes 1,000 characters, Mastodon 1,500, Bluesky 2,000; Instagram and Telegram take none.';

const sizeOf = (bytes: number): string => (bytes >= 1048576 ? `${(bytes / 1048576).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`);

/** POST /api/media as multipart (the typed client sends JSON): the session's CSRF token goes with it like every change. */
export async function uploadMedia(file: File, altText: string): Promise<MediaItem> {
  const form = new FormData();
  form.append('file', file);
  if (altText.trim() !== '') {
    form.append('altText', altText);
  }
  return unwrap(api.POST('/api/media', { body: form as never, bodySerializer: (body: unknown) => body as FormData }));
}

export function useMediaLibrary(enabled = true) {
  return useQuery({ queryKey: MEDIA_KEY, queryFn: () => unwrap(api.GET('/api/media', { params: { query: { limit: 200 } } })), enabled });
}

function Uploader({ onUploaded }: { onUploaded: (item: MediaItem) => void }): ReactNode {
  const [file, setFile] = useState<File | null>(null);
  const [altText, setAltText] = useState('');
  const [dragging, setDragging] = useState(false);
  const upload = useMutation({
    mutationFn: () => uploadMedia(file!, altText),
    onSuccess: (item) => {
      setFile(null);
      setAltText('');
      onUploaded(item);
    },
  });
  const drop = (event: DragEvent<HTMLDivElement>): void => {
    event.preventDefault();
    setDragging(false);
    const dropped = event.dataTransfer.files[0];
    if (dropped) {
      upload.reset();
      setFile(dropped);
    }
  };
  return (
    <Paper
      withBorder
      p="md"
      radius="md"
      onDragOver={(event: DragEvent<HTMLDivElement>) => {
        event.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={drop}
      style={{ borderStyle: 'dashed', background: dragging ? 'var(--mantine-color-blue-0)' : undefined }}
      data-testid="media-uploader"
    >
      <Stack gap="sm">
        <Title order={2} size="h5">
          Upload
        </Title>
        <Text size="sm">Drop an image here or choose a file: JPEG, PNG, WebP or GIF (MP4 video too). Large images are resized for Bluesky.</Text>
        <Group>
          <FileButton
            onChange={(chosen) => {
              upload.reset();
              setFile(chosen);
            }}
            accept="image/jpeg,image/png,image/webp,image/gif,video/mp4"
          >
            {(props) => (
              <Button variant="default" {...props}>
                Choose a file
              </Button>
            )}
          </FileButton>
          <Text size="sm" data-testid="chosen-file">
            {file ? `${file.name} (${sizeOf(file.size)})` : 'No file chosen'}
          </Text>
        </Group>
        <Textarea
          label="Alt text"
          description={`What the image shows, for people who cannot see it. ${ALT_LIMITS}`}
          autosize
          minRows={2}
          maxLength={1500}
          value={altText}
          onChange={(event) => setAltText(event.currentTarget.value)}
        />
        {upload.error ? (
          <Text c="red.8" size="sm" role="alert">
            {upload.error instanceof ApiError && upload.error.status === 413 ? 'The file is larger than the 100 MB a library item may be.' : messageOf(upload.error)}
          </Text>
        ) : null}
        <Group>
          <Button onClick={() => upload.mutate()} disabled={!file} loading={upload.isPending}>
            Upload
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}

function MediaCard({ item, canWrite, onRemove }: { item: MediaItem; canWrite: boolean; onRemove: (item: MediaItem) => void }): ReactNode {
  const client = useQueryClient();
  const [altText, setAltText] = useState(item.altText ?? '');
  const save = useMutation({
    mutationFn: () => unwrap(api.PATCH('/api/media/{id}', { params: { path: { id: item.id } }, body: { altText: altText.trim() === '' ? null : altText } })),
    onSuccess: (saved) => {
      void client.invalidateQueries({ queryKey: MEDIA_KEY });
      notify('green', 'Alt text saved', saved.name);
    },
  });
  const changed = altText !== (item.altText ?? '');
  return (
    <Card withBorder padding="sm" radius="md" data-testid="media-card">
      <Card.Section>
        {item.kind === 'image' ? (
          <Image src={item.contentUrl} alt={item.altText ?? ''} h={160} fit="contain" bg="gray.1" />
        ) : (
          <video src={item.contentUrl} controls style={{ width: '100%', height: 160, background: '#f1f3f5' }} aria-label={item.name} />
        )}
      </Card.Section>
      <Stack gap={6} mt="sm">
        <Group justify="space-between" gap="xs" wrap="nowrap">
          <Text fw={600} size="sm" truncate="end" title={item.name}>
            {item.name}
          </Text>
          <Badge variant="light" color="gray" c="dark" radius="sm">
            {item.mimeType.split('/')[1].toUpperCase()}
          </Badge>
        </Group>
        <Text size="xs">
          {sizeOf(item.byteSize)}
          {item.width && item.height ? ` · ${item.width}×${item.height}` : ''}
        </Text>
        {canWrite ? (
          <>
            <Textarea
              label="Alt text"
              size="xs"
              autosize
              minRows={2}
              maxLength={1500}
              value={altText}
              onChange={(event) => setAltText(event.currentTarget.value)}
              error={save.error ? messageOf(save.error) : undefined}
            />
            <Group justify="space-between">
              <Button size="xs" variant="default" disabled={!changed} loading={save.isPending} onClick={() => save.mutate()}>
                Save alt text
              </Button>
              <Button size="xs" color="red" variant="subtle" onClick={() => onRemove(item)}>
                Delete
              </Button>
            </Group>
          </>
        ) : (
          <Text size="xs">{item.altText ? `Alt text: ${item.altText}` : 'No alt text'}</Text>
        )}
        {!item.altText ? (
          <Text size="xs" c="orange.9">
            No alt text yet: people using screen readers will not know what it shows.
          </Text>
        ) : null}
      </Stack>
    </Card>
  );
}

export function MediaScreen(): ReactNode {
  const { can } = useSession();
  const client = useQueryClient();
  const library = useMediaLibrary();
  const [removing, setRemoving] = useState<MediaItem | null>(null);
  const remove = useMutation({
    mutationFn: (item: MediaItem) => unwrap(api.DELETE('/api/media/{id}', { params: { path: { id: item.id } } })),
    onSuccess: () => {
      notify('green', 'Deleted', removing?.name ?? 'The item');
      setRemoving(null);
      void client.invalidateQueries({ queryKey: MEDIA_KEY });
    },
  });
  const canWrite = can('post.write');
  return (
    <Stack>
      <Title order={1} size="h2">
        Media
      </Title>
      <Text>Images for your posts, with the alt text each platform shows to people who cannot see them. Attach them in the composer.</Text>
      {canWrite ? <Uploader onUploaded={(item) => {
        notify('green', 'Uploaded', `${item.name}${item.altText ? '' : ' — add its alt text below'}`);
        void client.invalidateQueries({ queryKey: MEDIA_KEY });
      }} /> : null}
      {library.isPending ? (
        <Loading label="Loading the library…" />
      ) : library.isError ? (
        <ErrorState error={library.error} retry={() => void library.refetch()} />
      ) : library.data.length === 0 ? (
        <Empty title="No media yet" hint={canWrite ? 'Upload an image above to use it in your posts.' : 'Marketers upload the images posts use.'} />
      ) : (
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }}>
          {library.data.map((item) => (
            <MediaCard key={`${item.id}:${item.altText ?? ''}`} item={item} canWrite={canWrite} onRemove={setRemoving} />
          ))}
        </SimpleGrid>
      )}
      <ConfirmModal
        opened={removing !== null}
        title={removing ? `Delete ${removing.name}?` : 'Delete'}
        confirmLabel="Delete"
        onConfirm={() => removing && remove.mutate(removing)}
        onCancel={() => {
          remove.reset();
          setRemoving(null);
        }}
        pending={remove.isPending}
        error={remove.error}
      >
        Posts already published keep their images on the platforms. A post still to go out that uses it keeps it from being deleted.
      </ConfirmModal>
    </Stack>
  );
}
