// `yarn bench` at the repository root; KRATIX_BENCH_PARTS picks parts by
// name (comma-separated; default all, in this order).
import { runEngineBench } from './engine';
import { runRunnerBench } from './runner';
import { runReconcileBench } from './reconcile';
import { runApiBench } from './api';
import { runKubernetesBench } from './kubernetes';
import { runReconcileModeBench } from './kubernetesReconcile';

const PARTS: Record<string, () => Promise<void>> = {
  engine: runEngineBench,
  runner: runRunnerBench,
  'noop-engine': runReconcileBench,
  api: runApiBench,
  kubernetes: runKubernetesBench,
  'kubernetes-reconcile': runReconcileModeBench,
};

async function main() {
  const names =
    process.env.KRATIX_BENCH_PARTS?.split(',')
      .map(n => n.trim())
      .filter(Boolean) ?? Object.keys(PARTS);
  const unknown = names.filter(n => !PARTS[n]);
  if (unknown.length) {
    throw new Error(
      `KRATIX_BENCH_PARTS: no part ${unknown.join(
        ', ',
      )}; the parts are ${Object.keys(PARTS).join(', ')}`,
    );
  }
  for (const name of names) await PARTS[name]();
}

main()
  .catch(error => {
    console.error(error);
    process.exitCode = 1;
  })
  // The backend's HTTP server keeps a handle after stop().
  .finally(() => process.exit());
