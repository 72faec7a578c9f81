// A real Backstage backend hosting the Kratix plugin, run as a child process
// (`tsx engineProcess.ts`) so that tests can crash it with SIGKILL.
// Its whole config is the JSON in KRATIX_ENGINE_CONFIG.
import { createKratixBackend } from './kratixBackend';

createKratixBackend(JSON.parse(process.env.KRATIX_ENGINE_CONFIG ?? '{}'))
  .start()
  .then(
    () => process.stdout.write('KRATIX_ENGINE_READY\n'),
    error => {
      process.stderr.write(`${error?.stack ?? error}\n`);
      process.exit(1);
    },
  );
