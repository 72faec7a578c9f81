import { ChildProcess, fork } from 'node:child_process';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import {
  ContainerProcess,
  ContainerProcessEvents,
  ContainerSpawnOptions,
  ContainerSpawner,
  killGroup,
} from './ContainerSpawner';

/** The spawner program (plain JavaScript, shipped in the package). */
export const spawnerScript = resolvePackagePath(
  '@kratix-backstage/plugin-kratix-backend',
  'spawner/spawner.js',
);

type SpawnerMessage =
  | { type: 'spawned'; id: number; pid: number }
  | { type: 'output'; id: number; fd: 1 | 2; data: string }
  | {
      type: 'exit';
      id: number;
      code: number | null;
      signal: NodeJS.Signals | null;
    }
  | { type: 'error'; id: number; message: string }
  | { type: 'close'; id: number };

interface Pending {
  events: ContainerProcessEvents;
  /** The spawner process that runs it. */
  spawner: ChildProcess;
  pid?: number;
  /** A signal asked for before the pid was known. */
  signal?: NodeJS.Signals;
  exited: boolean;
}

/**
 * Spawns containers through a small long-lived Node.js process
 * (`spawner/spawner.js`), started on first use and again if it dies. Its
 * fork is cheap and off the backend's event loop; the containers' output
 * comes back over its IPC channel. When the backend dies, the spawner
 * exits, and the containers die with it (processTree.ts).
 */
export class ForkedContainerSpawner implements ContainerSpawner {
  /** `execPath` and `script`: another node or spawner (tests). */
  constructor(
    private readonly options: { execPath?: string; script?: string } = {},
  ) {}

  private child?: ChildProcess;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  /** The spawner process's pid, while it runs. */
  get spawnerPid(): number | undefined {
    return this.child?.pid;
  }

  spawn(
    file: string,
    args: string[],
    options: ContainerSpawnOptions,
    events: ContainerProcessEvents,
  ): ContainerProcess {
    const id = this.nextId++;
    const child = this.ensureChild();
    const entry: Pending = { events, spawner: child, exited: false };
    this.pending.set(id, entry);
    child.channel?.ref();
    child.send({ type: 'spawn', id, file, args, ...options }, error => {
      if (error) this.fail(id, `could not reach the spawner: ${error.message}`);
    });
    return {
      kill: signal => {
        if (entry.pid === undefined) entry.signal = signal;
        else killGroup(entry.pid, signal);
      },
    };
  }

  async close(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    const gone = child.exitCode !== null || child.signalCode !== null;
    if (gone || child.pid === undefined) return;
    child.ref(); // wait for it, even with nothing else to do
    const exited = new Promise(resolve => child.once('exit', resolve));
    if (child.connected) child.disconnect();
    else child.kill('SIGKILL');
    await exited;
  }

  private ensureChild(): ChildProcess {
    if (this.child?.connected) return this.child;
    const child = fork(this.options.script ?? spawnerScript, [], {
      execPath: this.options.execPath ?? process.execPath,
      execArgv: [], // no loaders or inspectors of the backend's
      env: { PATH: process.env.PATH ?? '', LANG: 'C.UTF-8' },
      // Its own errors, if any, go to the backend's stderr.
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      serialization: 'json',
    });
    child.on('message', (m: SpawnerMessage) => this.onMessage(m));
    child.on('exit', (code, signal) =>
      this.lost(
        child,
        `exited (${signal ? `signal ${signal}` : `code ${code}`})`,
      ),
    );
    // It could not start, or a message could not be sent: never a crash.
    child.on('error', error => {
      if (child.pid === undefined || !child.connected) {
        this.lost(child, `could not start or was lost: ${error.message}`);
      }
    });
    child.unref();
    this.child = child;
    return child;
  }

  /** Fails the containers of a spawner process that is gone. */
  private lost(child: ChildProcess, why: string) {
    if (this.child === child) this.child = undefined;
    for (const [id, entry] of [...this.pending]) {
      if (entry.spawner !== child) continue;
      this.fail(id, `the runner's spawner process ${why}`);
    }
  }

  private onMessage(m: SpawnerMessage) {
    const entry = this.pending.get(m.id);
    if (!entry) return;
    switch (m.type) {
      case 'spawned':
        entry.pid = m.pid;
        if (entry.signal) killGroup(m.pid, entry.signal);
        break;
      case 'output':
        entry.events.onOutput(m.fd, m.data);
        break;
      case 'exit':
        entry.exited = true;
        entry.events.onExit({ kind: 'exit', code: m.code, signal: m.signal });
        break;
      case 'error':
        entry.events.onExit({
          kind: 'error',
          message: m.message,
          started: entry.pid !== undefined,
        });
        break;
      case 'close':
        this.settle(m.id, entry);
        break;
      default:
    }
  }

  /** Ends a container whose spawner is gone. */
  private fail(id: number, message: string) {
    const entry = this.pending.get(id);
    if (!entry) return;
    if (!entry.exited) {
      killGroup(entry.pid, 'SIGKILL');
      entry.events.onExit({
        kind: 'error',
        message,
        started: entry.pid !== undefined,
      });
    }
    this.settle(id, entry);
  }

  private settle(id: number, entry: Pending) {
    this.pending.delete(id);
    const busy = [...this.pending.values()].some(
      e => e.spawner === entry.spawner,
    );
    if (!busy) entry.spawner.channel?.unref();
    entry.events.onClose();
  }
}
