// The roles of a member as labelled checkboxes, each saying what the role lets a person do.
import { Checkbox, Stack } from '@mantine/core';
import type { ReactNode } from 'react';
import type { Role } from '../../session/permissions';
import { ROLE_CHOICES } from './people';

export function RolesField({ value, onChange, error, disabled }: { value: Role[]; onChange: (roles: Role[]) => void; error?: ReactNode; disabled?: boolean }): ReactNode {
  return (
    <Checkbox.Group label="Roles" description="A member holds one or more roles." value={value} onChange={(roles) => onChange(roles)} error={error} withAsterisk>
      <Stack gap="xs" mt="xs">
        {ROLE_CHOICES.map((choice) => (
          <Checkbox key={choice.role} value={choice.role} label={choice.label} description={choice.description} disabled={disabled} />
        ))}
      </Stack>
    </Checkbox.Group>
  );
}
