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

export interface YamlWorkerOptions {
  /** A text not parsed in this time is refused; its thread is replaced. */
  timeoutMs: number;
  /** The heap a parse may use, else it is refused. */
  maxHeapMb?: number;
  limits?: YamlLimits;
}

/** One worker thread, started when first needed; texts wait their turn. */
export class YamlWorker {
  private worker?: Worker;
  private running?: Job & { timer: NodeJS.Timeout };
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
    const timer = setTimeout(
      () =>
        this.fail(
          worker,
          `is too complex: not parsed within ${this.options.timeoutMs} ms; simplify it, or send JSON`,
        ),
      this.options.timeoutMs,
    );
    this.running = { ...job, timer };
    worker.postMessage(job.text);
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
    clearTimeout(job.timer);
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
