// Re-sending one webhook delivery: the same event, freshly signed, as the next attempt in its log; refused where it makes no sense.
import { FakeWebhookReceiver } from './fakes/webhook-receiver';
import { TestApp } from './support/test-app';
import { waitFor } from './support/wait';

interface LoggedDelivery {
  id: string;
  eventId: string;
  state: string;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  log: { attempt: number; statusCode: number | null; error: string | null }[];
}

describe('webhook re-send', () => {
  let receiver: FakeWebhookReceiver;
  let t: TestApp;
  let hooks = 0;

  beforeAll(async () => {
    receiver = await FakeWebhookReceiver.start();
    t = await TestApp.start({
      env: { WEBHOOK_ALLOW_PRIVATE_URLS: 'true', WEBHOOK_TICK_MS: '100', WEBHOOK_RETRY_BASE_MS: '100', WEBHOOK_MAX_ATTEMPTS: '2', WEBHOOK_TIMEOUT_MS: '1000' },
    });
  });
  afterAll(async () => {
    await t.close();
    await receiver.close();
  });

  async function subscribe(): Promise<{ id: string; name: string; secret: string }> {
    const name = `resend-${++hooks}`;
    const res = await t.admin.post('/api/webhooks', { url: receiver.endpoint(name), eventTypes: ['webhook.test'] }).expect(201);
    return { id: res.body.id, name, secret: res.body.secret };
  }

  async function settled(webhookId: string, deliveryId: string): Promise<LoggedDelivery> {
    return waitFor(`delivery ${deliveryId} to settle`, async () => {
      const items = (await t.admin.get(`/api/webhooks/${webhookId}/deliveries`).expect(200)).body.items as LoggedDelivery[];
      const found = items.find((d) => d.id === deliveryId);
      return found && ['delivered', 'failed', 'cancelled'].includes(found.state) ? found : undefined;
    });
  }

  /** A test send that the receiver refuses on every attempt: a failed delivery. */
  async function failedDelivery(hook: { id: string }): Promise<LoggedDelivery> {
    receiver.failNextHooks({ status: 500, body: 'down 1' }, { status: 503, body: 'down 2' });
    const queued = await t.admin.post(`/api/webhooks/${hook.id}/test`).expect(202);
    const failed = await settled(hook.id, queued.body.deliveryId);
    expect(failed).toMatchObject({ state: 'failed', attempts: 2, lastStatusCode: 503 });
    return failed;
  }

  it('sends a failed delivery again: same event and payload, freshly signed, logged as the next attempt and audited', async () => {
    const hook = await subscribe();
    const failed = await failedDelivery(hook);

    const answer = await t.admin.post(`/api/webhooks/${hook.id}/deliveries/${failed.id}/resend`).expect(202);
    expect(answer.body).toMatchObject({ id: failed.id, eventId: failed.eventId, state: 'pending', attempts: 2 });
    // On its way (or already there): a second re-send has nothing to do.
    const twice = await t.admin.post(`/api/webhooks/${hook.id}/deliveries/${failed.id}/resend`).expect(409);
    expect(twice.body.message).toMatch(/already on its way|delivered already/);

    const delivered = await settled(hook.id, failed.id);
    expect(delivered).toMatchObject({ state: 'delivered', attempts: 3, lastStatusCode: 200, lastError: null });
    expect(delivered.log.map((a) => [a.attempt, a.statusCode])).toEqual([
      [1, 500],
      [2, 503],
      [3, 200],
    ]);
    // Still one delivery in the log, not a new one.
    expect((await t.admin.get(`/api/webhooks/${hook.id}/deliveries`).expect(200)).body.items).toHaveLength(1);

    const requests = receiver.received(hook.name);
    expect(requests).toHaveLength(3);
    expect(requests[2].headers['holdfast-event-id']).toBe(failed.eventId);
    expect(requests[2].rawBody.equals(requests[0].rawBody)).toBe(true);
    expect(requests.every((r) => FakeWebhookReceiver.verifies(r, hook.secret))).toBe(true);

    const audit = await t.admin.get('/api/audit?action=webhook.delivery_resent').expect(200);
    expect(audit.body.items).toEqual([
      expect.objectContaining({
        targetType: 'webhook',
        targetId: hook.id,
        before: expect.objectContaining({ deliveryId: failed.id, state: 'failed', attempts: 2 }),
        after: expect.objectContaining({ deliveryId: failed.id, eventId: failed.eventId, state: 'pending' }),
      }),
    ]);
    expect(JSON.stringify(audit.body)).not.toContain(hook.secret);
  });

  it('makes a single attempt for a failed delivery: failing again, it is failed again and can be re-sent once more', async () => {
    const hook = await subscribe();
    const failed = await failedDelivery(hook);
    receiver.failNextHooks({ status: 502, body: 'still down' });
    await t.admin.post(`/api/webhooks/${hook.id}/deliveries/${failed.id}/resend`).expect(202);
    const again = await settled(hook.id, failed.id);
    expect(again).toMatchObject({ state: 'failed', attempts: 3, lastStatusCode: 502 });
    expect(receiver.received(hook.name)).toHaveLength(3);
    await t.admin.post(`/api/webhooks/${hook.id}/deliveries/${failed.id}/resend`).expect(202);
    expect(await settled(hook.id, failed.id)).toMatchObject({ state: 'delivered', attempts: 4 });
  });

  it('refuses with 409 and says why: delivered, inactive or deleted webhook', async () => {
    const hook = await subscribe();
    const queued = await t.admin.post(`/api/webhooks/${hook.id}/test`).expect(202);
    await settled(hook.id, queued.body.deliveryId);
    const delivered = await t.admin.post(`/api/webhooks/${hook.id}/deliveries/${queued.body.deliveryId}/resend`).expect(409);
    expect(delivered.body.message).toContain('was delivered already');

    const failed = await failedDelivery(hook);
    await t.admin.patch(`/api/webhooks/${hook.id}`, { active: false }).expect(200);
    const inactive = await t.admin.post(`/api/webhooks/${hook.id}/deliveries/${failed.id}/resend`).expect(409);
    expect(inactive.body.message).toContain('is inactive');
    expect(inactive.body.message).toContain('activate it');

    await t.admin.delete(`/api/webhooks/${hook.id}`).expect(204);
    const deleted = await t.admin.post(`/api/webhooks/${hook.id}/deliveries/${failed.id}/resend`).expect(409);
    expect(deleted.body.message).toContain('was deleted');
    const [row] = await t.sql<{ state: string }>('SELECT state FROM webhook_deliveries WHERE id = $1', [failed.id]);
    expect(row.state).toBe('failed');
    const audited = await t.admin.get('/api/audit?action=webhook.delivery_resent').expect(200);
    expect(audited.body.items.filter((e: { targetId: string }) => e.targetId === hook.id)).toHaveLength(0);
  });

  it('answers 404 for another workspace or another webhook, 403 to non-admins, 400 for a malformed id', async () => {
    const hook = await subscribe();
    const other = await subscribe();
    const failed = await failedDelivery(hook);
    const outsider = await t.otherWorkspace();
    const res = await outsider.post(`/api/webhooks/${hook.id}/deliveries/${failed.id}/resend`).expect(404);
    expect(res.body.message).toContain(`Webhook ${hook.id} not found`);
    const mismatched = await t.admin.post(`/api/webhooks/${other.id}/deliveries/${failed.id}/resend`).expect(404);
    expect(mismatched.body.message).toContain(`Webhook delivery ${failed.id} not found`);
    const marketer = await t.member('marketer');
    await marketer.post(`/api/webhooks/${hook.id}/deliveries/${failed.id}/resend`).expect(403);
    const malformed = await t.admin.post(`/api/webhooks/${hook.id}/deliveries/not-an-id/resend`).expect(400);
    expect(malformed.body.message).toContain('deliveryId must be a UUID');
    const [row] = await t.sql<{ state: string }>('SELECT state FROM webhook_deliveries WHERE id = $1', [failed.id]);
    expect(row.state).toBe('failed');
  });
});
