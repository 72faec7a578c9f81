import { spawn } from 'node:child_process';
import {
  ContainerProcess,
  ContainerProcessEvents,
  ContainerSpawnOptions,
  ContainerSpawner,
  killGroup,
} from './ContainerSpawner';

/**
 * Spawns containers from the backend process itself. Each spawn forks the
 * backend, on its event loop: the larger the backend, the longer that
 * takes (ForkedContainerSpawner avoids it).
 */
export class DirectContainerSpawner implements ContainerSpawner {
  spawn(
    file: string,
    args: string[],
    options: ContainerSpawnOptions,
    events: ContainerProcessEvents,
  ): ContainerProcess {
    let closed = false;
    const close = () => {
      if (closed) return;
      closed = true;
      events.onClose();
    };
    let pid: number | undefined;
    try {
      const { stdin, ...rest } = options;
      const child = spawn(file, args, {
        ...rest,
        detached: true,
        stdio: [stdin ?? 'pipe', 'pipe', 'pipe'],
      });
      pid = child.pid;
      child.stdin?.on('error', () => {});
      child.stdout!.setEncoding('utf8').on('data', d => events.onOutput(1, d));
      child.stderr!.setEncoding('utf8').on('data', d => events.onOutput(2, d));
      child.on('error', error => {
        const started = child.pid !== undefined;
        events.onExit({ kind: 'error', message: error.message, started });
        if (!started) setImmediate(close);
      });
      child.on('exit', (code, signal) =>
        events.onExit({ kind: 'exit', code, signal }),
      );
      child.on('close', close);
    } catch (error) {
      const message = (error as Error).message;
      setImmediate(() => {
        events.onExit({ kind: 'error', message, started: false });
        close();
      });
    }
    return { kill: signal => killGroup(pid, signal) };
  }

  async close(): Promise<void> {}
}
