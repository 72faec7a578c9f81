// Without a sandbox (`kratix.runner.process.sandbox.type: none`; the
// bubblewrap sandbox has its own guard), ties each container's processes
// to the backend's life, so that a backend killed abruptly (SIGKILL, out of memory, crash) leaves none behind. On
// restart the engine re-runs the interrupted pipeline from its start; an
// orphaned old run would go on writing alongside the new one.
//
// The backend gives each container a pipe on stdin and never writes to it:
// when the backend dies, however it dies, the kernel closes its end and the
// container's end reads EOF. A watcher, started first by the container's
// wrapper script, waits for that EOF and then kills the container:
// - `pidNamespace`: the wrapper runs as init (PID 1) of a new PID namespace
//   (`unshare --pid --fork --kill-child`, as root), and the watcher kills
//   every process in it
//   (`kill -KILL -1`): background children too, even those that left the
//   process group (setsid). The init then exits, and with it the namespace.
//   `--mount-proc` gives the namespace its own /proc, as a pod has, so
//   that `$$`, `ps` and /proc/<pid> agree inside the container.
// - `processGroup` (no PID namespaces here): the watcher kills the
//   container's process group, i.e. all but what left it.
// The EOF stays, so a backend that dies even before the watcher starts is
// still seen. The watcher ignores SIGTERM (the runner's timeout/cancel) and
// holds no stdout/stderr, so it never delays the end of a run.
//
// The init runs the command as its child instead of exec'ing it: an init
// does not get signals it has no handler for (SIGTERM), even from outside,
// so an exec'd command would no longer die of the runner's SIGTERM on
// timeout or cancel. The init exits with the command's exit code; its own
// stderr goes to /dev/null (no "Killed" line from it in the log).
//
// Why not `setpriv --pdeathsig KILL unshare ...` (the kernel kills unshare
// when the backend dies, and --kill-child the init)? It costs an exec,
// about 1 ms a container here, where the watcher costs a fork; and the
// pipe also sees a backend that died before the process started. The
// price: a container that kills its own watcher (`kill -KILL -1` inside)
// is not tied to the backend any more.
import { spawn } from 'node:child_process';
import { DEFAULT_PATH, findExecutable } from './paths';
import { ContainerSandbox, PreparedRun } from './ContainerSandbox';

/** How much of a container dies with the backend. */
export type ProcessTreeGuardLevel =
  /** All its processes: a PID namespace per container. */
  | 'pidNamespace'
  /** The processes still in its process group. */
  | 'processGroup';

export interface ProcessTreeGuard {
  level: ProcessTreeGuardLevel;
  /** With `pidNamespace`: mount the namespace's own /proc. */
  mountProc: boolean;
}

/** What the probe found; warnings say what is not guarded, and the fix. */
export interface ProcessTreeProbeResult {
  processTree: ProcessTreeGuardLevel;
  warnings: string[];
  /** What isolates the containers. */
  sandbox: string;
}

/** The guards to try, best first; the last one works wherever sh does. */
function guardCandidates(pidNamespace: boolean): ProcessTreeGuard[] {
  return [
    ...(pidNamespace
      ? [
          { level: 'pidNamespace' as const, mountProc: true },
          { level: 'pidNamespace' as const, mountProc: false },
        ]
      : []),
    { level: 'processGroup', mountProc: false },
  ];
}

function describeGuard(guard: ProcessTreeGuard): string {
  return guard.level === 'pidNamespace'
    ? `unshare --pid --fork --kill-child${
        guard.mountProc ? ' --mount-proc' : ''
      }`
    : 'process group';
}

/** The warning for a guard short of `pidNamespace`, if any. */
function guardWarning(
  guard: ProcessTreeGuard,
  why: string,
): string | undefined {
  if (guard.level === 'pidNamespace') return undefined;
  return (
    `The process pipeline runner cannot put each container in its own PID ` +
    `namespace (${why}). If the backend dies abruptly (SIGKILL, out of ` +
    `memory, crash), a running container's processes die with it, except ` +
    `any that left its process group (setsid, daemons): these keep running, ` +
    `and may run alongside the re-run of their pipeline after the backend ` +
    `restarts. Fix: use the default bubblewrap sandbox ` +
    `(kratix.runner.process.sandbox), or run the backend as root.`
  );
}

/**
 * The command line that runs `command` under `guard`. Spawn it with a
 * pipe on stdin that stays open while the backend lives (never written
 * to), in its own process group (`detached`).
 */
