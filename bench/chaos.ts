// `npm run chaos [-- crash|crash-db|recorder|cancel|hang|prompt|idempotency …]`: the guarantees under faults, against
// real service processes and a local X. Each scenario prints its figures, PASS or FAIL per target, how to run it
// again and where the service's log is; the exit code is 1 when anything failed.
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import { CRASH, CRASH_DATABASE } from './chaos-crash';
import { HANG, PROMPT, RECORDER } from './chaos-halt';
import { CANCEL, IDEMPOTENCY } from './chaos-posts';
import { ChaosX } from './chaos-x';
import { CHAOS_ADMIN_KEY, ChaosDatabases, check, ensureDir, ServiceProcess, shownEnv, type Check, type Scenario, type ScenarioContext } from './chaos-support';

const SCENARIOS: Scenario[] = [CRASH, CRASH_DATABASE, RECORDER, CANCEL, HANG, PROMPT, IDEMPOTENCY];
const SECRET_KEY = randomBytes(32).toString('hex');

interface Outcome {
  scenario: Scenario;
  checks: Check[];
  logs: string[];
}

function out(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** Runs one scenario with everything it started stopped afterwards, whatever happened. */
async function runScenario(scenario: Scenario, dir: string, databases: ChaosDatabases): Promise<Outcome> {
  const fakes: ChaosX[] = [];
  const services: ServiceProcess[] = [];
  const pools: Pool[] = [];
  const dataDirs: string[] = [];
  const logs: string[] = [];
  let shown = '';
  const ctx: ScenarioContext = {
    name: scenario.name,
    databases,
    say: (line) => out(`  ${line}`),
    dataDir: (label = 'data') => {
      const path = ensureDir(join(dir, `${scenario.name}-${label}`));
      dataDirs.push(path);
      return path;
    },
    env: (extra) => ({
      HOLDFAST_DATA_DIR: ctx.dataDir(),
      HOLDFAST_SECRET_KEY: SECRET_KEY,
      HOLDFAST_ADMIN_KEY: CHAOS_ADMIN_KEY,
      LOG_LEVEL: 'info',
      THROTTLE_PER_MINUTE: '1000000',
      ...extra,
    }),
    service: async (env) => {
      shown = shownEnv(env);
      const log = join(dir, `${scenario.name}-${services.length + 1}.log`);
      logs.push(log);
      const service = await ServiceProcess.spawn(env, log);
      services.push(service);
      return service;
    },
    x: async () => {
      const x = new ChaosX();
      fakes.push(x);
      return { x, url: await x.start() };
    },
    pool: (url) => {
      const pool = new Pool({ connectionString: url, max: 2, application_name: 'chaos' });
      // A scenario may kill the server under it; the next query says so, an idle client's error must not end the run.
      pool.on('error', () => undefined);
      pools.push(pool);
      return pool;
    },
  };
  let checks: Check[];
  try {
    checks = await scenario.run(ctx);
  } catch (error) {
    checks = [check('the scenario runs to its end', false, error instanceof Error ? error.message : String(error))];
  } finally {
    // X first: a send it still holds would keep a draining service waiting.
    await Promise.all(fakes.map((x) => x.stop()));
    await Promise.all(services.map((s) => s.stop()));
    await Promise.all(pools.map((p) => p.end().catch(() => undefined)));
    for (const path of dataDirs) {
      rmSync(path, { recursive: true, force: true });
    }
  }
  for (const c of checks) {
    out(`  ${c.pass ? 'PASS' : 'FAIL'}  ${c.target}: ${c.figure}`);
  }
  out(`  Reproduce: npm run chaos -- ${scenario.name}   (service env: ${shown || 'defaults'}; PostgreSQL: ${databases.description}` + `${scenario.knobs ? `; knobs: ${scenario.knobs}` : ''})`);
  out(`  Service log: ${logs.join(', ') || 'none (no service started)'}`);
  return { scenario, checks, logs };
}

async function run(): Promise<boolean> {
  const names = process.argv.slice(2);
  const unknown = names.filter((name) => !SCENARIOS.some((s) => s.name === name));
  if (unknown.length > 0) {
    throw new Error(`Unknown scenario ${unknown.join(', ')}; choose from ${SCENARIOS.map((s) => s.name).join(', ')}`);
  }
  const chosen = names.length > 0 ? SCENARIOS.filter((s) => names.includes(s.name)) : SCENARIOS;
  const dir = mkdtempSync(join(tmpdir(), 'holdfast-chaos-'));
  // PostgreSQL runs as the `postgres` user when we are root: it must reach the data directories inside.
  chmodSync(dir, 0o755);
  const databases = new ChaosDatabases(dir);
  out(`Chaos run: ${chosen.map((s) => s.name).join(', ')}; logs in ${dir} (${process.platform}/${process.arch}, Node ${process.version}, ${cpus().length} cores)`);
  const started = Date.now();
  const outcomes: Outcome[] = [];
  try {
    for (const scenario of chosen) {
      out(`\n=== ${scenario.name}: ${scenario.title} ===`);
      const began = Date.now();
      outcomes.push(await runScenario(scenario, dir, databases));
      out(`  (${((Date.now() - began) / 1000).toFixed(1)} s)`);
    }
  } finally {
    await databases.stop();
    rmSync(join(dir, 'shared-pg'), { recursive: true, force: true });
  }
  out(`\n=== summary (${((Date.now() - started) / 1000).toFixed(0)} s) ===`);
  for (const { scenario, checks } of outcomes) {
    const failed = checks.filter((c) => !c.pass);
    out(`  ${failed.length === 0 ? 'PASS' : 'FAIL'}  ${scenario.name.padEnd(12)} ${failed.length === 0 ? `${checks.length} targets met` : failed.map((c) => c.target).join('; ')}`);
  }
  out(`Logs: ${dir}`);
  return outcomes.every((o) => o.checks.every((c) => c.pass));
}

run().then(
  (passed) => process.exit(passed ? 0 : 1),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
