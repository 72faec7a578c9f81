// `yarn bench` at the repository root.
import { runEngineBench } from './engine';
import { runRunnerBench } from './runner';
import { runReconcileBench } from './reconcile';
import { runApiBench } from './api';
import { runKubernetesBench } from './kubernetes';

runEngineBench()
  .then(() => runRunnerBench())
  .then(() => runReconcileBench())
  .then(() => runApiBench())
  .then(() => runKubernetesBench())
  .catch(error => {
    console.error(error);
    process.exitCode = 1;
  })
  // The backend's HTTP server keeps a handle after stop().
  .finally(() => process.exit());