function guarded(
  guard: ProcessTreeGuard,
  unshare: string | undefined,
  command: string[],
): { file: string; args: string[] } {
  const pid = guard.level === 'pidNamespace';
  const unshareFlags = [
    ...(pid ? ['--pid', '--fork', '--kill-child'] : []),
    ...(pid && guard.mountProc ? ['--mount-proc'] : []),
  ];
  // `$$` is 1 in a PID namespace; else the group leader, as the runner
  // spawns the command line in its own process group.
  const kill = pid ? '[ $$ = 1 ] && kill -KILL -1' : 'kill -KILL -$$';
  const script = [
    'exec 4<&0 </dev/null',
    `{ trap '' HUP INT TERM; read -r x <&4; ${kill}; } >/dev/null 2>&1 &`,
    'exec 4<&-',
    pid ? 'exec 3>&2 2>/dev/null\n"$@" 2>&3 3>&-\nexit' : 'exec "$@"',
  ].join('\n');
  const wrapper = ['/bin/sh', '-c', script, 'kratix-init', ...command];
  if (!unshareFlags.length) return { file: wrapper[0], args: wrapper.slice(1) };
  if (!unshare) throw new Error('unshare is needed for namespaces');
  return { file: unshare, args: [...unshareFlags, ...wrapper] };
}

/**
 * Runs a probe command the way the runner runs containers; resolves with
 * why it failed, or '' when it did not.
 */
export function runProbe(
  file: string,
  args: string[],
  options: { expectStdout?: string; uid?: number; gid?: number } = {},
): Promise<string> {
  const { expectStdout, uid, gid } = options;
  return new Promise<string>(resolve => {
    let stdout = '';
    let stderr = '';
    const child = spawn(file, args, {
      cwd: '/',
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { PATH: DEFAULT_PATH, LANG: 'C.UTF-8' },
      uid,
      gid,
    });
    child.stdin.on('error', () => {});
    child.stdout.setEncoding('utf8').on('data', c => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', c => (stderr += c));
    child.on('error', e => resolve(e.message));
    child.on('close', code => {
      if (code !== 0) resolve(`exit code ${code}: ${stderr.trim()}`);
      else if (expectStdout !== undefined && stdout !== expectStdout) {
        resolve(`unexpected output ${JSON.stringify(stdout)}`);
      } else resolve('');
    });
  });
}

export interface ProcessTreeProbeOptions {
  /** Path of util-linux `unshare`; default: found on PATH. */
  unshare?: string;
  /** Working directory of containers; default the backend's cwd. */
  workingDir?: string;
}

/** Logged at start whenever containers run without a sandbox. */
export const NO_SANDBOX_WARNING =
  'Kratix pipelines run without a sandbox ' +
  "(kratix.runner.process.sandbox.type: none): as the backend's own user, " +
  'seeing every file it can read, its config, database and state store ' +
  'included. Anyone who may manage Promises can run any command as the ' +
  'backend. Use the default bubblewrap sandbox unless every Promise author ' +
  'is trusted with this host.';

/**
 * Containers without a sandbox (`sandbox.type: none`), still tied to the
 * backend: in a PID namespace when root, else by process group.
 */
export class ProcessTreeSandbox implements ContainerSandbox {
  readonly description = 'none (kratix.runner.process.sandbox.type: none)';

  private constructor(
    private readonly guard: ProcessTreeGuard,
    private readonly unshare: string | undefined,
    readonly warnings: string[],
    private readonly workingDir = process.cwd(),
  ) {}

  get processTree(): ProcessTreeGuardLevel {
    return this.guard.level;
  }

  /** Finds the best guard that works here; never throws. */
  static async probe(
    options: ProcessTreeProbeOptions = {},
  ): Promise<ProcessTreeSandbox> {
    const unshare =
      process.platform === 'linux'
        ? findExecutable(options.unshare ?? 'unshare')
        : undefined;
    const root = process.getuid?.() === 0;
    const failures: string[] = [];
    if (process.platform !== 'linux') {
      failures.push(`they need Linux, this is ${process.platform}`);
    } else if (!unshare) {
      failures.push('util-linux `unshare` was not found on PATH');
    } else if (!root) {
      failures.push(
        'without a sandbox they are only used as root, and the ' +
          'backend does not run as root',
      );
    }
    for (const guard of guardCandidates(Boolean(unshare) && root)) {
      const sandbox = new ProcessTreeSandbox(
        guard,
        unshare,
        [NO_SANDBOX_WARNING],
        options.workingDir,
      );
      const { file, args } = sandbox.wrap(['/bin/sh', '-c', 'echo ok']);
      const error = await runProbe(file, args, { expectStdout: 'ok\n' });
      if (!error) {
        const warning = guardWarning(guard, failures.join('; '));
        if (warning) sandbox.warnings.push(warning);
        return sandbox;
      }
      failures.push(`${describeGuard(guard)}: ${error}`);
    }
    // Not even sh works: runs will fail and say so; nothing more to guard.
    return new ProcessTreeSandbox(
      { level: 'processGroup', mountProc: false },
      unshare,
      [
        NO_SANDBOX_WARNING,
        guardWarning(
          { level: 'processGroup', mountProc: false },
          failures.join('; '),
        )!,
      ],
      options.workingDir,
    );
  }

  async prepare(dirs: PreparedRun['dirs']): Promise<PreparedRun> {
    return {
      dirs,
      wrap: command => ({
        ...this.wrap(command),
        cwd: this.workingDir,
        stdin: 'pipe',
      }),
      release: async () => {},
    };
  }

  wrap(command: string[]): { file: string; args: string[] } {
    return guarded(this.guard, this.unshare, command);
  }
}
