// A connection that LISTENs on a few NOTIFY channels and comes back when it is lost: the wake-ups of the engines.
import { Logger } from '@nestjs/common';
import { Client } from 'pg';

const RECONNECT_AFTER_MS = 1000;

export interface ListenOptions {
  databaseUrl: string;
  /** Shown in pg_stat_activity, so an operator (and a test) can find the connection. */
  applicationName: string;
  /** NOTIFY channel names (constants of ours: they are written into the LISTEN statement). */
  channels: readonly string[];
  onNotification: (channel: string, payload: string | undefined) => void;
  /** Back after a loss: a notification may have been missed meanwhile, so its owner should look now. */
  onReconnected: () => void;
  /** The warning logged when it is lost, saying what goes on meanwhile (the owner's ticks, its polling). */
  lostMessage: string;
  logger: Logger;
}

/**
 * Without it a wake-up waits for its owner's next tick or poll, so a lost connection is opened again every
 * second until it is back, and the owner is told to look, since a notification may have been missed.
 */
export class ListenConnection {
  private client?: Client;
  private reconnecting?: NodeJS.Timeout;
  private stopped = false;

  constructor(private readonly options: ListenOptions) {}

  /** Throws if the first connection fails; call reconnectLater() to keep trying instead. */
  async start(): Promise<void> {
    const { databaseUrl, applicationName, channels, lostMessage, logger } = this.options;
    const client = new Client({ connectionString: databaseUrl, application_name: applicationName });
    client.on('notification', (message) => this.options.onNotification(message.channel, message.payload));
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
        logger.warn({ err: error }, lostMessage);
        this.reconnectLater();
      }
    };
    client.on('error', onLost);
    client.on('end', () => onLost());
    try {
      await client.connect();
      await client.query(channels.map((channel) => `LISTEN ${channel}`).join('; '));
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

  /** Tries again in a second, and again until it is back (then onReconnected). */
  reconnectLater(): void {
    if (this.stopped || this.reconnecting) {
      return;
    }
    this.reconnecting = setTimeout(() => {
      this.reconnecting = undefined;
      this.start()
        .then(() => this.options.onReconnected())
        .catch(() => this.reconnectLater());
    }, RECONNECT_AFTER_MS);
    this.reconnecting.unref();
  }
}
