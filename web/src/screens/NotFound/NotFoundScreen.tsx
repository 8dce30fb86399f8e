import { Button } from '@mantine/core';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { Empty } from '../../components/states';

export function NotFoundScreen(): ReactNode {
  return (
    <Empty
      title="Nothing here"
      hint="This address is not a page of the console."
      action={
        <Button component={Link} to="/calendar" variant="default">
          Go to the calendar
        </Button>
      }
    />
  );
}
