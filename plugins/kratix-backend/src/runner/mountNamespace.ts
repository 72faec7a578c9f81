// A private mount namespace per pipeline run, so that containers see the
// run's host directories at /kratix/{input,output,metadata}, as in a pod.
//
// `unshare --mount` (as root) or `unshare --user --map-root-user --mount`
// (unprivileged, with user namespaces) runs a tiny `sh` wrapper that sets up
// every mount with a single `mount -a -T <fstab>`, then execs the command.
// Two layouts, chosen by the probe:
// - `host`: empty mountpoints /kratix/{input,output,metadata} exist on the
//   host (the probe creates them when it may, e.g. as root); the run's dirs
//   are bind-mounted on them. Cheapest: three bind mounts.
// - `newRoot`: no /kratix on the host and no right to create it. A tmpfs is
//   mounted on a private empty dir, every top-level entry of `/` is
//   recursively bound into it, the run's dirs on `<root>/kratix/*`, and
//   `unshare --root` chroots into it. The host's `/` is never changed.
// Either way the mounts exist only in the run's own namespace, so parallel
// runs never see each other's /kratix.
//
// The same `unshare` call also makes the run's PID namespace, tied to the
// backend's life (see processTree.ts), when it works here.
import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  realpathSync,
  rmSync,
} from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createPipelineDirs } from '../engine/pipelineDirs';
import { DEFAULT_PATH, findExecutable } from './paths';
import {
  ProcessTreeGuard,
  ProcessTreeGuardLevel,
  describeGuard,
  guardCandidates,
  guardWarning,
  runProbe,
  sandboxed,
} from './processTree';

export { DEFAULT_PATH, findExecutable };

/** How the namespace is entered: as real root, or via a user namespace. */
export type MountNamespaceMode = 'root' | 'user';
export type MountNamespaceLayout = 'host' | 'newRoot';

export interface MountNamespaceProbeOptions {
  /** Path of util-linux `unshare`; default: found on PATH. */
  unshare?: string;
  /** Modes to try, in order; default: `root` when uid 0, then `user`. */
  modes?: MountNamespaceMode[];
  /** Default: `host` when /kratix mountpoints exist or can be made. */
  layout?: MountNamespaceLayout;
}

/** A run's mounts, ready: the command line for each of its containers. */
export interface PreparedRun {
  wrap(command: string[], cwd: string): { file: string; args: string[] };
  release(): Promise<void>;
}

/** Exit code and stderr line of the wrapper when mounting fails. */
export const MOUNT_FAILED_EXIT = 125;
export const MOUNT_FAILED_MARKER = 'kratix-runner: cannot mount /kratix';

const MOUNT = `"$m" -a -T "$f" || { echo "${MOUNT_FAILED_MARKER}" >&2; exit ${MOUNT_FAILED_EXIT}; }`;
/** The wrapper script's mounts, and how it then runs the command. */
const WRAPPERS: Record<MountNamespaceLayout, { setup: string; run: string }> = {
  host: { setup: `m=$1 f=$2; shift 2\n${MOUNT}`, run: '"$@"' },
  newRoot: {
    setup: `m=$1 f=$2 u=$3 r=$4 w=$5; shift 5\n${MOUNT}`,
    run: '"$u" --root="$r" --wd="$w" -- "$@"',
  },
};

const KRATIX_DIRS = ['input', 'output', 'metadata'] as const;

/** Escapes a path for an fstab field (space, tab, newline, backslash). */
function fstabEscape(p: string): string {
  return p.replace(
    /[\\ \t\n]/g,
    c => `\\${c.charCodeAt(0).toString(8).padStart(3, '0')}`,
  );
}

function fstabLine(source: string, target: string, options: string): string {
  return `${fstabEscape(source)} ${fstabEscape(target)} none ${options} 0 0\n`;
}

