// Runs a Kratix Pipeline's containers, in order, as local processes.
import { ChildProcessByStdio, spawn } from 'node:child_process';
import { Readable } from 'node:stream';
import os from 'node:os';
import {
  PipelineContainer,
  PipelineRunRequest,
  PipelineRunResult,
  PipelineRunner,
} from '../engine/interfaces';
import {
  DEFAULT_PATH,
  MOUNT_FAILED_EXIT,
  MOUNT_FAILED_MARKER,
  MountNamespace,
  MountNamespaceProbeOptions,
  findExecutable,
} from './mountNamespace';

/** Options of the runner; config `kratix.runner.process`. */
export interface ProcessPipelineRunnerOptions {
  /** Image → command, for containers without `command` (config `images`). */
  images?: Record<string, string[]>;
  /**
   * Give each run a private mount namespace with `/kratix/...` (default
   * true). When false, only the KRATIX_*_DIR variables point at the dirs.
   */
  mountNamespace?: boolean;
  /** Per-container timeout; default 10 minutes. */
  timeoutMs?: number;
  /** Time between SIGTERM and SIGKILL; default 5 s. */
  killGraceMs?: number;
  /** PATH given to containers. */
  path?: string;
  /** HOME given to containers; default the OS temp dir. */
  home?: string;
  /** Working directory of containers; default the backend's cwd. */
  workingDir?: string;
  /** Path of util-linux `unshare` (tests inject a failing one). */
  unshare?: string;
  /** Namespace modes to try (tests); default root if uid 0, then user. */
  namespaceModes?: MountNamespaceProbeOptions['modes'];
  /** Mount layout (tests); default `host` when /kratix can be used. */
  namespaceLayout?: MountNamespaceProbeOptions['layout'];
}

const DEFAULT_TIMEOUT_MS = 10 * 60 * 1000;
const DEFAULT_KILL_GRACE_MS = 5000;

type Ended =
  | { kind: 'exit'; code: number }
  | { kind: 'error'; message: string };

export class ProcessPipelineRunner implements PipelineRunner {
  private namespace?: Promise<MountNamespace>;

  constructor(private readonly options: ProcessPipelineRunnerOptions = {}) {}

  /**
   * Checks at start-up that runs can get `/kratix/...`; throws an error
   * naming the fix when they cannot. Resolves at once when
   * `mountNamespace` is false.
   */
  static async probe(
    options: ProcessPipelineRunnerOptions = {},
  ): Promise<void> {
    if (options.mountNamespace === false) return;
    await MountNamespace.probe(probeOptions(options));
  }

  /** Same check as `probe`, kept for this runner's runs. */
  async probe(): Promise<void> {
    await this.getNamespace();
  }

  private getNamespace(): Promise<MountNamespace> | undefined {
    if (this.options.mountNamespace === false) return undefined;
    this.namespace ??= MountNamespace.probe(probeOptions(this.options));
    return this.namespace;
  }

  async run(request: PipelineRunRequest): Promise<PipelineRunResult> {
    // A throwing onLog must not crash the backend.
    const onLog = (container: string, chunk: string) => {
      try {
        request.onLog(container, chunk);
      } catch {
        // the run's log is best effort
      }
    };
    const req = { ...request, onLog };
    let ns: MountNamespace | undefined;
    let fstab: { fstab: string; release(): Promise<void> } | undefined;
    try {
      const nsPromise = this.getNamespace();
      if (nsPromise) {
        ns = await nsPromise;
        fstab = await ns.prepare(request.dirs);
      }
    } catch (e) {
      this.namespace = undefined; // probe again on the next run
      return { succeeded: false, exitCode: 1, message: (e as Error).message };
    }
    try {
      let exitCode = 0;
      for (const container of request.pipeline.containers) {
        if (request.signal.aborted) {
          return cancelled(container.name, exitCode);
        }
        const result = await this.runContainer(
          req,
          container,
          ns,
          fstab?.fstab,
        );
        if (!result.succeeded) return result;
        exitCode = result.exitCode;
      }
      return { succeeded: true, exitCode };
    } finally {
      await fstab?.release().catch(() => {});
    }
  }

