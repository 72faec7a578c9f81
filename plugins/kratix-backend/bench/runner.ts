// Spawn overhead of ProcessPipelineRunner against a bare spawn of `true`.
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  DEFAULT_OUTPUT_LIMITS,
  DEFAULT_STATUS_MAX_BYTES,
  PipelineRunRequest,
} from '../src/engine';
import { ProcessPipelineRunner } from '../src/runner/ProcessPipelineRunner';
import { DirectContainerSpawner } from '../src/runner/DirectContainerSpawner';

const ITERATIONS = 200;
const WARMUP = 10;

export function bareSpawn(): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('true', [], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.resume();
    child.stderr.resume();
    child.on('error', reject);
    child.on('close', code =>
      code === 0 ? resolve() : reject(new Error(`true exited ${code}`)),
    );
  });
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export async function runRunnerBench(): Promise<void> {
  // Each run makes and removes its folder here, as in the backend.
  const workDir = await fs.mkdtemp(
    path.join(os.tmpdir(), 'kratix-runner-bench-'),
  );
  await fs.chmod(workDir, 0o711); // the sandbox's user reaches its runs
  try {
    const request: PipelineRunRequest = {
      runId: 'bench',
      pipeline: {
        name: 'bench',
        containers: [{ name: 'true', image: 'bench', command: ['true'] }],
      },
      env: { KRATIX_WORKFLOW_ACTION: 'configure' },
      objectYaml: 'bench: true\n',
      statusMaxBytes: DEFAULT_STATUS_MAX_BYTES,
      outputMaxBytes: DEFAULT_OUTPUT_LIMITS.maxBytes,
      collectOutputs: true,
      signal: new AbortController().signal,
      onLog: () => {},
    };
    const sandboxed = new ProcessPipelineRunner({ workDir });
    await sandboxed.probe();
    const withNetwork = new ProcessPipelineRunner({
      workDir,
      sandbox: { network: true },
    });
    const unsandboxed = new ProcessPipelineRunner({
      workDir,
      sandbox: { type: 'none' },
    });
    // Containers spawned by this process itself, not by the spawner.
    const direct = new ProcessPipelineRunner({
      workDir,
      spawner: new DirectContainerSpawner(),
    });
    const runners = [sandboxed, withNetwork, unsandboxed, direct];
    const viaRunner = (runner: ProcessPipelineRunner) => async () => {
      const result = await runner.run(request);
      if (!result.succeeded)
        throw new Error(`bench run failed: ${result.message}`);
    };

    const cases: Array<[string, () => Promise<void>]> = [
      ['bare spawn(true)', bareSpawn],
      ['runner, no sandbox', viaRunner(unsandboxed)],
      ['runner, bubblewrap sandbox', viaRunner(sandboxed)],
      ['runner, sandbox with network', viaRunner(withNetwork)],
      ['runner, sandbox, direct spawn', viaRunner(direct)],
    ];
    const times = cases.map(() => [] as number[]);
    // Interleaved, so load from other processes hits every case alike.
    for (let i = 0; i < WARMUP + ITERATIONS; i++) {
      for (const [c, [, fn]] of cases.entries()) {
        const start = process.hrtime.bigint();
        await fn();
        const ms = Number(process.hrtime.bigint() - start) / 1e6;
        if (i >= WARMUP) times[c].push(ms);
      }
    }

    const bare = median(times[0]);
    console.log(
      `ProcessPipelineRunner: median wall time of ${ITERATIONS} runs of \`true\``,
    );
    for (const [c, [name]] of cases.entries()) {
      const m = median(times[c]);
      const overhead =
        c === 0
          ? ''
          : `  overhead ${(m - bare).toFixed(2)} ms, ratio ${(m / bare).toFixed(
              2,
            )}x`;
      console.log(`  ${name.padEnd(31)} ${m.toFixed(2)} ms${overhead}`);
    }
    // The sandbox's own cost: against the unsandboxed runner, same run.
    const cost = median(times[2]) - median(times[1]);
    console.log(
      `  sandbox cost per pipeline (bubblewrap - no sandbox): ${cost.toFixed(
        2,
      )} ms (target < 5 ms: ${cost < 5 ? 'met' : 'NOT met'})`,
    );
    await Promise.all(runners.map(r => r.close()));
  } finally {
    await fs.rm(workDir, { recursive: true, force: true });
  }
}
