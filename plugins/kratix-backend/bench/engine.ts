// Micro-benchmark of the engine core: status merges and executor overhead.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { KratixStatus } from '@kratix-backstage/plugin-kratix-common';
import {
  executeWorkflow,
  KratixObject,
  mergeStatus,
  MergeStrategy,
  parsePromise,
  PipelineRunner,
  StateStore,
} from '../src/engine';

/** A status of roughly `targetBytes` of JSON, shaped like a real one. */
function makeStatus(targetBytes: number): KratixStatus {
  const status: KratixStatus = {
    message: 'Resource provisioned with database size 10Gb',
    observedGeneration: 3,
    conditions: [
      'ConfigureWorkflowCompleted',
      'Reconciled',
      'DatabaseReady',
    ].map(type => ({
      type,
      status: 'True',
      reason: 'Ready',
      message: 'All good',
      lastTransitionTime: '2024-05-01T10:00:00Z',
    })),
    connectionDetails: { host: 'db.example.com', port: 5432, dbName: 'root' },
    replicas: {},
  };
  const replicas = status.replicas as Record<string, unknown>;
  for (let i = 0; JSON.stringify(status).length < targetBytes; i++) {
    replicas[`replica-${i}`] = {
      zone: `eu-west-${i % 3}`,
      endpoints: [`10.0.${i % 255}.1:5432`, `10.0.${i % 255}.2:5432`],
      health: { state: 'healthy', lastRun: 1700000000 + i },
    };
  }
  return status;
}

const PATCH = {
  message: 'Resource updated',
  connectionDetails: { port: 5433, user: 'admin' },
  replicas: { 'replica-1': { health: { state: 'degraded' } } },
  conditions: [
    { type: 'DatabaseReady', status: 'False', reason: 'Restarting' },
  ],
};

function mergesPerSecond(
  status: KratixStatus,
  strategy: MergeStrategy,
): number {
  const now = new Date();
  const deadline = performance.now() + 500;
  let count = 0;
  while (performance.now() < deadline) {
    for (let i = 0; i < 100; i++) mergeStatus(status, PATCH, strategy, now);
    count += 100;
  }
  return count / 0.5;
}

const noopRunner: PipelineRunner = {
  async run() {
    return { succeeded: true, exitCode: 0, outputs: { files: [] } };
  },
};

const noopStore: StateStore = {
  async writeWorkload() {},
  async deleteWorkload() {},
};

/** ms per pipeline of executeWorkflow with a no-op runner and save. */
async function executorMsPerPipeline(pipelines: number, rounds: number) {
  const promise = parsePromise({
    apiVersion: 'platform.kratix.io/v1alpha1',
    kind: 'Promise',
    metadata: { name: 'bench' },
    spec: {
      workflows: {
        resource: {
          configure: Array.from({ length: pipelines }, (_, i) => ({
            metadata: { name: `p${i}` },
            spec: { containers: [{ name: 'c', image: 'noop' }] },
          })),
        },
      },
    },
  });
  const object: KratixObject = {
    apiVersion: 'example.io/v1',
    kind: 'Thing',
    metadata: { name: 'bench', namespace: 'default', generation: 1 },
    spec: {},
    status: makeStatus(2 * 1024),
  };
  const start = performance.now();
  for (let r = 0; r < rounds; r++) {
    await executeWorkflow({
      object,
      promise,
      workflow: { type: 'resource', action: 'configure' },
      runner: noopRunner,
      stateStore: noopStore,
      destinations: [{ name: 'd', labels: {} }],
      save: async o => o,
    });
  }
  return (performance.now() - start) / (pipelines * rounds);
}

/** ms per pipeline of the bare fs work a runner does: temp dir, three dirs, object.yaml, removal. */
async function baselineMsPerPipeline(workDir: string, count: number) {
  const content = stringify({ status: makeStatus(2 * 1024) });
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    const root = await fs.mkdtemp(path.join(workDir, 'p-'));
    await Promise.all(
      ['input', 'output', 'metadata'].map(d => fs.mkdir(path.join(root, d))),
    );
    await fs.writeFile(path.join(root, 'input', 'object.yaml'), content);
    await fs.rm(root, { recursive: true, force: true });
  }
  return (performance.now() - start) / count;
}

export async function runEngineBench(): Promise<void> {
  console.log('Kratix engine benchmark');
  for (const size of [2 * 1024, 200 * 1024]) {
    const status = makeStatus(size);
    const kb = (JSON.stringify(status).length / 1024).toFixed(0);
    for (const strategy of ['deep', 'shallow'] as const) {
      const rate = mergesPerSecond(status, strategy);
      console.log(
        `  merge ${strategy.padEnd(7)} ${kb.padStart(
          4,
        )} KB status: ${Math.round(rate).toLocaleString('en')} merges/s`,
      );
    }
  }

  const workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'kratix-bench-'));
  try {
    await executorMsPerPipeline(5, 2); // warm-up
    const executor = await executorMsPerPipeline(10, 20);
    const baseline = await baselineMsPerPipeline(workDir, 200);
    console.log(
      `  executor, no-op runner:       ${executor.toFixed(3)} ms/pipeline`,
    );
    console.log(
      `  baseline, fs dirs only:       ${baseline.toFixed(3)} ms/pipeline`,
    );
    console.log(
      `  executor / baseline:          ${(executor / baseline).toFixed(2)}x`,
    );
  } finally {
    await fs.rm(workDir, { recursive: true, force: true });
  }
}
