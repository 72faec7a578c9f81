// `yarn bench` at the repository root.
import { runEngineBench } from './engine';
import { runRunnerBench } from './runner';

runEngineBench()
  .then(() => runRunnerBench())
  .catch(error => {
    console.error(error);
    process.exitCode = 1;
  });
