// Parses YAML bodies on a worker thread, one at a time and within a time
// limit: the `yaml` package needs seconds for some 1 MiB texts, which on
// the event loop would stall every other request.
import { Worker } from 'node:worker_threads';
import {
  YAML_LIMITS,
  YamlDocumentResult,
  YamlLimits,
  yamlToJson,
} from '../engine';

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const yaml = require(workerData.yamlPath);
const yamlToJson = (${yamlToJson.toString()});
parentPort.on('message', text =>
  parentPort.postMessage(yamlToJson(yaml, text, workerData.limits)),
);
`;

interface Job {
  text: string;
  resolve(results: YamlDocumentResult[]): void;
}

/** How often the time a running text took is checked. */
const CHECK_MS = 50;

/**
 * The thread's CPU time in ms, where Node tells it (22.19+), else the wall
 * clock: time a busy machine keeps from the thread does not count.
 * NaN before the thread runs.
 */
function threadMs(worker: Worker): Promise<number> {
  if (typeof worker.cpuUsage !== 'function') {
    return Promise.resolve(performance.now());
  }
  return worker.cpuUsage().then(
    ({ user, system }) => (user + system) / 1000,
    () => NaN,
  );
}

export interface YamlWorkerOptions {
  /** A text that takes longer (CPU time) is refused; a new thread follows. */
  timeoutMs: number;
  /** The heap a parse may use, else it is refused. */
  maxHeapMb?: number;
  limits?: YamlLimits;
}

/** One worker thread, started when first needed; texts wait their turn. */
export class YamlWorker {
  private worker?: Worker;
  private running?: Job & { timer?: NodeJS.Timeout };
  private readonly waiting: Job[] = [];

  constructor(private readonly options: YamlWorkerOptions) {}

  /** The documents of `text`, as `yamlToJson` reads them. */
  parse(text: string): Promise<YamlDocumentResult[]> {
    return new Promise(resolve => {
      this.waiting.push({ text, resolve });
      this.next();
    });
  }

  /** Stops the thread; later texts start a new one. */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }

  private next() {
    if (this.running) return;
    const job = this.waiting.shift();
    if (!job) return;
    const worker = this.worker ?? this.start();
    const running: Job & { timer?: NodeJS.Timeout } = { ...job };
    this.running = running;
    const since = threadMs(worker).then(ms => (Number.isNaN(ms) ? 0 : ms));
    worker.postMessage(job.text);
    running.timer = setInterval(async () => {
      const took = (await threadMs(worker)) - (await since);
      if (this.running === running && took > this.options.timeoutMs) {
        this.fail(
          worker,
          `is too complex: not parsed within ${this.options.timeoutMs} ms; simplify it, or send JSON`,
        );
      }
    }, CHECK_MS);
  }

  private start(): Worker {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        yamlPath: require.resolve('yaml'),
        limits: this.options.limits ?? YAML_LIMITS,
      },
      resourceLimits: { maxOldGenerationSizeMb: this.options.maxHeapMb ?? 512 },
    });
    // Idle, it does not keep the process alive.
    worker.unref();
    worker.on('message', (results: YamlDocumentResult[]) => {
      if (worker === this.worker) this.finish(results);
    });
    worker.on('error', (e: Error & { code?: string }) =>
      this.fail(
        worker,
        e.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? 'is too complex: parsing it needs too much memory'
          : `could not be parsed: ${e.message}`,
      ),
    );
    worker.on('exit', () =>
      this.fail(worker, 'could not be parsed: the parser stopped'),
    );
    this.worker = worker;
    return worker;
  }

  private finish(results: YamlDocumentResult[]) {
    const job = this.running;
    if (!job) return;
    clearInterval(job.timer);
    this.running = undefined;
    job.resolve(results);
    this.next();
  }

  /** Refuses the running text and replaces a thread that is still busy. */
  private fail(worker: Worker, error: string) {
    if (worker !== this.worker) return;
    this.worker = undefined;
    worker.terminate().catch(() => undefined);
    this.finish([{ error, rule: 'yaml' }]);
  }
}
