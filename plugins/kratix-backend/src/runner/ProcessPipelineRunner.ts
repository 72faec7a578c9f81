// Runs a Kratix Pipeline's containers, in order, as local processes.
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
import { ContainerEnd, ContainerSpawner } from './ContainerSpawner';
import { ForkedContainerSpawner } from './ForkedContainerSpawner';
import { KeyValueSources, resolveContainerEnv } from './containerEnv';

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
  /** Starts the containers' processes; default a ForkedContainerSpawner. */
  spawner?: ContainerSpawner;
  /** For `valueFrom.secretKeyRef` (config `secrets`). */
  secrets?: KeyValueSources;
  /** For `valueFrom.configMapKeyRef` (config `configMaps`). */
  configMaps?: KeyValueSources;
}

const DEFAULT_TIMEOUT_MS = 10 * 60 * 1000;
const DEFAULT_KILL_GRACE_MS = 5000;

/** How runs are set up: with `/kratix` mounts, or without. */
type Sandbox = MountNamespace | ProcessTreeSandbox;

export class ProcessPipelineRunner implements PipelineRunner {
  private sandbox?: Promise<Sandbox>;
  private readonly spawner: ContainerSpawner;

  constructor(private readonly options: ProcessPipelineRunnerOptions = {}) {
    this.spawner = options.spawner ?? new ForkedContainerSpawner();
  }

  /** Stops the spawner: call when no run is left (backend shutdown). */
  close(): Promise<void> {
    return this.spawner.close();
  }

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
    if (typeof env === 'string') {
      return fail(`Container ${name} could not start: ${env}`);
    }
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

    return new Promise<PipelineRunResult>(resolve => {
      let stopReason: 'timeout' | 'cancelled' | undefined;
      let mountFailed = false;
      let graceTimer: NodeJS.Timeout | undefined;
      let ended: ContainerEnd | undefined;
      let settled = false;

      const child = this.spawner.spawn(
        file,
        args,
        { cwd, env },
        {
          onOutput: (fd, text) => {
            if (fd === 2 && mounts && text.includes(MOUNT_FAILED_MARKER)) {
              mountFailed = true;
            }
            request.onLog(name, text);
          },
          onExit: end => {
            if (end.kind === 'exit' || !ended) ended = end;
            // Like a pod: when the main process ends, so does the rest.
            if (end.kind === 'exit') child.kill('SIGKILL');
          },
          onClose: () => finish(),
        },
      );
      const stop = (reason: 'timeout' | 'cancelled') => {
        if (stopReason) return;
        stopReason = reason;
        child.kill('SIGTERM');
        graceTimer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      };

      const timer = setTimeout(() => stop('timeout'), timeoutMs);
      const onAbort = () => stop('cancelled');
      request.signal.addEventListener('abort', onAbort, { once: true });
      if (request.signal.aborted) onAbort();

      function finish() {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        clearTimeout(graceTimer);
        request.signal.removeEventListener('abort', onAbort);
        if (ended?.kind === 'error') {
          resolve(
            ended.started
              ? fail(`Container ${name} failed: ${ended.message}`)
              : fail(
                  `Container ${name} could not start: ${ended.message}`,
                  127,
                ),
          );
          return;
        }
        const code = exitCodeOf(ended);
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
      }
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

  /**
   * A minimal environment: never the backend's own (it holds secrets).
   * A string says why the container's own env cannot be resolved.
   */
  private envOf(
    request: PipelineRunRequest,
    container: PipelineContainer,
  ): Record<string, string> | string {
    const own = resolveContainerEnv(container.env ?? [], this.options);
    if ('error' in own) return own.error;
    for (const note of own.notes) {
      request.onLog(container.name, `kratix: ${note}\n`);
    }
    return {
      PATH: this.options.path ?? DEFAULT_PATH,
      HOME: this.options.home ?? os.tmpdir(),
      LANG: 'C.UTF-8',
      ...request.env,
      KRATIX_INPUT_DIR: request.dirs.input,
      KRATIX_OUTPUT_DIR: request.dirs.output,
      KRATIX_METADATA_DIR: request.dirs.metadata,
      ...own.env,
    };
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

/** A shell's view of how a process ended: its code, or 128 + signal. */
function exitCodeOf(end: ContainerEnd | undefined): number {
  if (end?.kind !== 'exit') return 1;
  if (end.code !== null) return end.code;
  return 128 + (end.signal ? os.constants.signals[end.signal] : 0);
}

function cancelled(container: string, exitCode: number): PipelineRunResult {
  return {
    succeeded: false,
    exitCode: exitCode || 1,
    failedContainer: container,
    message: 'cancelled',
  };
}
