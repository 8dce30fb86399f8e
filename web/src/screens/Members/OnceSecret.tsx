// A secret the service shows once (an invite link, an API key): readable, selectable and copyable. Over plain http on
// a LAN name the browser has no clipboard API, so Copy then selects the text for the person to copy themselves.
import { Button, Group, Stack, Text, TextInput } from '@mantine/core';
import { useRef, useState, type ReactNode } from 'react';

type Copied = 'idle' | 'copied' | 'selected';

export function OnceSecret({ label, value, description }: { label: string; value: string; description?: ReactNode }): ReactNode {
  const input = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<Copied>('idle');

  const selectText = (): void => {
    input.current?.focus();
    input.current?.select();
  };

  const copy = async (): Promise<void> => {
    try {
      if (!navigator.clipboard) {
        throw new Error('no clipboard API in an insecure context');
      }
      await navigator.clipboard.writeText(value);
      setCopied('copied');
    } catch {
      selectText();
      setCopied('selected');
    }
  };

  return (
    <Stack gap={4}>
      <Group align="flex-end" gap="xs" wrap="nowrap">
        <TextInput
          ref={input}
          label={label}
          description={description}
          value={value}
          readOnly
          onFocus={(event) => event.currentTarget.select()}
          style={{ flex: 1 }}
          styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
        />
        <Button variant="default" onClick={() => void copy()} aria-label={`Copy ${label.toLowerCase()}`}>
          {copied === 'copied' ? 'Copied' : 'Copy'}
        </Button>
      </Group>
      <Text size="sm" c="dimmed" role="status" aria-live="polite">
        {copied === 'copied' ? 'Copied to the clipboard.' : null}
        {copied === 'selected' ? 'This browser does not allow copying here: the text is selected, press Ctrl+C (⌘C on a Mac).' : null}
      </Text>
    </Stack>
  );
}
