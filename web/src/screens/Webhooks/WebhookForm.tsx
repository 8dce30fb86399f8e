// The fields of a webhook, for creating and editing: URL, description, the event types it receives.
import { Alert, Button, Checkbox, Group, SimpleGrid, Stack, Textarea, TextInput } from '@mantine/core';
import { useState, type FormEvent, type ReactNode } from 'react';
import { messageOf } from '../../api/client';
import { EVENT_TYPE_LABEL, EVENT_TYPES, fieldProblem, hasFieldProblem, type WebhookEventType } from './webhooks';

export interface WebhookFields {
  url: string;
  description: string;
  eventTypes: WebhookEventType[];
}

interface Props {
  initial: WebhookFields;
  submitLabel: string;
  onSubmit: (fields: WebhookFields) => void;
  onCancel?: () => void;
  pending: boolean;
  error: unknown;
  name: string;
}

export function WebhookForm({ initial, submitLabel, onSubmit, onCancel, pending, error, name }: Props): ReactNode {
  const [fields, setFields] = useState<WebhookFields>(initial);
  const [tried, setTried] = useState(false);
  const urlError = fieldProblem(error, 'url') ?? (tried && !fields.url.trim() ? 'Enter the URL that receives the events' : undefined);
  const typesError = fieldProblem(error, 'eventTypes') ?? (tried && fields.eventTypes.length === 0 ? 'Choose at least one event' : undefined);
  const descriptionError = fieldProblem(error, 'description');
  const general = error && !hasFieldProblem(error, ['url', 'eventTypes', 'description']) ? error : null;

  const submit = (event: FormEvent): void => {
    event.preventDefault();
    setTried(true);
    if (fields.url.trim() && fields.eventTypes.length > 0) {
      onSubmit({ ...fields, url: fields.url.trim(), description: fields.description.trim() });
    }
  };

  return (
    <form onSubmit={submit} noValidate aria-label={name}>
      <Stack>
        {general ? (
          <Alert color="red" role="alert" title="Not saved">
            {messageOf(general)}
          </Alert>
        ) : null}
        <TextInput
          label="URL"
          required
          description="Events are POSTed here, signed with the webhook’s secret. http or https; the service refuses private addresses."
          placeholder="https://hooks.example.com/holdfast"
          value={fields.url}
          onChange={(e) => {
            const url = e.currentTarget.value;
            setFields((current) => ({ ...current, url }));
          }}
          error={urlError}
          maxLength={2048}
          data-autofocus
        />
        <Textarea
          label="Description"
          description="Who or what receives it, e.g. On-call pager"
          value={fields.description}
          onChange={(e) => {
            const description = e.currentTarget.value;
            setFields((current) => ({ ...current, description }));
          }}
          error={descriptionError}
          maxLength={200}
          autosize
          minRows={1}
        />
        <Checkbox.Group
          label="Events"
          description="What it receives. Test sends reach it whatever it chooses here."
          value={fields.eventTypes}
          onChange={(value) => setFields((current) => ({ ...current, eventTypes: value }))}
          error={typesError}
          required
        >
          <SimpleGrid cols={{ base: 1, sm: 2 }} mt="xs" spacing="xs">
            {EVENT_TYPES.map((type) => (
              <Checkbox key={type} value={type} label={EVENT_TYPE_LABEL[type]} description={type} />
            ))}
          </SimpleGrid>
        </Checkbox.Group>
        <Group justify="flex-end">
          {onCancel ? (
            <Button variant="default" onClick={onCancel}>
              Cancel
            </Button>
          ) : null}
          <Button type="submit" loading={pending}>
            {submitLabel}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
