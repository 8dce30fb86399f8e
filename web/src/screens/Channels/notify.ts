// A notification a person can read and dismiss: a named close button and a message in AA contrast (Mantine's
// dimmed grey message on white is 3.3:1).
import { notifications } from '@mantine/notifications';

export function notify(color: 'green' | 'red', title: string, message: string): void {
  notifications.show({
    color,
    title,
    message,
    autoClose: color === 'red' ? 10_000 : 5_000,
    closeButtonProps: { 'aria-label': 'Dismiss' },
    styles: { description: { color: 'var(--mantine-color-gray-8)' } },
  });
}
