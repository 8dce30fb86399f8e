// Chaos around one post: a cancel while its send is held by X and answered 503, and one create sent five times at once
// with the same Idempotency-Key. Cancel means never; a retried create is one post.
import { randomUUID } from 'node:crypto';
import { ChaosX } from './chaos-x';
import { check, describeStates, startWithWorkspace, statesOf, until, within, type Check, type Scenario } from './chaos-support';

// --- 3. Cancel during a 503'd send ------------------------------------------------------------------

const HOLD_503_MS = 2000;
/**
 * How long X is watched after its 503: the first retry comes 1–2 s after a retryable failure (backoff with jitter),
 * plus a dispatch tick, with room for a loaded machine.
 */
const RETRY_WATCH_MS = 8000;

interface PostAnswer {
  id: string;
  status: string;
  deliveries: { id: string; state: string }[];
}

export const CANCEL: Scenario = {
  name: 'cancel',
  title: "Cancel while the post's send is held by X and answered 503",
  async run(ctx): Promise<Check[]> {
    const { x, url } = await ctx.x();
    x.behaviour = (_text, _request, index) => (index === 0 ? { holdMs: HOLD_503_MS, status: 503 } : { holdMs: 0, status: 201 });
    const { api, ws, pool } = await startWithWorkspace(ctx, url);
    const text = `Cancel me ${randomUUID().slice(0, 8)}`;
    const post = await api.ok<PostAnswer>('POST', '/api/posts', ws.marketer, { text, channelIds: [ws.xChannelId], publishNow: true });
    const [sending] = await until('the send to reach X', () => (x.requestsFor(text).length > 0 ? x.requestsFor(text) : undefined), 60_000, 10);

    const cancelledAt = Date.now();
    const cancel = await api.call<PostAnswer>('DELETE', `/api/posts/${post.id}`, ws.marketer);
    // Asked while X still held the send: the cancel races the send's retryable failure, as in the issue.
    const duringSend = sending.answeredAt === undefined || sending.answeredAt > cancelledAt;
    await until('X to answer its 503', () => sending.answeredAt !== undefined || sending.abortedAt !== undefined, HOLD_503_MS + 30_000, 20);
    // Watched until a second send arrives or the retry window has passed: the wait ends early on a failure only.
    await within(() => x.requestsFor(text).length > 1, RETRY_WATCH_MS, 50);

    const requests = x.requestsFor(text);
    const late = ChaosX.after(requests, cancel.receivedAt);
    const states = await statesOf(pool, text);
    ctx.say(`X holds the first POST /2/tweets ${HOLD_503_MS} ms and answers 503; the post (published now) is cancelled while X holds it`);
    ctx.say(
      `DELETE /api/posts/:id sent ${cancelledAt - sending.arrivedAt} ms after the send reached X (${duringSend ? 'while X held it' : 'AFTER X had answered'}), ` +
        `answered ${cancel.status} in ${cancel.elapsed} ms; deliveries in the answer: ${(cancel.body.deliveries ?? []).map((d) => d.state).join(', ') || 'none'}`,
    );
    ctx.say(`X received ${requests.length} requests for the post (statuses ${requests.map((r) => r.status ?? 'dropped').join(', ')}); deliveries now: ${describeStates(states)}`);
    return [
      check('a cancel asked while the send is in flight answers 2xx', cancel.status >= 200 && cancel.status < 300 && duringSend, `${cancel.status}${duringSend ? '' : ' (but X had already answered: the race was missed)'}`),
      check('0 sends after the cancel', late.arrived.length + late.published.length === 0, `${late.arrived.length} requests reached X and ${late.published.length} posts were made public after the cancel answered`),
    ];
  },
};

// --- 6. The same create with one Idempotency-Key five times at once --------------------------------

const TIMES = 5;

export const IDEMPOTENCY: Scenario = {
  name: 'idempotency',
  title: `The same create sent ${TIMES} times at once with one Idempotency-Key`,
  async run(ctx): Promise<Check[]> {
    const { x, url } = await ctx.x();
    const { api, ws, pool } = await startWithWorkspace(ctx, url);
    const text = `Idempotent ${randomUUID().slice(0, 8)}`;
    const body = { text, channelIds: [ws.xChannelId], publishNow: true };
    const key = `chaos-${randomUUID()}`;
    const answers = await Promise.all(Array.from({ length: TIMES }, () => api.call<PostAnswer>('POST', '/api/posts', ws.marketer, body, { 'Idempotency-Key': key })));

    await until('a send of the post to reach X', () => x.requestsFor(text).length > 0, 60_000, 20);
    await until(
      'every delivery of the post(s) to settle',
      async () => {
        const states = await statesOf(pool, text);
        return !states.scheduled && !states.publishing;
      },
      60_000,
      100,
    );
    // A second post's send would already have been claimed with the first: a short look for stragglers is enough.
    await within(() => x.requestsFor(text).length > 1, 2000, 50);

    const posts = Number((await pool.query<{ n: string }>('SELECT count(*) AS n FROM posts WHERE text = $1', [text])).rows[0].n);
    const sends = x.requestsFor(text).length;
    const ids = new Set(answers.filter((a) => a.status >= 200 && a.status < 300).map((a) => a.body.id));
    const allOk = answers.every((a) => a.status >= 200 && a.status < 300);
    ctx.say(`${TIMES} concurrent POST /api/posts (publishNow) with Idempotency-Key ${key}: answers ${answers.map((a) => a.status).join(', ')}, ${ids.size} distinct post ids`);
    ctx.say(`posts with that text: ${posts}; sends X received: ${sends}`);
    return [
      check('one post', posts === 1, `${posts} posts`),
      check('one publish', sends === 1, `${sends} sends reached X`),
      check(`all ${TIMES} answers 2xx with the same post`, allOk && ids.size === 1, `statuses ${answers.map((a) => a.status).join(', ')}; ${ids.size} distinct ids`),
    ];
  },
};
