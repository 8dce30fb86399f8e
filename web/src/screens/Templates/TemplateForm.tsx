// Writing a template or its next version: the text, an optional text per platform, and what each placeholder the
// texts use means. Declarations follow the texts, so a placeholder is never undeclared or unused (the service's rule).
import { Alert, Button, Checkbox, Group, Stack, Text, Textarea, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent, type ReactNode } from 'react';
import { useNavigate } from 'react-router';
import { api, ApiError, messageOf, unwrap } from '../../api/client';
import { PLATFORMS, platformName, type Platform } from '../../platforms';
import { latestOf, placeholdersIn, TEMPLATES_KEY, type TemplateView } from './templates-data';

interface Declaration {
  description: string;
  required: boolean;
}

/** The service's field messages ("body uses …", "variants.x …", "placeholders declares …") under their fields. */
function errorsFor(error: unknown, field: string): string | undefined {
  if (!(error instanceof ApiError)) {
    return undefined;
  }
  const messages = error.details.filter((d) => d === field || d.startsWith(`${field} `) || d.startsWith(`${field}.`));
  return messages.length > 0 ? messages.join('; ') : undefined;
}

export function TemplateForm({ template }: { template?: TemplateView }): ReactNode {
  const latest = template ? latestOf(template) : undefined;
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [name, setName] = useState(latest?.name ?? '');
  const [body, setBody] = useState(latest?.body ?? '');
  const [variants, setVariants] = useState<Partial<Record<Platform, string>>>(latest?.variants ?? {});
  const [declarations, setDeclarations] = useState<Record<string, Declaration>>(
    Object.fromEntries((latest?.placeholders ?? []).map((p) => [p.name, { description: p.description, required: p.required }])),
  );
  const [reason, setReason] = useState('');
  const [tried, setTried] = useState(false);

  const used = placeholdersIn([body, ...Object.values(variants).filter((v): v is string => typeof v === 'string')]);
  const declarationOf = (placeholder: string): Declaration => declarations[placeholder] ?? { description: '', required: true };
  const setDeclaration = (placeholder: string, change: Partial<Declaration>): void =>
    setDeclarations((current) => ({ ...current, [placeholder]: { ...declarationOf(placeholder), ...change } }));

  const save = useMutation({
    mutationFn: () => {
      const content = {
        name: name.trim(),
        body,
        variants: Object.fromEntries(Object.entries(variants).filter(([, text]) => typeof text === 'string')),
        placeholders: used.map((placeholder) => ({ name: placeholder, description: declarationOf(placeholder).description.trim(), required: declarationOf(placeholder).required })),
      };
      return template
        ? unwrap(api.PATCH('/api/templates/{id}', { params: { path: { id: template.id } }, body: { ...content, ...(reason.trim() ? { reason: reason.trim() } : {}) } }))
        : unwrap(api.POST('/api/templates', { body: content }));
    },
    onSuccess: async (saved) => {
      await queryClient.invalidateQueries({ queryKey: TEMPLATES_KEY });
      const unchanged = template && saved.currentVersion === template.currentVersion;
      notifications.show({
        closeButtonProps: { 'aria-label': 'Dismiss' },
        color: 'green',
        title: unchanged ? 'Nothing changed' : `Version ${saved.currentVersion} saved`,
        message: unchanged ? 'The text and placeholders are as in the latest version, so no new version was made.' : `${saved.name} waits for an approver who did not write it.`,
      });
      await navigate(`/templates/${saved.id}`);
    },
  });

  const missingDescription = used.filter((p) => declarationOf(p).description.trim() === '');
  const nameError = tried && name.trim() === '' ? 'Give the template a name' : errorsFor(save.error, 'name');
  const bodyError = tried && body.trim() === '' ? 'Write the text the audience receives' : errorsFor(save.error, 'body');
  const unplaced = save.error instanceof ApiError && save.error.details.length === 0 ? messageOf(save.error) : null;
  const otherDetails = save.error instanceof ApiError ? save.error.details.filter((d) => !/^(name|body|variants|placeholders)\b/.test(d)) : [];

  const submit = (event: FormEvent): void => {
    event.preventDefault();
    setTried(true);
    if (name.trim() === '' || body.trim() === '' || missingDescription.length > 0) {
      return;
    }
    save.mutate();
  };

  return (
    <form noValidate onSubmit={submit} aria-labelledby="template-form-title">
      <Stack gap="md" maw={860}>
        <Title order={2} id="template-form-title">
          {template ? `Edit ${template.name}` : 'New template'}
        </Title>
        <Text size="sm" c="dimmed">
          {template
            ? `Saving makes version ${template.currentVersion + 1}, waiting for approval. Earlier versions keep their content and approval, and playbooks keep the version they name.`
            : 'A template is a message written and approved before it is needed. Version 1 waits for an approver who did not write it.'}
        </Text>
        <TextInput label="Name" required maxLength={200} value={name} onChange={(e) => setName(e.currentTarget.value)} error={nameError} data-autofocus />
        <Textarea
          label="Text"
          description="What every platform receives unless it has a text of its own. Write {{name}} where a value goes in, e.g. {{service}}."
          required
          autosize
          minRows={4}
          maxLength={10000}
          value={body}
          onChange={(e) => setBody(e.currentTarget.value)}
          error={bodyError}
        />

        <Stack gap="xs">
          <Title order={3} size="h5">
            Text per platform
          </Title>
          <Text size="sm" c="dimmed">
            Optional: a platform with a text of its own receives it instead, e.g. a shorter one for X. Use the same placeholders.
          </Text>
          <Group gap="md">
            {PLATFORMS.map((platform) => (
              <Checkbox
                key={platform}
                label={`Own text for ${platformName(platform)}`}
                checked={typeof variants[platform] === 'string'}
                onChange={(e) => {
                  const on = e.currentTarget.checked;
                  setVariants((current) => {
                    const next = { ...current };
                    if (on) {
                      next[platform] = body;
                    } else {
                      delete next[platform];
                    }
                    return next;
                  });
                }}
              />
            ))}
          </Group>
          {PLATFORMS.filter((platform) => typeof variants[platform] === 'string').map((platform) => (
            <Textarea
              key={platform}
              label={`Text on ${platformName(platform)}`}
              autosize
              minRows={2}
              maxLength={10000}
              value={variants[platform]}
              onChange={(e) => {
                const text = e.currentTarget.value;
                setVariants((current) => ({ ...current, [platform]: text }));
              }}
              error={errorsFor(save.error, `variants.${platform}`)}
            />
          ))}
        </Stack>

        <Stack gap="xs" data-testid="placeholder-declarations">
          <Title order={3} size="h5">
            Placeholders
          </Title>
          {used.length === 0 ? (
            <Text size="sm" c="dimmed">
              The text uses no placeholders. Write {'{{name}}'} in it where a value goes in at the time of use; each one is then explained here.
            </Text>
          ) : (
            <Text size="sm" c="dimmed">
              Each placeholder the texts use, and what the person filling it in must give. A required one must be given before the message can go out.
            </Text>
          )}
          {used.map((placeholder) => (
            <Group key={placeholder} align="flex-end" wrap="nowrap">
              <TextInput
                style={{ flex: 1 }}
                label={`What {{${placeholder}}} means`}
                required
                maxLength={500}
                value={declarationOf(placeholder).description}
                onChange={(e) => setDeclaration(placeholder, { description: e.currentTarget.value })}
                error={tried && declarationOf(placeholder).description.trim() === '' ? `Say what {{${placeholder}}} stands for: whoever fills it in reads this` : undefined}
              />
              <Checkbox
                mb={8}
                label={`{{${placeholder}}} is required`}
                checked={declarationOf(placeholder).required}
                onChange={(e) => setDeclaration(placeholder, { required: e.currentTarget.checked })}
              />
            </Group>
          ))}
          {errorsFor(save.error, 'placeholders') ? (
            <Text size="sm" c="red.9" role="alert">
              {errorsFor(save.error, 'placeholders')}
            </Text>
          ) : null}
        </Stack>

        {template ? (
          <TextInput label="Why the change" description="Optional; kept in the audit trail." maxLength={500} value={reason} onChange={(e) => setReason(e.currentTarget.value)} />
        ) : null}

        {unplaced || otherDetails.length > 0 ? (
          <Alert color="red" variant="light" role="alert" title="Not saved">
            {unplaced ?? otherDetails.join('; ')}
          </Alert>
        ) : save.isError && !(save.error instanceof ApiError) ? (
          <Alert color="red" variant="light" role="alert" title="Not saved">
            {messageOf(save.error)}
          </Alert>
        ) : null}

        <Group justify="flex-end">
          <Button variant="default" onClick={() => void navigate(template ? `/templates/${template.id}` : '/templates')}>
            Cancel
          </Button>
          <Button type="submit" loading={save.isPending}>
            {template ? `Save version ${template.currentVersion + 1}` : 'Save version 1'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
