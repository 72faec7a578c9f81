// Runs a Kratix Pipeline's containers, in order, as local processes.
import { ChildProcessByStdio, spawn } from 'node:child_process';
import { Readable, Writable } from 'node:stream';
import os from 'node:os';
import {
  PipelineContainer,
  PipelineRunRequest,
  PipelineRunResult,
  PipelineRunner,
} from '../engine/interfaces';
import {
  MOUNT_FAILED_EXIT,
  MOUNT_FAILED_MARKER,
  MountNamespace,
  MountNamespaceProbeOptions,
  PreparedRun,
} from './mountNamespace';
import { DEFAULT_PATH, findExecutable } from './paths';
import { ProcessTreeProbeResult, ProcessTreeSandbox } from './processTree';

export type { ProcessTreeProbeResult } from './processTree';

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

/** How runs are set up: with `/kratix` mounts, or without. */
type Sandbox = MountNamespace | ProcessTreeSandbox;

export class ProcessPipelineRunner implements PipelineRunner {
  private sandbox?: Promise<Sandbox>;

  constructor(private readonly options: ProcessPipelineRunnerOptions = {}) {}

  /**
   * Checks at start-up that runs can get `/kratix/...`; throws an error
   * naming the fix when they cannot (not when `mountNamespace` is false).
   * Also finds how each container's processes are tied to the backend, so
   * that none outlive it; when they cannot all be, runs still work and
   * `warnings` says what is not guarded and the fix: log them.
   */
  static async probe(
    options: ProcessPipelineRunnerOptions = {},
  ): Promise<ProcessTreeProbeResult> {
    return probeResult(await probeSandbox(options));
  }

  /** Same check as `probe`, kept for this runner's runs. */
  async probe(): Promise<ProcessTreeProbeResult> {
    return probeResult(await this.getSandbox());
  }

  private getSandbox(): Promise<Sandbox> {
    this.sandbox ??= probeSandbox(this.options);
    return this.sandbox;
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
    let prepared: PreparedRun;
    let mounts: boolean;
    try {
      const sandbox = await this.getSandbox();
      mounts = sandbox instanceof MountNamespace;
      prepared =
        sandbox instanceof MountNamespace
          ? await sandbox.prepare(request.dirs)
          : { wrap: c => sandbox.wrap(c), release: async () => {} };
    } catch (e) {
      this.sandbox = undefined; // probe again on the next run
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
          prepared,
          mounts,
        );
        if (!result.succeeded) return result;
        exitCode = result.exitCode;
      }
      return { succeeded: true, exitCode };
    } finally {
      await prepared.release().catch(() => {});
    }
  }

  private async runContainer(
    request: PipelineRunRequest,
    container: PipelineContainer,
    prepared: PreparedRun,
    mounts: boolean,
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

    const { file, args } = prepared.wrap(command, cwd);

    const timeoutMs = this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const graceMs = this.options.killGraceMs ?? DEFAULT_KILL_GRACE_MS;

    let child: ChildProcessByStdio<Writable, Readable, Readable>;
    try {
      child = spawn(file, args, {
        cwd,
        env,
        detached: true, // own process group, so we can kill its children
        // stdin: never written to; EOF tells the container that the
        // backend died, so that it dies too (processTree.ts).
        stdio: ['pipe', 'pipe', 'pipe'],
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

      child.stdin.on('error', () => {}); // never written to
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        request.onLog(name, chunk);
      });
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
        if (mounts && chunk.includes(MOUNT_FAILED_MARKER)) mountFailed = true;
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

function probeSandbox(options: ProcessPipelineRunnerOptions): Promise<Sandbox> {
  if (options.mountNamespace === false) {
    return ProcessTreeSandbox.probe({ unshare: options.unshare });
  }
  return MountNamespace.probe({
    unshare: options.unshare,
    modes: options.namespaceModes,
    layout: options.namespaceLayout,
  });
}

function probeResult(sandbox: Sandbox): ProcessTreeProbeResult {
  return { processTree: sandbox.processTree, warnings: [...sandbox.warnings] };
}

function cancelled(container: string, exitCode: number): PipelineRunResult {
  return {
    succeeded: false,
    exitCode: exitCode || 1,
    failedContainer: container,
    message: 'cancelled',
  };
}
