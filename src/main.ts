// Boot: validate the environment, start the embedded database when no DATABASE_URL is given, serve,
// and on SIGINT/SIGTERM finish in-flight work before the database goes down.
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createApp } from './app.factory';
import { START_FIELD, startupLines } from './common/logging';
import { InvalidEnvError, validateEnv } from './config/env';
import { EmbeddedDatabase } from './database/embedded-database';

const SHUTDOWN_GRACE_MS = 25_000;

async function main(): Promise<void> {
  const env = validateEnv(process.env);
  let embedded: EmbeddedDatabase | undefined;
  if (!env.DATABASE_URL) {
    embedded = await EmbeddedDatabase.start({ dataDir: env.HOLDFAST_DATA_DIR });
    env.DATABASE_URL = embedded.url;
  }
  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) {
      return;
    }
    stopping = true;
    process.stderr.write(`Holdfast: ${signal} received, shutting down\n`);
    // A stuck close must not keep the database from stopping cleanly.
    setTimeout(() => {
      process.stderr.write('Holdfast: shutdown took longer than 25 s, stopping the database now\n');
      void embedded?.stop().finally(() => process.exit(1));
    }, SHUTDOWN_GRACE_MS).unref();
    let code = 0;
    try {
      // A signal during start-up waits for the app being created: its dispatcher may already be sending,
      // and only close() lets those sends finish and be recorded.
      await (app ?? (await creating?.catch(() => undefined)))?.close();
    } catch (error) {
      code = 1;
      process.stderr.write(`Holdfast: shutdown failed: ${error instanceof Error ? error.message : String(error)}\n`);
    } finally {
      await embedded?.stop();
      process.exit(code);
    }
  };
  let app: Awaited<ReturnType<typeof createApp>> | undefined;
  let creating: ReturnType<typeof createApp> | undefined;
  process.once('SIGINT', (s) => void stop(s));
  process.once('SIGTERM', (s) => void stop(s));
  try {
    creating = createApp(env);
    app = await creating;
    if (stopping) {
      return; // a signal came during start-up: stop() closes the app, and it never listens
    }
    await app.listen(env.PORT);
    const logger = new Logger('Holdfast');
    for (const line of startupLines(env, embedded !== undefined)) {
      logger.log({ [START_FIELD]: line.fields }, line.msg);
    }
  } catch (error) {
    await app?.close().catch(() => undefined);
    await embedded?.stop();
    throw error;
  }
}

main().catch((error: unknown) => {
  const message = error instanceof InvalidEnvError || error instanceof Error ? error.message : String(error);
  process.stderr.write(`Holdfast could not start: ${message}\n`);
  process.exit(1);
});
