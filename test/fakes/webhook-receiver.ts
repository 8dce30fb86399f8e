// A local webhook receiver: records every POST with its raw body and headers; can be told to fail, hang or be gone.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { FakeServer, type Fault, type ReceivedRequest, type Reply } from './fake-server';

export interface ReceiverFault extends Fault {
  /** Answer with this status (500, 410…) and a short text body. */
  status?: number;
  body?: string;
}

export const HOOK_ROUTE = 'POST /hooks/{name}';

export class FakeWebhookReceiver extends FakeServer<ReceiverFault> {
  static async start(): Promise<FakeWebhookReceiver> {
    const receiver = new FakeWebhookReceiver();
    receiver.route('POST', '/hooks/{name}', () => ({ status: 200, body: { received: true } }));
    await receiver.listen();
    return receiver;
  }

  /** The URL of one named endpoint on this receiver. */
  endpoint(name: string): string {
    return `${this.url}/hooks/${name}`;
  }

  /** What arrived at one named endpoint, in order. */
  received(name: string): ReceivedRequest[] {
    return this.requestsTo(HOOK_ROUTE).filter((request) => request.path === `/hooks/${name}`);
  }

  /** Scripts the next answers of every endpoint, in order. */
  failNextHooks(...faults: ReceiverFault[]): void {
    faults.forEach((fault) => this.failNext(HOOK_ROUTE, fault));
  }

  /**
   * What a receiver does, written independently of the service's code: recompute
   * HMAC-SHA256("<Holdfast-Timestamp>.<raw body>") with the secret and compare it with Holdfast-Signature.
   */
  static verifies(request: ReceivedRequest, secret: string): boolean {
    const timestamp = request.headers['holdfast-timestamp'];
    const signature = request.headers['holdfast-signature'];
    if (typeof timestamp !== 'string' || typeof signature !== 'string') {
      return false;
    }
    const expected = Buffer.from(
      'v1=' + createHmac('sha256', secret).update(Buffer.concat([Buffer.from(`${timestamp}.`), request.rawBody])).digest('hex'),
    );
    const given = Buffer.from(signature);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  protected faultReply(fault: ReceiverFault): Reply | undefined {
    if (fault.status === undefined) {
      return undefined;
    }
    return { status: fault.status, body: Buffer.from(fault.body ?? `status ${fault.status}`), headers: { 'content-type': 'text/plain' } };
  }

  protected notFound(): Reply {
    return { status: 404, body: { error: 'no such endpoint' } };
  }

  protected malformed(_request: ReceivedRequest, problem: string): Reply {
    return { status: 400, body: { error: problem } };
  }
}
