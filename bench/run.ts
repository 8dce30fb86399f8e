// `npm run bench [-- burst|calendar|console|create-post|bulk-pause|crisis|crisis-banner|partitioning|throttler|webhooks]`: runs the named
// benchmarks one after another; by default all but those that only run when named (see ONLY_BY_NAME).
import { main as bulkPause } from './bulk-pause';
import { main as burst } from './burst';
import { main as calendar } from './calendar';
import { main as consoleBench } from './console';
import { main as createPost } from './create-post';
import { main as crisis } from './crisis';
import { main as crisisBanner } from './crisis-banner';
import { main as partitioning } from './partitioning';
import { main as throttler } from './throttler';
import { main as webhooks } from './webhooks';

const BENCHMARKS: Record<string, () => Promise<void>> = { burst, calendar, console: consoleBench, 'create-post': createPost, 'bulk-pause': bulkPause, crisis, 'crisis-banner': crisisBanner, partitioning, throttler, webhooks };

/** Run only when named: partitioning loads 10,000,000 deliveries twice (about 10 minutes and 10 GB of disk here). */
const ONLY_BY_NAME = new Set(['partitioning']);

async function run(): Promise<void> {
  const names = process.argv.slice(2).length > 0 ? process.argv.slice(2) : Object.keys(BENCHMARKS).filter((name) => !ONLY_BY_NAME.has(name));
  for (const name of names) {
    const bench = BENCHMARKS[name];
    if (!bench) {
      throw new Error(`Unknown benchmark ${name}; choose from ${Object.keys(BENCHMARKS).join(', ')}`);
    }
    process.stdout.write(`\n=== ${name} ===\n`);
    await bench();
  }
}

run().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
