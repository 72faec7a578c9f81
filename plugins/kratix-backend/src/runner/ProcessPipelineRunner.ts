// Runs a Kratix Pipeline's containers, in order, as local processes.
import os from 'node:os';
import {
  FailedPipelineRun,
  PipelineContainer,
  PipelineRunRequest,
  PipelineRunResult,
  PipelineRunner,
} from '../engine/interfaces';
import { DEFAULT_PATH, findExecutable } from './paths';
import { ProcessTreeProbeResult, ProcessTreeSandbox } from './processTree';
import { ContainerEnd, ContainerSpawner } from './ContainerSpawner';
import { ForkedContainerSpawner } from './ForkedContainerSpawner';
import { KeyValueSources, resolveContainerEnv } from './containerEnv';
import {
  BWRAP_ERROR_PREFIX,
  BubblewrapOptions,
  BubblewrapSandbox,
} from './BubblewrapSandbox';
import {
  ContainerSandbox,
  PreparedRun,
  SandboxedCommand,
} from './ContainerSandbox';
import { RunDirs } from './pipelineDirs';
import { ContainersResult, runInPipelineDirs } from './pipelineRun';

export type { ProcessTreeProbeResult } from './processTree';

/** Options of the runner; config `kratix.runner.process`. */
export interface ProcessPipelineRunnerOptions {
  /** Image → command, for containers without `command` (config `images`). */
  images?: Record<string, string[]>;
  /** Config `kratix.runner.process.sandbox`; default bubblewrap. */
  sandbox?: SandboxOptions;
  /**
   * Where each run gets its folder (removed after the run), and the
   * sandbox's probe its test run; default the OS temp dir.
   */
  workDir?: string;
  /** Per-container timeout; default 10 minutes. */
  timeoutMs?: number;
  /** Time between SIGTERM and SIGKILL; default 5 s. */
  killGraceMs?: number;
  /** PATH given to containers. */
  path?: string;
  /** HOME given to containers without a sandbox; default the OS temp dir. */
  home?: string;
  /** Working directory of containers without a sandbox; default the backend's cwd. */
  workingDir?: string;
  /** Path of util-linux `unshare`, without a sandbox (tests). */
  unshare?: string;
  /** Starts the containers' processes; default a ForkedContainerSpawner. */
  spawner?: ContainerSpawner;
  /** For `valueFrom.secretKeyRef` (config `secrets`). */
  secrets?: KeyValueSources;
  /** For `valueFrom.configMapKeyRef` (config `configMaps`). */
  configMaps?: KeyValueSources;
}

/** How containers are isolated: bubblewrap (default), or not at all. */
export type SandboxOptions = Omit<BubblewrapOptions, 'workDir'> & {
  type?: 'bubblewrap' | 'none';
};

const DEFAULT_TIMEOUT_MS = 10 * 60 * 1000;
const DEFAULT_KILL_GRACE_MS = 5000;

export class ProcessPipelineRunner implements PipelineRunner {
  private sandbox?: Promise<ContainerSandbox>;
  private readonly spawner: ContainerSpawner;

  constructor(private readonly options: ProcessPipelineRunnerOptions = {}) {
    this.spawner = options.spawner ?? new ForkedContainerSpawner();
  }

  /** Stops the spawner: call when no run is left (backend shutdown). */
  close(): Promise<void> {
    return this.spawner.close();
  }