/** True when /kratix/{input,output,metadata} are (now) plain dirs. */
function hostMountpoints(): boolean {
  const isDir = (p: string) => {
    try {
      return lstatSync(p).isDirectory();
    } catch {
      return false;
    }
  };
  try {
    for (const name of KRATIX_DIRS) {
      mkdirSync(`/kratix/${name}`, { recursive: true, mode: 0o755 });
    }
  } catch {
    // not allowed (unprivileged): check what is there
  }
  return ['/kratix', ...KRATIX_DIRS.map(n => `/kratix/${n}`)].every(isDir);
}

/** The fstab lines that rebuild the host's `/` under `root`. */
function rootSkeleton(root: string): string {
  let fstab = `tmpfs ${fstabEscape(root)} tmpfs mode=755 0 0\n`;
  for (const entry of readdirSync('/', { withFileTypes: true })) {
    if (entry.name === 'kratix') continue;
    let source = `/${entry.name}`;
    if (entry.isSymbolicLink()) {
      try {
        source = realpathSync(source); // e.g. /bin -> /usr/bin
      } catch {
        continue; // dangling
      }
    } else if (!entry.isDirectory()) {
      continue; // top-level files are not carried over
    }
    fstab += fstabLine(
      source,
      path.join(root, entry.name),
      'rbind,X-mount.mkdir',
    );
  }
  return fstab;
}

/**
 * A private dir for fstab files and the new root's mountpoint: one per
 * user, reused, unless someone else could have planted it.
 */
let workDir: string | undefined;
let fstabCounter = 0;
function getWorkDir(): string {
  if (workDir) return workDir;
  const uid = process.getuid?.() ?? 0;
  let dir = path.join(os.tmpdir(), `kratix-runner-${uid}`);
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch {
    // exists: checked below
  }
  const stat = lstatSync(dir, { throwIfNoEntry: false });
  if (!stat?.isDirectory() || stat.uid !== uid || stat.mode & 0o077) {
    dir = mkdtempSync(`${dir}-`);
    const created = dir;
    process.once('exit', () =>
      rmSync(created, { recursive: true, force: true }),
    );
  }
  mkdirSync(path.join(dir, 'root'), { recursive: true });
  workDir = realpathSync(dir);
  return workDir;
}

/** A probed, working way to give each run its own `/kratix`. */
export class MountNamespace {
  /** Why runs are less guarded than they could be (see processTree.ts). */
  readonly warnings: string[] = [];

  private constructor(
    readonly mode: MountNamespaceMode,
    readonly layout: MountNamespaceLayout,
    private readonly unshare: string,
    private readonly mount: string,
    /** fstab lines mounted before the run's own (newRoot only). */
    private readonly skeleton: string,
    private readonly guard: ProcessTreeGuard,
  ) {}

  /** How much of a container dies with the backend. */
  get processTree(): ProcessTreeGuardLevel {
    return this.guard.level;
  }

  /**
   * Checks, once, that a private mount namespace with `/kratix` works here
   * and returns it, with the best process tree guard that works too;
   * throws an error naming the fix when there is no mount namespace.
   */
  static async probe(
    options: MountNamespaceProbeOptions = {},
  ): Promise<MountNamespace> {
    const fail = (why: string) =>
      new Error(
        `The process pipeline runner cannot give containers /kratix/input, ` +
          `/kratix/output and /kratix/metadata: ${why}. Fix: run the backend ` +
          `as root, or enable unprivileged user namespaces ` +
          `(sysctl -w kernel.unprivileged_userns_clone=1 and ` +
          `user.max_user_namespaces > 0; on Ubuntu also ` +
          `kernel.apparmor_restrict_unprivileged_userns=0), or set ` +
          `kratix.runner.process.mountNamespace: false (containers then only ` +
          `get KRATIX_INPUT_DIR, KRATIX_OUTPUT_DIR and KRATIX_METADATA_DIR; ` +
          `scripts using the absolute /kratix/... paths will fail).`,
      );
    if (process.platform !== 'linux') {
      throw fail(`mount namespaces need Linux, this is ${process.platform}`);
    }
    const unshare = options.unshare ?? findExecutable('unshare');
    const mount = findExecutable('mount');
    if (!unshare || !mount) {
      throw fail('util-linux `unshare` and `mount` were not found on PATH');
    }
    const modes =
      options.modes ?? (process.getuid?.() === 0 ? ['root', 'user'] : ['user']);
    const layout = options.layout ?? (hostMountpoints() ? 'host' : 'newRoot');
    const skeleton =
      layout === 'newRoot' ? rootSkeleton(path.join(getWorkDir(), 'root')) : '';

    const errors: string[] = [];
    for (const mode of modes) {
      // Best guard first; the last one is the plain mount namespace.
      const failures: string[] = [];
      let error = '';
      for (const guard of guardCandidates(true)) {
        const ns = new MountNamespace(
          mode,
          layout,
          unshare,
          mount,
          skeleton,
          guard,
        );
        error = (await ns.selfTest()) ?? '';
        if (!error) {
          const warning = guardWarning(guard, failures.join('; '));
          if (warning) ns.warnings.push(warning);
          return ns;
        }
        failures.push(`${describeGuard(guard)}: ${error}`);
      }
      errors.push(`unshare ${namespaceFlags(mode).join(' ')}: ${error}`);
    }
    throw fail(errors.join('; '));
  }

