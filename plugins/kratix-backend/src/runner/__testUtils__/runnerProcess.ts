// A ProcessPipelineRunner in a process of its own (`node --import tsx
// runnerProcess.ts`), so that tests can SIGKILL it mid-run as a crash would.
// KRATIX_RUNNER_TEST holds the JSON of { options, request } (the request
// without signal and onLog). Logs go to stderr, the result to stdout.
import { ProcessPipelineRunner } from '../ProcessPipelineRunner';

const { options, request } = JSON.parse(process.env.KRATIX_RUNNER_TEST!);
new ProcessPipelineRunner(options)
  .run({
    ...request,
    signal: new AbortController().signal,
    onLog: (_container: string, chunk: string) => process.stderr.write(chunk),
  })
  .then(result => process.stdout.write(`${JSON.stringify(result)}\n`));