  /**
   * Checks at start-up that containers can run in their sandbox; throws
   * an error naming the fix when they cannot. Also finds how each
   * container's processes are tied to the backend, so that none outlive
   * it; `warnings` says what is not guarded and the fix: log them.
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

  private getSandbox(): Promise<ContainerSandbox> {
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
    let sandbox: ContainerSandbox;
    try {
      sandbox = await this.getSandbox();
    } catch (e) {
      this.sandbox = undefined; // probe again on the next run
      return { succeeded: false, exitCode: 1, message: (e as Error).message };
    }
    return runInPipelineDirs(
      this.options.workDir ?? os.tmpdir(),
      request,
      dirs => this.runContainers(req, sandbox, dirs),
    );
  }

  /** The containers in order, in `sandbox`, on the run's `dirs`. */
  private async runContainers(
    request: PipelineRunRequest,
    sandbox: ContainerSandbox,
    dirs: RunDirs,
  ): Promise<ContainersResult> {
    let prepared: PreparedRun;
    try {
      prepared = await sandbox.prepare(dirs);
    } catch (e) {
      const why = (e as Error).message;
      const message = `the pipeline's sandbox could not be prepared: ${why}`;
      return { succeeded: false, exitCode: 1, message };
    }
    try {
      let exitCode = 0;
      for (const container of request.pipeline.containers) {
        if (request.signal.aborted) {
          return cancelled(container.name, exitCode);
        }
        const result = await this.runContainer(request, container, prepared);
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
  ): Promise<ContainersResult> {
    const name = container.name;
    const fail = (message: string, exitCode = 1): FailedPipelineRun => ({
      succeeded: false,
      exitCode,
      failedContainer: name,
      message,
    });

    const command = this.commandOf(container);
    if (typeof command === 'string') return fail(command);

    const env = this.envOf(request, container, prepared);
    if (typeof env === 'string') {
      return fail(`Container ${name} could not start: ${env}`);
    }
    const sandboxed: SandboxedCommand = prepared.wrap(command);
    // Check here so a missing command gets a clear message, not exit 127.
    if (!command[0].startsWith('/kratix/') && !command[0].startsWith('.')) {
      if (!findExecutable(command[0], env.PATH ?? '', sandboxed.cwd)) {
        return fail(
          `Container ${name} could not start: command "${
            command[0]
          }" not found or not executable (PATH=${env.PATH ?? ''})`,
          127,
        );
      }
    }

    const timeoutMs = this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const graceMs = this.options.killGraceMs ?? DEFAULT_KILL_GRACE_MS;

    return new Promise<ContainersResult>(resolve => {
      let stopReason: 'timeout' | 'cancelled' | undefined;
      // The first line of stderr: bwrap's own error, if it failed.
      let firstLine = '';
      let firstLineDone = false;
      let graceTimer: NodeJS.Timeout | undefined;
      let ended: ContainerEnd | undefined;
      let settled = false;

      const { file, args, ...spawnOptions } = sandboxed;
      const child = this.spawner.spawn(
        file,
        args,
        { ...spawnOptions, env },
        {
          onOutput: (fd, text) => {
            if (fd === 2 && !firstLineDone) {
              firstLine += text;
              const end = firstLine.indexOf('\n');
              firstLineDone = end >= 0 || firstLine.length > 1000;
              if (end >= 0) firstLine = firstLine.slice(0, end);
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
        } else if (code === 1 && firstLine.startsWith(BWRAP_ERROR_PREFIX)) {
          resolve(
            fail(
              `Container ${name} could not start in its sandbox: ${firstLine}`,
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
    prepared: PreparedRun,
  ): Record<string, string> | string {
    const own = resolveContainerEnv(container.env ?? [], this.options);
    if ('error' in own) return own.error;
    for (const note of own.notes) {
      request.onLog(container.name, `kratix: ${note}\n`);
    }
    return {
      PATH: this.options.path ?? DEFAULT_PATH,
      HOME: prepared.home ?? this.options.home ?? os.tmpdir(),
      LANG: 'C.UTF-8',
      ...request.env,
      KRATIX_INPUT_DIR: prepared.dirs.input,
      KRATIX_OUTPUT_DIR: prepared.dirs.output,
      KRATIX_METADATA_DIR: prepared.dirs.metadata,
      ...own.env,
    };
  }
}

function probeSandbox(
  options: ProcessPipelineRunnerOptions,
): Promise<ContainerSandbox> {
  const { type, ...bubblewrap } = options.sandbox ?? {};
  if (type === 'none') {
    return ProcessTreeSandbox.probe({
      unshare: options.unshare,
      workingDir: options.workingDir,
    });
  }
  return BubblewrapSandbox.probe({
    ...bubblewrap,
    workDir: options.workDir ?? os.tmpdir(),
  });
}

function probeResult(sandbox: ContainerSandbox): ProcessTreeProbeResult {
  return {
    processTree: sandbox.processTree,
    warnings: [...sandbox.warnings],
    sandbox: sandbox.description,
  };
}

/** A shell's view of how a process ended: its code, or 128 + signal. */
function exitCodeOf(end: ContainerEnd | undefined): number {
  if (end?.kind !== 'exit') return 1;
  if (end.code !== null) return end.code;
  return 128 + (end.signal ? os.constants.signals[end.signal] : 0);
}

function cancelled(container: string, exitCode: number): FailedPipelineRun {
  return {
    succeeded: false,
    exitCode: exitCode || 1,
    failedContainer: container,
    message: 'cancelled',
  };
}