  /** Writes the run's fstab; call `release` when the run is over. */
  async prepare(dirs: {
    input: string;
    output: string;
    metadata: string;
  }): Promise<PreparedRun> {
    const kratix =
      this.layout === 'host'
        ? '/kratix'
        : path.join(getWorkDir(), 'root', 'kratix');
    let fstab = this.skeleton;
    for (const name of KRATIX_DIRS) {
      const target = path.join(kratix, name);
      fstab += fstabLine(
        path.resolve(dirs[name]),
        target,
        'bind,X-mount.mkdir',
      );
    }
    fstabCounter += 1;
    const file = path.join(
      getWorkDir(),
      `run-${process.pid}-${fstabCounter}.fstab`,
    );
    await fs.writeFile(file, fstab, { mode: 0o644 });
    return {
      wrap: (command, cwd) => this.wrap(file, command, cwd),
      release: () => fs.rm(file, { force: true }),
    };
  }

  /** The command line that runs `command` inside a fresh namespace. */
  private wrap(
    fstab: string,
    command: string[],
    cwd: string,
  ): { file: string; args: string[] } {
    const layoutArgs =
      this.layout === 'host'
        ? [this.mount, fstab]
        : [
            this.mount,
            fstab,
            this.unshare,
            path.join(getWorkDir(), 'root'),
            cwd,
          ];
    return sandboxed(
      {
        guard: this.guard,
        unshare: this.unshare,
        namespaces: namespaceFlags(this.mode),
        ...WRAPPERS[this.layout],
        scriptArgs: ['kratix-mount', ...layoutArgs],
      },
      command,
    );
  }

  /** Runs a container-like check; returns why it failed, if it did. */
  private async selfTest(): Promise<string | undefined> {
    const { root: base, dirs } = await createPipelineDirs(
      os.tmpdir(),
      'kratix-probe-',
      'probe\n',
    );
    try {
      const run = await this.prepare(dirs);
      try {
        const check = 'cat /kratix/input/object.yaml > /kratix/output/probe';
        const { file, args } = run.wrap(['/bin/sh', '-c', check], '/');
        const error = await runProbe(file, args);
        if (error) return error;
        const seen = await fs
          .readFile(path.join(dirs.output, 'probe'), 'utf8')
          .catch(() => '');
        return seen === 'probe\n'
          ? undefined
          : 'the test file did not reach the host directory';
      } finally {
        await run.release();
      }
    } finally {
      await fs.rm(base, { recursive: true, force: true });
    }
  }
}

/** unshare's flags for the user (if any) and mount namespaces. */
function namespaceFlags(mode: MountNamespaceMode): string[] {
  const user = mode === 'user' ? ['--user', '--map-root-user'] : [];
  return [...user, '--mount', '--propagation', 'private'];
}
