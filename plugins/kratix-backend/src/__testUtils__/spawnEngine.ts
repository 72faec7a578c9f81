import { ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';

const TSX = path.resolve(__dirname, '../../../../node_modules/.bin/tsx');
const SCRIPT = path.join(__dirname, 'engineProcess.ts');
const TOKEN = 'kratix-engine-process-test-token';

/** A free TCP port on localhost. */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise(resolve => server.close(resolve));
  return port;
}

export interface EngineProcess {
  /** Base URL of the plugin's API, e.g. http://localhost:1234/api/kratix */
  api: string;
  /** The header that authenticates as the static external access token. */
  authorization: string;
  /** Kills the process group at once, as a crash does; resolves when gone. */
  crash(): Promise<void>;
  /** Graceful stop (SIGTERM). */
  stop(): Promise<void>;
  /** Its process group's id (each engine has its own). */
  pgid: number;
  /** Stops (SIGSTOP) or resumes (SIGCONT) it whole: a stall, as of a GC. */
  freeze(frozen: boolean): void;
  output(): string;
}

/**
 * Starts `engineProcess.ts` with its own process group, a real backend on
 * the given database config (`backend.database`) and `kratix` config.
 */
export async function spawnEngine(options: {
  database: object;
  kratix: object;
}): Promise<EngineProcess> {
  const port = await freePort();
  const config = {
    backend: {
      baseUrl: `http://localhost:${port}`,
      listen: { port, host: '127.0.0.1' },
      database: options.database,
      auth: {
        externalAccess: [
          { type: 'static', options: { token: TOKEN, subject: 'tests' } },
        ],
      },
    },
    kratix: options.kratix,
  };
  const child: ChildProcess = spawn(TSX, [SCRIPT], {
    env: { ...process.env, KRATIX_ENGINE_CONFIG: JSON.stringify(config) },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout!.on('data', d => (output += d));
  child.stderr!.on('data', d => (output += d));
  const exited = new Promise<void>(resolve =>
    child.once('exit', () => resolve()),
  );
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`engine did not start:\n${output}`)),
      // tsx compiles the backend on start: slow on a busy 2-core machine.
      90_000,
    );
    child.stdout!.on('data', () => {
      if (output.includes('KRATIX_ENGINE_READY')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', code => {
      clearTimeout(timer);
      reject(new Error(`engine exited with ${code}:\n${output}`));
    });
  });
  const signal = async (name: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) {
      process.kill(-child.pid!, name);
    }
    await exited;
  };
  return {
    api: `http://127.0.0.1:${port}/api/kratix`,
    authorization: `Bearer ${TOKEN}`,
    crash: () => signal('SIGKILL'),
    stop: () => signal('SIGTERM'),
    pgid: child.pid!,
    freeze: frozen => process.kill(-child.pid!, frozen ? 'SIGSTOP' : 'SIGCONT'),
    output: () => output,
  };
}
