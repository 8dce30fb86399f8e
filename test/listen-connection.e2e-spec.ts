// The engines' wake-up connections (dispatch, webhooks, console live events) come back when PostgreSQL drops them,
// and hear notifications again: one ListenConnection behind all three.
import { Logger } from '@nestjs/common';
import { ListenConnection } from '../src/database/listen-connection';
import { DISPATCH_LISTENER } from '../src/dispatch/dispatch-channel';
import { LIVE_LISTENER } from '../src/live/live-hub.service';
import { WEBHOOK_LISTENER } from '../src/webhooks/webhook-sender';
import { TestApp } from './support/test-app';
import { waitFor } from './support/wait';

describe('wake-up connections', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start({ env: { DISPATCH_TICK_MS: '60000', WEBHOOK_TICK_MS: '60000' } });
  });
  afterAll(() => t.close());

  const backendsOf = async (applicationName: string): Promise<number[]> =>
    (await t.sql<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()`, [applicationName])).map(
      (row) => row.pid,
    );

  it.each([DISPATCH_LISTENER, WEBHOOK_LISTENER, LIVE_LISTENER])('%s is open, and opened again once PostgreSQL drops it', async (name) => {
    const [pid] = await waitFor(`the ${name} connection`, async () => ((await backendsOf(name)).length === 1 ? backendsOf(name) : undefined), 15_000);
    await t.sql('SELECT pg_terminate_backend($1)', [pid]);
    const back = await waitFor(`${name} again`, async () => (await backendsOf(name)).find((other) => other !== pid), 15_000);
    expect(back).not.toBe(pid);
    expect(await backendsOf(name)).toHaveLength(1);
  });

  it('hears its channels, is told it is back after a loss, and hears them again', async () => {
    const heard: string[] = [];
    let reconnected = 0;
    const databaseUrl = t.env.DATABASE_URL;
    if (!databaseUrl) {
      throw new Error('the test app has no DATABASE_URL');
    }
    const connection = new ListenConnection({
      databaseUrl,
      applicationName: 'holdfast-test-listener',
      channels: ['holdfast_test_a', 'holdfast_test_b'],
      onNotification: (channel, payload) => heard.push(`${channel}:${payload ?? ''}`),
      onReconnected: () => reconnected++,
      lostMessage: 'test listener lost',
      logger: new Logger('test'),
    });
    await connection.start();
    try {
      await t.sql(`SELECT pg_notify('holdfast_test_a', 'one'), pg_notify('holdfast_test_b', 'two')`);
      await waitFor('both notifications', () => heard.length === 2 || undefined);
      expect(heard).toEqual(['holdfast_test_a:one', 'holdfast_test_b:two']);

      const [pid] = await backendsOf('holdfast-test-listener');
      await t.sql('SELECT pg_terminate_backend($1)', [pid]);
      await waitFor('the reconnect', () => reconnected === 1 || undefined, 15_000);
      await t.sql(`SELECT pg_notify('holdfast_test_b', 'three')`);
      await waitFor('the notification after the reconnect', () => heard.length === 3 || undefined);
      expect(heard[2]).toBe('holdfast_test_b:three');
    } finally {
      await connection.stop();
    }
    await waitFor('closed for good', async () => ((await backendsOf('holdfast-test-listener')).length === 0 ? true : undefined));
    await new Promise((resolve) => setTimeout(resolve, 1500)); // longer than a reconnect's wait: a stopped one stays closed
    expect(await backendsOf('holdfast-test-listener')).toEqual([]);
  });
});
