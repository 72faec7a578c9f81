// Each container runs in a bubblewrap sandbox (Debian package `bubblewrap`):
// - as an unprivileged user (uid/gid 65534 by default) when the backend is
//   root, through a user namespace that may not create another one;
// - in a minimal read-only root: /usr and its links, a few files of /etc
//   (no shadow, no keys; copied at start), a minimal /dev, its own /proc,
//   a /tmp of its own run, the run's directories at
//   /kratix/{input,output,metadata}, and only the host paths that config
//   names. The host's home, /root, the backend's config,
//   database and state store are not there;
// - in its own PID, IPC, UTS, cgroup and (unless config allows the
//   network) network namespaces: it sees no process of the host, so it can
//   neither signal nor ptrace the backend;
// - killed with all its processes when the process that started it dies
//   (`--die-with-parent`, and the PID namespace's init): the spawner exits
//   with the backend, so nothing outlives the backend.
import { lstatSync, readlinkSync, statSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { ContainerSandbox, PreparedRun } from './ContainerSandbox';
import { createPipelineDirs } from './pipelineDirs';
import { findExecutable } from './paths';
import { runProbe } from './processTree';

/** Config `kratix.runner.process.sandbox`. */
export interface BubblewrapOptions {
  /** Path of `bwrap`; default: found on PATH. */
  bwrap?: string;
  /** Who containers run as when the backend is root; default 65534. */
  uid?: number;
  gid?: number;
  /** Host paths containers may read (e.g. pipeline scripts). */
  readOnlyPaths?: string[];
  /** Host paths containers may write. */
  writablePaths?: string[];
  /** Share the host's network (default false: loopback only). */
  network?: boolean;
  /**
   * This backend's own folder: the sandbox keeps its copy of /etc there,
   * and the probe makes its test run there.
   */
  workDir: string;
}

const NOBODY = 65534;
/** Top-level entries of `/` that hold programs and libraries. */
const SYSTEM_DIRS = ['usr', 'bin', 'sbin', 'lib', 'lib32', 'lib64', 'libx32'];
/** What programs need of /etc; nothing secret. */
const ETC_ENTRIES = [
  'alternatives',
  'ca-certificates',
  'ca-certificates.conf',
  'debian_version',
  'gai.conf',
  'group',
  'host.conf',
  'hosts',
  'ld.so.cache',
  'ld.so.conf',
  'ld.so.conf.d',
  'localtime',
  'mime.types',
  'nsswitch.conf',
  'os-release',
  'passwd',
  'protocols',
  'resolv.conf',
  'services',
  'ssl/certs',
  'timezone',
];

/** Device nodes containers get, bound from the host. */
const DEVICES = ['null', 'zero', 'random', 'urandom'];

/** Where containers work, and their HOME: a folder of their run. */
const CONTAINER_HOME = '/tmp';
const CONTAINER_DIRS = {
  input: '/kratix/input',
  output: '/kratix/output',
  metadata: '/kratix/metadata',
};

/** bwrap's own errors (setup, exec) start with this on stderr. */
export const BWRAP_ERROR_PREFIX = 'bwrap: ';

export class BubblewrapSandbox implements ContainerSandbox {
  readonly processTree = 'pidNamespace' as const;
  readonly warnings: string[] = [];

  private constructor(
    private readonly bwrap: string,
    /** Arguments every run shares: namespaces and the root's mounts. */
    private readonly baseArgs: string[],
    /** The host paths config adds: after the run's own /tmp. */
    private readonly pathArgs: string[],
    private readonly user: { uid: number; gid: number } | undefined,
  ) {}

  get description(): string {
    const who = this.user ? `uid ${this.user.uid}` : "the backend's uid";
    return `bubblewrap (${this.bwrap}), as ${who}`;
  }

  /**
   * Checks, once, that containers can run in the sandbox here; throws an
   * error naming the fix when they cannot.
   */
  static async probe(options: BubblewrapOptions): Promise<BubblewrapSandbox> {
    const fail = (why: string) =>
      new Error(
        `The process pipeline runner cannot sandbox containers: ${why}. Fix: ` +
          `install bubblewrap (Debian/Ubuntu package \`bubblewrap\`) and ` +
          `allow user namespaces (sysctl user.max_user_namespaces > 0; on ` +
          `Ubuntu also kernel.apparmor_restrict_unprivileged_userns=0). ` +
          `Only where every Promise author is trusted with the backend's ` +
          `host: kratix.runner.process.sandbox.type: none.`,
      );
    if (process.platform !== 'linux') {
      throw fail(`bubblewrap needs Linux, this is ${process.platform}`);
    }
    const bwrap = options.bwrap ?? findExecutable('bwrap');
    if (!bwrap) throw fail('`bwrap` was not found on PATH');
    const sandbox = new BubblewrapSandbox(
      bwrap,
      sharedArgs(options, await copyEtc(options.workDir)),
      configPathArgs(options),
      process.getuid?.() === 0
        ? { uid: options.uid ?? NOBODY, gid: options.gid ?? NOBODY }
        : undefined,
    );
    const error = await sandbox.selfTest(options.workDir);
    if (error && /source path .*Permission denied/.test(error)) {
      throw new Error(
        `The process pipeline runner cannot sandbox containers: ${error}. ` +
          `Fix: the sandbox's user (${sandbox.description}) must be able ` +
          `to reach ${options.workDir} and every folder above it (chmod ` +
          `o+x), or set kratix.engine.workDir to such a folder.`,
      );
    }
    if (error) throw fail(error);
    return sandbox;
  }

  async prepare(dirs: PreparedRun['dirs']): Promise<PreparedRun> {
    // The run's folder, parent of its dirs, also holds its /tmp.
    const folder = path.dirname(dirs.input);
    const tmp = path.join(folder, 'tmp');
    await fs.mkdir(tmp, { recursive: true });
    if (this.user) {
      const { uid, gid } = this.user;
      // The folder too: bwrap, as the user, opens the dirs by path.
      const paths = [folder, tmp, ...Object.values(dirs)];
      await Promise.all(paths.map(p => fs.lchown(p, uid, gid)));
    }
    const mounts = Object.entries(CONTAINER_DIRS).flatMap(([name, target]) => [
      '--bind',
      dirs[name as keyof typeof dirs],
      target,
    ]);
    mounts.push('--bind', tmp, CONTAINER_HOME);
    return {
      dirs: CONTAINER_DIRS,
      home: CONTAINER_HOME,
      wrap: command => ({
        file: this.bwrap,
        args: [
          ...this.baseArgs,
          ...mounts,
          ...this.pathArgs,
          '--remount-ro',
          '/',
          '--chdir',
          CONTAINER_HOME,
          '--',
          ...command,
        ],
        cwd: '/',
        ...this.user,
        stdin: 'ignore',
      }),
      release: async () => {},
    };
  }

  /** Runs a container-like check; returns why it failed, if it did. */
  private async selfTest(workDir: string): Promise<string | undefined> {
    let made;
    try {
      made = await createPipelineDirs(workDir, 'kratix-probe-', 'probe\n');
    } catch (e) {
      return `cannot make a test run's directories in ${workDir}: ${e}`;
    }
    try {
      const run = await this.prepare(made.dirs);
      const check =
        'cat /kratix/input/object.yaml > /kratix/output/probe && ' +
        'test ! -e /etc/shadow && test ! -e /root';
      const { file, args, uid, gid } = run.wrap(['/bin/sh', '-c', check]);
      const error = await runProbe(file, args, { uid, gid });
      if (error) return error;
      const seen = await fs
        .readFile(path.join(made.dirs.output, 'probe'), 'utf8')
        .catch(() => '');
      return seen === 'probe\n'
        ? undefined
        : 'the test file did not reach the host directory';
    } finally {
      await fs.rm(made.root, { recursive: true, force: true });
    }
  }
}

/**
 * A copy of what containers need of /etc, in `workDir`: one mount instead
 * of one per entry (each costs a fifth of a millisecond per container).
 * Top-level links are followed (resolv.conf may point into /run).
 */
async function copyEtc(workDir: string): Promise<string> {
  const etc = path.join(workDir, 'sandbox-etc');
  await fs.rm(etc, { recursive: true, force: true });
  await fs.mkdir(etc, { mode: 0o755 });
  for (const name of ETC_ENTRIES) {
    const source = await fs.realpath(`/etc/${name}`).catch(() => undefined);
    if (!source) continue;
    const target = path.join(etc, name);
    await fs.mkdir(path.dirname(target), { recursive: true, mode: 0o755 });
    await fs.cp(source, target, { recursive: true, verbatimSymlinks: true });
  }
  return etc;
}

/** Namespaces and the minimal root, from config. */
function sharedArgs(options: BubblewrapOptions, etc: string): string[] {
  const args = [
    '--die-with-parent',
    '--unshare-user',
    '--disable-userns',
    '--unshare-pid',
    '--unshare-ipc',
    '--unshare-uts',
    '--unshare-cgroup-try',
    ...(options.network ? [] : ['--unshare-net']),
    '--hostname',
    'kratix-pipeline',
  ];
  for (const name of SYSTEM_DIRS) {
    const entry = lstatSync(`/${name}`, { throwIfNoEntry: false });
    if (entry?.isSymbolicLink()) {
      args.push('--symlink', readlinkSync(`/${name}`), `/${name}`);
    } else if (entry?.isDirectory()) {
      args.push('--ro-bind', `/${name}`, `/${name}`);
    }
  }
  args.push('--ro-bind', etc, '/etc', '--proc', '/proc', '--dir', '/dev');
  for (const device of DEVICES) {
    args.push('--dev-bind', `/dev/${device}`, `/dev/${device}`);
  }
  args.push('--symlink', '/proc/self/fd', '/dev/fd');
  for (const [fd, name] of ['stdin', 'stdout', 'stderr'].entries()) {
    args.push('--symlink', `/proc/self/fd/${fd}`, `/dev/${name}`);
  }
  return args;
}

/** The host paths config names; each must exist. */
function configPathArgs(options: BubblewrapOptions): string[] {
  const args: string[] = [];
  const bind = (flag: string, key: string, paths: string[] = []) => {
    for (const given of paths) {
      const p = path.resolve(given);
      if (!statSync(p, { throwIfNoEntry: false })) {
        throw new Error(
          `kratix.runner.process.sandbox.${key}: '${given}' does not exist`,
        );
      }
      args.push(flag, p, p);
    }
  };
  bind('--ro-bind', 'readOnlyPaths', options.readOnlyPaths);
  bind('--bind', 'writablePaths', options.writablePaths);
  return args;
}
