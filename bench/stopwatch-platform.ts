// Just enough of X for the burst, run in a process of its own (as a real platform is remote): POST /2/tweets
// answered after a fixed latency, the arrival time of each text kept here and sent to the parent over IPC.
import { fork, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

/** What the parent asks: the arrival times of `count` texts starting with `prefix`, or what came by the deadline. */
interface ArrivalsQuestion {
  id: number;
  prefix: string;
  count: number;
  timeoutMs: number;
}

interface ArrivalsAnswer {
  id: number;
  arrivals: number[];
  /** Texts of the prefix that arrived more than once, counted once per extra arrival: a send made twice. */
  repeats: number;
}

/** The parent's handle on the platform process. */
export class StopwatchPlatform {
  private child?: ChildProcess;
  private nextQuestion = 1;

  constructor(private readonly latencyMs: number) {}

  /** Starts the platform process and resolves with its base URL. */
  start(): Promise<string> {
    this.child = fork(join(__dirname, 'stopwatch-platform.js'), [String(this.latencyMs)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    return new Promise((resolve, reject) => {
      this.child!.once('message', (message) => resolve((message as { url: string }).url));
      this.child!.once('exit', (code) => reject(new Error(`the stopwatch platform exited with ${code}`)));
    });
  }

  /** Arrival times (Date.now() in the platform process) of the texts starting with `prefix`. */
  async waitFor(prefix: string, count: number, timeoutMs: number): Promise<number[]> {
    return (await this.arrivals(prefix, count, timeoutMs)).arrivals;
  }

  /** The arrival times, and how many sends of those texts came again (a text posted twice). */
  arrivals(prefix: string, count: number, timeoutMs: number): Promise<{ arrivals: number[]; repeats: number }> {
    const question: ArrivalsQuestion = { id: this.nextQuestion++, prefix, count, timeoutMs };
    return new Promise((resolve) => {
      const onMessage = (message: unknown): void => {
        const answer = message as ArrivalsAnswer;
        if (answer.id === question.id) {
          this.child!.off('message', onMessage);
          resolve({ arrivals: answer.arrivals, repeats: answer.repeats });
        }
      };
      this.child!.on('message', onMessage);
      this.child!.send(question);
    });
  }

  /** The platform process, whose CPU time the benchmark reports beside the app's. */
  get pid(): number {
    return this.child!.pid!;
  }

  stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) {
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      child.removeAllListeners('exit');
      child.once('exit', () => resolve());
      child.kill();
    });
  }
}

/** A question from the parent, and how many of the arrivals it waits for have come. */
interface Waiting {
  question: ArrivalsQuestion;
  seen: number;
  timer: NodeJS.Timeout;
}

/** The platform process itself. */
function serve(latencyMs: number): void {
  const arrivals = new Map<string, number>();
  const repeated = new Map<string, number>();
  // Each question counts the arrivals it waits for as they come, and scans the map once, to answer:
  // the platform's own CPU (it shares the machine with the engine under test) stays with serving.
  const waiting = new Set<Waiting>();
  const reply = (entry: Waiting): void => {
    clearTimeout(entry.timer);
    waiting.delete(entry);
    const { id, prefix } = entry.question;
    const times = [...arrivals].filter(([text]) => text.startsWith(prefix)).map(([, at]) => at);
    const repeats = [...repeated].filter(([text]) => text.startsWith(prefix)).reduce((sum, [, n]) => sum + n, 0);
    process.send!({ id, arrivals: times, repeats } satisfies ArrivalsAnswer);
  };
  const answer = (question: ArrivalsQuestion): void => {
    const seen = [...arrivals.keys()].filter((text) => text.startsWith(question.prefix)).length;
    const entry: Waiting = { question, seen, timer: setTimeout(() => reply(entry), question.timeoutMs) };
    waiting.add(entry);
    if (seen >= question.count) {
      reply(entry);
    }
  };
  const counted = (text: string): void => {
    for (const entry of waiting) {
      if (text.startsWith(entry.question.prefix) && ++entry.seen >= entry.question.count) {
        reply(entry);
      }
    }
  };
  let nextId = 1_000_000_000_000_000_000n;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const arrived = Date.now();
      const { text } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { text: string };
      if (!arrivals.has(text)) {
        arrivals.set(text, arrived);
        counted(text);
      } else {
        repeated.set(text, (repeated.get(text) ?? 0) + 1);
      }
      const id = String(nextId++);
      setTimeout(() => {
        res.writeHead(201, {
          'content-type': 'application/json',
          'x-rate-limit-limit': '1000000',
          'x-rate-limit-remaining': '999999',
          'x-rate-limit-reset': String(Math.ceil(Date.now() / 1000) + 900),
        });
        res.end(JSON.stringify({ data: { id, text, edit_history_tweet_ids: [id] } }));
      }, latencyMs);
    });
  });
  server.keepAliveTimeout = 60_000;
  process.on('message', (message) => answer(message as ArrivalsQuestion));
  process.on('disconnect', () => process.exit(0));
  server.listen(0, '127.0.0.1', () => {
    process.send!({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
  });
}

if (require.main === module) {
  serve(Number(process.argv[2]));
}
