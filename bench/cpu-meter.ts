// Where a measured window's CPU went on this machine (Linux /proc): the app, the fake platform, PostgreSQL,
// and anything else running (which says whether the figures were taken on a quiet machine).
import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';

/** The processes of one part of the set-up, looked up when the window opens and again when it closes. */
export interface CpuGroup {
  name: string;
  pids: () => number[];
}

export interface CpuSplit {
  wallMs: number;
  /** CPU time of each group in the window, in ms. */
  groups: Record<string, number>;
  /** CPU time of every other process on the machine, in ms. */
  otherMs: number;
  /** What the machine's cores could have given in the window, in ms. */
  capacityMs: number;
}

const TICK_MS = 10; // USER_HZ is 100 on Linux

/** utime + stime of a process in ms, or 0 when it has gone. */
function processCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS; // fields 14 and 15 of proc(5)
  } catch {
    return 0;
  }
}

/** Busy CPU time of the whole machine in ms (every core, without idle and iowait). */
function machineBusyMs(): number {
  const [user, nice, system, , , irq, softirq, steal] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  return (user + nice + system + irq + softirq + steal) * TICK_MS;
}

/** A process and every process below it (PostgreSQL's postmaster and its backends). */
export function processTree(root: number): number[] {
  const parentOf = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) {
      continue;
    }
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      parentOf.set(pid, Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone meanwhile
    }
  }
  const tree = new Set([root]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, parent] of parentOf) {
      if (tree.has(parent) && !tree.has(pid)) {
        tree.add(pid);
        grew = true;
      }
    }
  }
  return [...tree];
}

/** Starts measuring at `at` (epoch ms); the returned function ends the window and gives the split. */
export function cpuMeterFrom(at: number, groups: CpuGroup[]): () => CpuSplit {
  let start: { at: number; busy: number; groups: Map<string, Map<number, number>> } | undefined;
  const read = (): { at: number; busy: number; groups: Map<string, Map<number, number>> } => ({
    at: Date.now(),
    busy: machineBusyMs(),
    groups: new Map(groups.map((group) => [group.name, new Map(group.pids().map((pid) => [pid, processCpuMs(pid)]))])),
  });
  const timer = setTimeout(() => (start = read()), Math.max(0, at - Date.now()));
  return () => {
    clearTimeout(timer);
    start ??= read();
    const end = read();
    const split: Record<string, number> = {};
    for (const group of groups) {
      const before = start.groups.get(group.name)!;
      const after = end.groups.get(group.name)!;
      // A process that started inside the window counts from zero.
      split[group.name] = [...after].reduce((sum, [pid, cpu]) => sum + cpu - (before.get(pid) ?? 0), 0);
    }
    const wallMs = end.at - start.at;
    const busy = end.busy - start.busy;
    const counted = Object.values(split).reduce((a, b) => a + b, 0);
    return { wallMs, groups: split, otherMs: Math.max(0, busy - counted), capacityMs: wallMs * cpus().length };
  };
}

export function describeCpu(split: CpuSplit): string {
  const part = (name: string, value: number): string => `${name} ${value.toFixed(0)} ms`;
  const used = Object.values(split.groups).reduce((a, b) => a + b, 0) + split.otherMs;
  return (
    `CPU in the ${split.wallMs} ms window (${cpus().length} cores = ${split.capacityMs} ms): ` +
    [...Object.entries(split.groups).map(([name, value]) => part(name, value)), part('other processes', split.otherMs)].join(', ') +
    `; machine ${((100 * used) / split.capacityMs).toFixed(0)} % busy`
  );
}
