// Chaos at the crisis switch: a recorder failure in the middle of a batch, a platform that holds every request,
// and a playbook whose prompt nobody answered. Once the activation has answered, nothing in scope reaches X.
import { randomUUID } from 'node:crypto';
import { ChaosX, type XRequest } from './chaos-x';
import { check, describeStates, pause, seedDueAtOnce, startWithWorkspace, statesOf, until, type Check, type Scenario } from './chaos-support';

/** How long X is watched once everything it held has been answered or dropped: several retry delays, so a late send shows. */
const WATCH_MS = 3000;

interface InFlightSend {
  deliveryId: string;
  outcome: string;
}

interface Activation {
  crisis?: { id: string };
  inFlight?: InFlightSend[];
  replacementPostIds?: string[];
  drafts?: { postId: string; missing?: { name: string }[] }[];
  message?: unknown;
}

function countBy(values: string[]): string {
  const counts = new Map<string, number>();
  for (const value of values) {
    counts.set(value, (counts.get(value) ?? 0) + 1);
  }
  return [...counts].map(([value, n]) => `${value} ${n}`).join(', ') || 'none';
}

function afterFigure(requests: XRequest[], answeredAt: number): { count: number; figure: string } {
  const late = ChaosX.after(requests, answeredAt);
  return {
    count: late.arrived.length + late.published.length,
    figure: `${late.arrived.length} requests reached X and ${late.published.length} posts were made public (201) after the answer`,
  };
}

// --- 2. A recorder failure during a crisis activation ---------------------------------------------

const FAST = 4;
const SLOW = 20;
const SLOW_HOLD_MS = 3000;

/**
 * Makes the outcome recorder's write fail once: the first UPDATE that records a delivery as published raises. A sequence
 * counts the attempts because it is not rolled back with the failed statement, so the script sees the fault too.
 */
const FAIL_RECORDER_ONCE = `
  CREATE SEQUENCE chaos_recorder_fault;
  CREATE FUNCTION chaos_fail_recorder_once() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    IF OLD.state = 'publishing' AND NEW.state = 'published' AND nextval('chaos_recorder_fault') = 1 THEN
      RAISE EXCEPTION 'chaos: the outcome recorder fails once (injected by npm run chaos)';
    END IF;
    RETURN NEW;
  END $$;
  CREATE TRIGGER chaos_fail_recorder_once BEFORE UPDATE OF state ON deliveries FOR EACH ROW EXECUTE FUNCTION chaos_fail_recorder_once();`;

export const RECORDER: Scenario = {
  name: 'recorder',
  title: 'A recorder failure in the middle of a batch, and the switch flipped at that moment',
  async run(ctx): Promise<Check[]> {
    const { x, url } = await ctx.x();
    x.behaviour = (text) => (text.startsWith('Recorder fast ') ? { holdMs: 50, status: 201 } : { holdMs: SLOW_HOLD_MS, status: 201 });
    // One claim takes the whole burst, so the fast and the slow sends are one batch behind one gate pass.
    const { api, ws, pool } = await startWithWorkspace(ctx, url, { DISPATCH_CONCURRENCY: '64', DISPATCH_PLATFORM_CONCURRENCY: '64' });
    await pool.query(FAIL_RECORDER_ONCE);
    const dueAt = new Date(Date.now() + 3000);
    await seedDueAtOnce(pool, ws, 'Recorder fast ', FAST, dueAt);
    await seedDueAtOnce(pool, ws, 'Recorder slow ', SLOW, dueAt);

    await until(
      'the recorder fault to fire',
      async () => (await pool.query<{ is_called: boolean }>('SELECT is_called FROM chaos_recorder_fault')).rows[0].is_called,
      60_000,
      5,
    );
    const faultAt = Date.now();
    const heldAtFault = x.openCount;
    const activation = await api.call<Activation>('POST', '/api/crisis/activate', ws.lead, { reason: 'Chaos: recorder failure mid-batch', level: 1, pauseAds: false });
    await until('X to have answered or dropped every request', () => x.openCount === 0, SLOW_HOLD_MS + 30_000, 20);
    await pause(WATCH_MS);

    const requests = x.requestsFor('Recorder ');
    const after = afterFigure(requests, activation.receivedAt);
    const inFlight = activation.body.inFlight ?? [];
    const stopped = inFlight.filter((s) => s.outcome === 'stopped_before_send').map((s) => s.deliveryId);
    const { rows } = await pool.query<{ text: string }>(`SELECT p.text FROM deliveries d JOIN posts p ON p.id = d.post_id WHERE d.id = ANY($1::uuid[])`, [stopped]);
    const reached = new Set(requests.map((r) => r.text));
    const stoppedButSent = rows.filter((r) => reached.has(r.text)).length;
    ctx.say(
      `${FAST} sends answered by X in 50 ms and ${SLOW} held ${SLOW_HOLD_MS} ms, one batch; the first record of a publish fails (a trigger raises once); ` +
        `the switch flipped ${activation.receivedAt - activation.elapsed - faultAt} ms after the fault, ${heldAtFault} sends held by X then`,
    );
    ctx.say(`activation answered ${activation.status} in ${activation.elapsed} ms; in flight in the answer: ${countBy(inFlight.map((s) => s.outcome))}`);
    ctx.say(`deliveries by state after the watch: ${describeStates(await statesOf(pool, 'Recorder '))}`);
    return [
      check('the activation answers 2xx', activation.status >= 200 && activation.status < 300, `${activation.status}`),
      check('0 sends after the activation answered', after.count === 0, after.figure),
      check('the answer calls stopped_before_send only what never reached X', stoppedButSent === 0, `${stopped.length} listed stopped_before_send, ${stoppedButSent} of them had reached X`),
    ];
  },
};