  private async runContainer(
    request: PipelineRunRequest,
    container: PipelineContainer,
    ns: MountNamespace | undefined,
    fstab: string | undefined,
  ): Promise<PipelineRunResult> {
    const name = container.name;
    const fail = (message: string, exitCode = 1): PipelineRunResult => ({
      succeeded: false,
      exitCode,
      failedContainer: name,
      message,
    });

    const command = this.commandOf(container);
    if (typeof command === 'string') return fail(command);

    const env = this.envOf(request, container);
    const cwd = this.options.workingDir ?? process.cwd();
    // Check here so a missing command gets a clear message, not exit 127.
    if (!command[0].startsWith('/kratix/')) {
      if (!findExecutable(command[0], env.PATH ?? '', cwd)) {
        return fail(
          `Container ${name} could not start: command "${
            command[0]
          }" not found or not executable (PATH=${env.PATH ?? ''})`,
          127,
        );
      }
    }

    const spawned = ns && fstab ? ns.wrap(fstab, command, cwd) : undefined;
    const file = spawned?.file ?? command[0];
    const args = spawned?.args ?? command.slice(1);

    const timeoutMs = this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const graceMs = this.options.killGraceMs ?? DEFAULT_KILL_GRACE_MS;

    let child: ChildProcessByStdio<null, Readable, Readable>;
    try {
      child = spawn(file, args, {
        cwd,
        env,
        detached: true, // own process group, so we can kill its children
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (e) {
      return fail(`Container ${name} could not start: ${(e as Error).message}`);
    }

    return new Promise<PipelineRunResult>(resolve => {
      let stopReason: 'timeout' | 'cancelled' | undefined;
      let mountFailed = false;
      let graceTimer: NodeJS.Timeout | undefined;

      const killGroup = (signal: NodeJS.Signals) => {
        if (child.pid === undefined) return;
        try {
          process.kill(-child.pid, signal);
        } catch {
          // group already gone
        }
      };
      const stop = (reason: 'timeout' | 'cancelled') => {
        if (stopReason) return;
        stopReason = reason;
        killGroup('SIGTERM');
        graceTimer = setTimeout(() => killGroup('SIGKILL'), graceMs);
      };

      const timer = setTimeout(() => stop('timeout'), timeoutMs);
      const onAbort = () => stop('cancelled');
      request.signal.addEventListener('abort', onAbort, { once: true });
      if (request.signal.aborted) onAbort();

      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        request.onLog(name, chunk);
      });
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
        if (ns && chunk.includes(MOUNT_FAILED_MARKER)) mountFailed = true;
        request.onLog(name, chunk);
      });

      let ended: Ended | undefined;
      let settled = false;
      const finish = () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        clearTimeout(graceTimer);
        request.signal.removeEventListener('abort', onAbort);
        if (ended?.kind === 'error') {
          resolve(
            fail(`Container ${name} could not start: ${ended.message}`, 127),
          );
          return;
        }
        const code = ended?.kind === 'exit' ? ended.code : 1;
        if (stopReason === 'timeout') {
          resolve(
            fail(
              `Container ${name} timed out after ${timeoutMs / 1000}s`,
              code,
            ),
          );
        } else if (stopReason === 'cancelled') {
          resolve(cancelled(name, code));
        } else if (mountFailed && code === MOUNT_FAILED_EXIT) {
          resolve(
            fail(
              `Container ${name} could not start: mounting /kratix failed (see its log)`,
              code,
            ),
          );
        } else if (code !== 0) {
          resolve(fail(`Container ${name} exited with code ${code}`, code));
        } else {
          resolve({ succeeded: true, exitCode: 0 });
        }
      };

      child.on('error', err => {
        ended = { kind: 'error', message: err.message };
        if (child.pid === undefined) setImmediate(finish); // never started
      });
      child.on('exit', (code, signal) => {
        ended = {
          kind: 'exit',
          code: code ?? 128 + (signal ? os.constants.signals[signal] : 0),
        };
        // Like a pod: when the main process ends, so does the rest.
        killGroup('SIGKILL');
      });
      child.on('close', finish);
    });
  }

  /** Command + args, or a message saying why there is no command. */
  private commandOf(container: PipelineContainer): string[] | string {
    const args = container.args ?? [];
    if (container.command?.length) return [...container.command, ...args];
    const mapped = this.options.images?.[container.image];
    if (mapped?.length) return [...mapped, ...args];
    return (
      `Container ${container.name} (image ${container.image}) has no command ` +
      `and the process runner has none mapped for its image: set ` +
      `kratix.runner.process.images["${container.image}"] to the command ` +
      `to run, e.g. ['sh', '/path/to/script.sh'], or give the container a command`
    );
  }

  /** A minimal environment: never the backend's own (it holds secrets). */
  private envOf(
    request: PipelineRunRequest,
    container: PipelineContainer,
  ): Record<string, string> {
    const env: Record<string, string> = {
      PATH: this.options.path ?? DEFAULT_PATH,
      HOME: this.options.home ?? os.tmpdir(),
      LANG: 'C.UTF-8',
      ...request.env,
      KRATIX_INPUT_DIR: request.dirs.input,
      KRATIX_OUTPUT_DIR: request.dirs.output,
      KRATIX_METADATA_DIR: request.dirs.metadata,
    };
    for (const { name, value } of container.env ?? []) {
      if (value === undefined) {
        request.onLog(
          container.name,
          `kratix: env ${name} skipped: only "value" is supported by the process runner (no valueFrom)\n`,
        );
        continue;
      }
      env[name] = value;
    }
    return env;
  }
}

function probeOptions(
  options: ProcessPipelineRunnerOptions,
): MountNamespaceProbeOptions {
  return {
    unshare: options.unshare,
    modes: options.namespaceModes,
    layout: options.namespaceLayout,
  };
}

function cancelled(container: string, exitCode: number): PipelineRunResult {
  return {
    succeeded: false,
    exitCode: exitCode || 1,
    failedContainer: container,
    message: 'cancelled',
  };
}
