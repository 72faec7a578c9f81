// Starts a container's process. The runner works against this narrow
// interface; one implementation per file:
// - ForkedContainerSpawner: through a small spawner process (the default);
// - DirectContainerSpawner: child_process.spawn in the backend itself.

/** What a container's process needs to start. */
export interface ContainerSpawnOptions {
  cwd: string;
  env: Record<string, string>;
  /** Run as this user and group (the backend's when absent). */
  uid?: number;
  gid?: number;
  /**
   * `pipe` (default): a pipe never written to, whose EOF tells the
   * container that the backend died. `ignore`: /dev/null, for a sandbox
   * that dies with the backend by itself.
   */
  stdin?: 'pipe' | 'ignore';
}

/** How a container's process ended. */
export type ContainerEnd =
  | { kind: 'exit'; code: number | null; signal: NodeJS.Signals | null }
  | { kind: 'error'; message: string; started: boolean };

export interface ContainerProcessEvents {
  /** stdout (1) or stderr (2), as text, in order. */
  onOutput(fd: 1 | 2, text: string): void;
  /** The main process exited; its group may still have processes. */
  onExit(end: ContainerEnd): void;
  /** Last call: all output delivered. */
  onClose(): void;
}

/** A started container: in its own process group, with a stdin pipe. */
export interface ContainerProcess {
  /** Signals the container's whole process group; safe at any time. */
  kill(signal: NodeJS.Signals): void;
}

export interface ContainerSpawner {
  /**
   * Starts `file args` in a new process group, stdin as `options` says,
   * stdout and stderr to `events`. Failures come through `events`, never
   * thrown.
   */
  spawn(
    file: string,
    args: string[],
    options: ContainerSpawnOptions,
    events: ContainerProcessEvents,
  ): ContainerProcess;
  /** Stops the spawner; running containers die with it. */
  close(): Promise<void>;
}

/** Signals a process group that may be gone already. */
export function killGroup(pid: number | undefined, signal: NodeJS.Signals) {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // group already gone
  }
}