// --- 4. The switch while the platform holds every request 20 s -------------------------------------

const HANG_MS = 20_000;
const HANG_POSTS = 8;
const ANSWER_TARGET_MS = 2500;

export const HANG: Scenario = {
  name: 'hang',
  title: `The switch while X holds every request ${HANG_MS / 1000} s`,
  async run(ctx): Promise<Check[]> {
    const { x, url } = await ctx.x();
    x.behaviour = () => ({ holdMs: HANG_MS, status: 201 });
    const { api, ws, pool } = await startWithWorkspace(ctx, url, { CRISIS_INFLIGHT_DEADLINE_MS: '2000' });
    for (let i = 1; i <= HANG_POSTS; i++) {
      await api.ok('POST', '/api/posts', ws.marketer, { text: `Hang ${i}`, channelIds: [ws.xChannelId], publishNow: true });
    }
    await until(`X to hold all ${HANG_POSTS} sends`, () => x.openCount >= HANG_POSTS, 60_000, 20);
    const activation = await api.call<Activation>('POST', '/api/crisis/activate', ws.lead, { reason: 'Chaos: X hangs', level: 1, pauseAds: false });
    await until('X to have answered or dropped every request', () => x.openCount === 0, HANG_MS + 30_000, 20);
    await pause(WATCH_MS);

    const requests = x.requestsFor('Hang ');
    const after = afterFigure(requests, activation.receivedAt);
    const inFlight = activation.body.inFlight ?? [];
    const unknown = inFlight.filter((s) => s.outcome === 'unknown').length;
    const states = await statesOf(pool, 'Hang ');
    const aborted = requests.filter((r) => r.abortedAt !== undefined).length;
    ctx.say(`${HANG_POSTS} posts published now; X holds each request ${HANG_MS} ms; the switch flipped with ${HANG_POSTS} sends held (CRISIS_INFLIGHT_DEADLINE_MS=2000)`);
    ctx.say(`activation answered ${activation.status} in ${activation.elapsed} ms; in flight in the answer: ${countBy(inFlight.map((s) => s.outcome))}`);
    ctx.say(`X: ${requests.length} requests, ${aborted} dropped by the sender, ${ChaosX.created(requests).length} answered 201; deliveries: ${describeStates(states)}`);
    return [
      check(`activation answered within ${ANSWER_TARGET_MS} ms`, activation.status >= 200 && activation.status < 300 && activation.elapsed <= ANSWER_TARGET_MS, `${activation.status} in ${activation.elapsed} ms`),
      check('nothing reaches X after the answer', after.count === 0, after.figure),
      check('the sends in flight are reported unknown', unknown === HANG_POSTS, `${unknown} of ${HANG_POSTS} listed unknown`),
      check('and end needs_verification (never retried by themselves)', states.needs_verification === HANG_POSTS, `${states.needs_verification ?? 0} of ${HANG_POSTS} needs_verification`),
    ];
  },
};

