// A screen loaded on first visit, with the shared loading state while its chunk arrives.
import { lazy, Suspense, type ComponentType, type ReactNode } from 'react';
import { Loading } from './components/states';

type Screen = () => ReactNode;

export function lazyScreen(load: () => Promise<Record<string, unknown>>, name: string): ComponentType {
  const Screen = lazy(async () => ({ default: (await load())[name] as Screen }));
  return function LazyScreen(): ReactNode {
    return (
      <Suspense fallback={<Loading label="Loading…" />}>
        <Screen />
      </Suspense>
    );
  };
}
