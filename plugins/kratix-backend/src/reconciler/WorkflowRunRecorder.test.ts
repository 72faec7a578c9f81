// The recorder batches its writes: phase changes on the next turn of the
// event loop, logs every LOG_FLUSH_MS, everything on finish, in event order.
import { RunLog } from '../database/RunLog';
import { LOG_FLUSH_MS, WorkflowRunRecorder } from './WorkflowRunRecorder';

const key = {
  kind: 'Resource' as const,
  promise: 'p',
  namespace: 'default',
  name: 'r',
};

/** A store that records the recorder's writes. */
function recordingStore(options: { failFirstAppend?: boolean } = {}) {
  const writes: unknown[][] = [];
  let appends = 0;
  const store = {
    findInterruptedRun: async () => undefined,
    createWorkflowRun: async () => 'run-1',
    appendLog: async (...args: unknown[]) => {
      writes.push(['appendLog', ...args.slice(1)]);
      if (options.failFirstAppend && appends++ === 0) {
        throw new Error('database unavailable');
      }
    },
    updatePipelineRuns: async (_run: string, updates: any[]) => {
      writes.push([
        'updatePipelineRuns',
        updates.map(u => `${u.index}:${u.update.phase}`),
      ]);
    },
    finishWorkflowRun: async (_run: string, finish: { phase: string }) => {
      writes.push(['finishWorkflowRun', finish.phase]);
    },
  } as unknown as RunLog;
  return { store, writes };
}

const start = (store: RunLog) =>
  WorkflowRunRecorder.start({
    store,
    key,
    workflow: { type: 'resource', action: 'configure' },
    generation: 1,
    pipelines: ['a', 'b'],
  });

const turn = () => new Promise(resolve => setImmediate(resolve));
const log = (pipeline: string, container: string, chunk: string) =>
  ({ type: 'pipeline-log', pipeline, container, chunk } as const);

describe('WorkflowRunRecorder', () => {
  it('writes a pipeline end and the next start together, after the logs before them', async () => {
    const { store, writes } = recordingStore();
    const recorder = await start(store);
    recorder.onEvent({
      type: 'pipeline-started',
      pipeline: 'a',
      index: 0,
      runId: 'x',
    });
    await turn();
    await turn();
    expect(writes).toEqual([['updatePipelineRuns', ['0:Running']]]);

    recorder.onEvent(log('a', 'main', 'one\n'));
    recorder.onEvent(log('a', 'kratix', 'engine\n'));
    recorder.onEvent(log('a', 'main', 'two\n'));
    recorder.onEvent({ type: 'pipeline-succeeded', pipeline: 'a' });
    recorder.onEvent({
      type: 'pipeline-started',
      pipeline: 'b',
      index: 1,
      runId: 'y',
    });
    await turn();
    await turn();
    expect(writes.slice(1)).toEqual([
      ['appendLog', 'a', 'main', 'one\ntwo\n'],
      ['appendLog', 'a', 'kratix', 'engine\n'],
      ['updatePipelineRuns', ['0:Succeeded', '1:Running']],
    ]);

    recorder.onEvent({
      type: 'pipeline-failed',
      pipeline: 'b',
      message: 'exited with code 1',
      exitCode: 1,
    });
    await recorder.finish('failed');
    expect(writes.slice(4)).toEqual([
      ['updatePipelineRuns', ['1:Failed']],
      ['finishWorkflowRun', 'Failed'],
    ]);
  });

  it('writes logs alone every LOG_FLUSH_MS, and at once when large', async () => {
    const { store, writes } = recordingStore();
    const recorder = await start(store);
    recorder.onEvent(log('a', 'main', 'live\n'));
    await turn();
    expect(writes).toEqual([]);
    await new Promise(resolve => setTimeout(resolve, LOG_FLUSH_MS + 100));
    expect(writes).toEqual([['appendLog', 'a', 'main', 'live\n']]);

    const big = 'x'.repeat(64 * 1024);
    recorder.onEvent(log('a', 'main', big));
    await turn();
    await turn();
    expect(writes).toEqual([
      ['appendLog', 'a', 'main', 'live\n'],
      ['appendLog', 'a', 'main', big],
    ]);

    recorder.onEvent(log('a', 'main', 'last\n'));
    await recorder.finish('succeeded');
    expect(writes.slice(2)).toEqual([
      ['appendLog', 'a', 'main', 'last\n'],
      ['finishWorkflowRun', 'Succeeded'],
    ]);
  });

  it('goes on writing after a failed write', async () => {
    const { store, writes } = recordingStore({ failFirstAppend: true });
    const recorder = await start(store);
    recorder.onEvent(log('a', 'main', 'lost\n'));
    recorder.onEvent({ type: 'pipeline-succeeded', pipeline: 'a' });
    await recorder.finish('succeeded');
    expect(writes).toEqual([
      ['appendLog', 'a', 'main', 'lost\n'],
      ['updatePipelineRuns', ['0:Succeeded']],
      ['finishWorkflowRun', 'Succeeded'],
    ]);
  });
});