// --- 5. An activation whose playbook prompt is unanswered ------------------------------------------

const PROMPT_POSTS = 5;

export const PROMPT: Scenario = {
  name: 'prompt',
  title: "An activation whose playbook's prompt was not answered",
  async run(ctx): Promise<Check[]> {
    const { url } = await ctx.x();
    const { api, ws } = await startWithWorkspace(ctx, url);
    const template = await api.ok<{ id: string }>('POST', '/api/templates', ws.marketer, {
      name: 'Outage holding statement',
      body: '{{service}} is down. Next update by {{eta}}.',
      placeholders: [
        { name: 'service', description: 'What is down' },
        { name: 'eta', description: 'Next update' },
      ],
    });
    await api.ok('POST', `/api/templates/${template.id}/approve`, ws.approver, { version: 1 });
    const playbook = await api.ok<{ id: string }>('POST', '/api/playbooks', ws.lead, {
      name: `Checkout outage ${randomUUID().slice(0, 8)}`,
      category: 'platform_outage',
      level: 2,
      pauseAds: false,
      platforms: ['x'],
      contacts: [{ name: 'Ana Ruiz', role: 'Head of comms', phone: '+34 600 123 456' }],
      messages: [{ templateId: template.id, templateVersion: 1, channelIds: [ws.xChannelId], offsetMinutes: 0, values: { service: 'Checkout' }, prompts: ['eta'] }],
    });
    const inAnHour = new Date(Date.now() + 3600_000).toISOString();
    const deliveryIds: string[] = [];
    for (let i = 1; i <= PROMPT_POSTS; i++) {
      const post = await api.ok<{ deliveries: { id: string }[] }>('POST', '/api/posts', ws.marketer, {
        text: `Prompt ${i}: our spring sale`,
        channelIds: [ws.xChannelId],
        scheduledAt: inAnHour,
      });
      deliveryIds.push(...post.deliveries.map((d) => d.id));
    }

    // The prompt `eta` is left unanswered: a crisis lead in a hurry.
    const activation = await api.call<Activation>('POST', '/api/crisis/activate', ws.lead, { reason: 'Chaos: checkout is down', playbookId: playbook.id });
    const listed = await api.ok<{ id: string; state: string }[]>('GET', '/api/deliveries?limit=500', ws.marketer);
    const mine = listed.filter((d) => deliveryIds.includes(d.id));
    const held = mine.filter((d) => d.state === 'held').length;
    const crisis = await api.ok<{ active: boolean }>('GET', '/api/crisis', ws.marketer);
    const halted = activation.status >= 200 && activation.status < 300;
    ctx.say(`playbook on X with one message prompting for "eta"; ${PROMPT_POSTS} posts scheduled on X in an hour; activated with no answer to the prompt`);
    ctx.say(
      `activation answered ${activation.status} in ${activation.elapsed} ms` +
        (halted
          ? `; replacement posts in the answer: ${activation.body.replacementPostIds?.length ?? 0}, drafts waiting for values: ` +
            `${(activation.body.drafts ?? []).map((d) => `${d.postId} (missing ${(d.missing ?? []).map((m) => m.name).join(', ')})`).join('; ') || 'none'}`
          : `: ${JSON.stringify(activation.body.message ?? activation.body)}`),
    );
    ctx.say(`GET /api/crisis: active ${crisis.active}; GET /api/deliveries right after the answer: ${countBy(mine.map((d) => d.state))}`);
    return [
      check('it halts (2xx) although the prompt is unanswered', halted && crisis.active, `${activation.status}, crisis active: ${crisis.active}`),
      check('deliveries in scope read held at once (GET /api/deliveries)', held === deliveryIds.length, `${held} of ${deliveryIds.length} held`),
    ];
  },
};
