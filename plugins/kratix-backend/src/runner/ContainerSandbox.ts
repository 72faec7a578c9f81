// How a run's containers are isolated from the host and the backend. The
// runner works against this narrow interface; one implementation per file:
// - BubblewrapSandbox: bubblewrap, an unprivileged user, a minimal root
//   (the default);
// - ProcessTreeSandbox (processTree.ts): none, only tied to the backend's
//   life (`kratix.runner.process.sandbox.type: none`).
import { RunDirs } from './pipelineDirs';
import { ProcessTreeGuardLevel } from './processTree';

/** One container's command line, and how to spawn it. */
export interface SandboxedCommand {
  file: string;
  args: string[];
  cwd: string;
  /** The user and group to spawn it as (the backend's when absent). */
  uid?: number;
  gid?: number;
  /** `ignore` when the sandbox itself dies with the backend. */
  stdin: 'pipe' | 'ignore';
}

/** A run's sandbox, ready: the command line of each of its containers. */
export interface PreparedRun {
  /** The run's directories, as its containers see them. */
  dirs: RunDirs;
  /** HOME of its containers. */
  home?: string;
  wrap(command: string[]): SandboxedCommand;
  release(): Promise<void>;
}

export interface ContainerSandbox {
  /** How much of a container dies with the backend. */
  readonly processTree: ProcessTreeGuardLevel;
  /** What is less guarded than it could be, and the fix: log them. */
  readonly warnings: string[];
  /** What it is, for the logs. */
  readonly description: string;
  prepare(dirs: RunDirs): Promise<PreparedRun>;
}
