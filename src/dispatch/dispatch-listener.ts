// The one connection that LISTENs for wake-ups and closing gates, and comes back when it is lost.
import { Logger } from '@nestjs/common';
import { Client } from 'pg';
import { DISPATCH_CHANNEL } from './deliveries.repository';
import { GATE_CLOSING_CHANNEL } from './dispatch-gate';

/** The application_name of the connection that LISTENs for wake-ups and closing gates (pg_stat_activity). */
export const DISPATCH_LISTENER = 'holdfast-dispatch-listener';

const RECONNECT_AFTER_MS = 1000;

export interface DispatchSignals {
  /** Something fell due or was scheduled: a pass is worth running now. */
  wake(): void;
  /** A GATE_CLOSING_CHANNEL payload: a crisis is closing gates. */
  closing(payload: string | undefined): void;
}

/**
 * Without this connection a wake-up waits for the next tick, and a send in a closing gate would run to its own
 * timeout instead of the switch's deadline: when it is lost it is opened again, and a wake-up follows, since one
 * may have been missed meanwhile.
 */
export class DispatchListener {
  private readonly logger = new Logger(DispatchListener.name);
  private client?: Client;
  private reconnecting?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly databaseUrl: string,
    private readonly signals: DispatchSignals,
  ) {}

  async start(): Promise<void> {
    const client = new Client({ connectionString: this.databaseUrl, application_name: DISPATCH_LISTENER });
    client.on('notification', (message) => {
      if (message.channel === GATE_CLOSING_CHANNEL) {
        this.signals.closing(message.payload);
      } else {
        this.signals.wake();
      }
    });
    let lost = false;
    const onLost = (error?: Error): void => {
      if (lost) {
        return;
      }
      lost = true;
      if (this.client === client) {
        this.client = undefined;
      }
      void client.end().catch(() => undefined);
      if (!this.stopped) {
        this.logger.warn({ err: error }, 'Dispatch wake-up connection lost; ticks continue, reconnecting');
        this.reconnect();
      }
    };
    client.on('error', onLost);
    client.on('end', () => onLost());
    try {
      await client.connect();
      await client.query(`LISTEN ${DISPATCH_CHANNEL}; LISTEN ${GATE_CLOSING_CHANNEL}`);
    } catch (error) {
      lost = true;
      await client.end().catch(() => undefined);
      throw error;
    }
    this.client = client;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnecting);
    await this.client?.end().catch(() => undefined);
  }

  private reconnect(): void {
    if (this.stopped || this.reconnecting) {
      return;
    }
    this.reconnecting = setTimeout(() => {
      this.reconnecting = undefined;
      this.start()
        .then(() => this.signals.wake())
        .catch(() => this.reconnect());
    }, RECONNECT_AFTER_MS);
    this.reconnecting.unref();
  }
}
