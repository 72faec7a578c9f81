import { NotFoundError } from '@backstage/errors';
import { HealthRecord } from '@kratix-backstage/plugin-kratix-common';
import {
  createStore,
  createTestDatabases,
  resourceKey,
  testClock,
} from './__testUtils__/databases';
import { utf8Head } from './logs';

jest.setTimeout(60_000);

const databases = createTestDatabases();

const configure = (name: string, generation = 1) => ({
  key: resourceKey(name),
  type: 'resource' as const,
  action: 'configure' as const,
  generation,
  pipelines: ['instance', 'backup'],
});

describe.each(databases.eachSupportedId())(
  'workflow runs on %p',
  databaseId => {
    it('records runs and their pipelines, newest first', async () => {
      const clock = testClock();
      const { store } = await createStore(databases, databaseId, {
        now: clock.now,
      });
      const first = await store.createWorkflowRun(configure('db1'));
      clock.advance(1000);
      const second = await store.createWorkflowRun(configure('db1', 2));
      await store.createWorkflowRun(configure('db2'));

      expect(await store.getWorkflowRun(first)).toEqual({
        id: first,
        key: resourceKey('db1'),
        type: 'resource',
        action: 'configure',
        generation: 1,
        phase: 'Running',
        startedAt: '2025-01-01T00:00:00.000Z',
        pipelines: [
          { name: 'instance', phase: 'Pending' },
          { name: 'backup', phase: 'Pending' },
        ],
      });

      await store.updatePipelineRun(first, 0, {
        phase: 'Succeeded',
        startedAt: '2025-01-01T00:00:01.000Z',
        finishedAt: '2025-01-01T00:00:02.000Z',
        exitCode: 0,
      });
      await store.updatePipelineRun(first, 1, { phase: 'Running' });
      await store.finishWorkflowRun(first, {
        phase: 'Failed',
        message: 'backup failed',
      });

      const [newest, older] = await store.listWorkflowRuns(resourceKey('db1'), {
        limit: 5,
      });
      expect(newest.id).toBe(second);
      expect(newest.generation).toBe(2);
      expect(older).toMatchObject({
        id: first,
        phase: 'Failed',
        message: 'backup failed',
        finishedAt: '2025-01-01T00:00:01.000Z',
        pipelines: [
          {
            name: 'instance',
            phase: 'Succeeded',
            startedAt: '2025-01-01T00:00:01.000Z',
            finishedAt: '2025-01-01T00:00:02.000Z',
            exitCode: 0,
          },
          // Still Running when the run failed: marked Failed with it.
          { name: 'backup', phase: 'Failed', message: 'backup failed' },
        ],
      });
      expect(
        await store.listWorkflowRuns(resourceKey('db1'), { limit: 1 }),
      ).toHaveLength(1);
      expect(await store.listWorkflowRuns(resourceKey('none'))).toEqual([]);
    });

    it('keeps what triggered a run; runs without one read as unknown', async () => {
      const { store } = await createStore(databases, databaseId);
      const known = await store.createWorkflowRun({
        ...configure('db1', 3),
        trigger: 'spec-change',
      });
      const unknown = await store.createWorkflowRun(configure('db1'));
      expect((await store.getWorkflowRun(known))?.trigger).toBe('spec-change');
      expect(await store.getWorkflowRun(unknown)).not.toHaveProperty('trigger');
    });

    it('finds the run a crash interrupted', async () => {
      const { store } = await createStore(databases, databaseId);
      const key = resourceKey('db1');
      const done = await store.createWorkflowRun(configure('db1'));
      await store.finishWorkflowRun(done, { phase: 'Succeeded' });
      expect(await store.findInterruptedRun(key)).toBeUndefined();

      const interrupted = await store.createWorkflowRun(configure('db1'));
      await store.updatePipelineRun(interrupted, 0, {
        phase: 'Succeeded',
        exitCode: 0,
      });
      const found = await store.findInterruptedRun(key);
      expect(found?.id).toBe(interrupted);
      expect(found?.pipelines.map(p => p.phase)).toEqual([
        'Succeeded',
        'Pending',
      ]);

      await store.finishWorkflowRun(interrupted, { phase: 'Cancelled' });
      expect(await store.getWorkflowRun(interrupted)).toMatchObject({
        phase: 'Failed',
        message: 'Cancelled',
      });
      expect(await store.findInterruptedRun(key)).toBeUndefined();
      expect((await store.getWorkflowRun(done))?.phase).toBe('Succeeded');
    });

    it('reports missing runs and pipelines', async () => {
      const { store } = await createStore(databases, databaseId);
      const run = await store.createWorkflowRun(configure('db1'));
      await expect(
        store.updatePipelineRun(run, 2, { phase: 'Running' }),
      ).rejects.toThrow(NotFoundError);
      await expect(
        store.finishWorkflowRun('no-such-run', { phase: 'Succeeded' }),
      ).rejects.toThrow('Workflow run no-such-run not found');
      await expect(
        store.updatePipelineRun(run, 0, {
          phase: 'Running',
          startedAt: 'yesterday',
        }),
      ).rejects.toThrow("startedAt is not an ISO 8601 time: 'yesterday'");
      expect(await store.getWorkflowRun('no-such-run')).toBeUndefined();
    });

    it('keeps the head of each container log, up to maxLogBytes', async () => {
      const { store } = await createStore(databases, databaseId, {
        maxLogBytes: 10,
      });
      const run = await store.createWorkflowRun(configure('db1'));
      await store.appendLog(run, 'instance', 'setup', 'hello ');
      await store.appendLog(run, 'instance', 'setup', 'wor');
      await store.appendLog(run, 'instance', 'main', 'short');
      await store.appendLog(run, 'instance', 'setup', 'ld and more');
      await store.appendLog(run, 'instance', 'setup', 'even more');
      await store.appendLog(run, 'backup', 'setup', 'ok');
      expect(await store.getLogs(run)).toEqual([
        {
          pipeline: 'instance',
          container: 'setup',
          log: 'hello worl',
          truncated: true,
        },
        {
          pipeline: 'instance',
          container: 'main',
          log: 'short',
          truncated: false,
        },
        { pipeline: 'backup', container: 'setup', log: 'ok', truncated: false },
      ]);
    });

    it('keeps every chunk of concurrent appends', async () => {
      const { store } = await createStore(databases, databaseId);
      const run = await store.createWorkflowRun(configure('db1'));
      const chunks = Array.from({ length: 20 }, (_, i) => `<${i}>`);
      await Promise.all(
        chunks.map(c => store.appendLog(run, 'instance', 'main', c)),
      );
      const [log] = await store.getLogs(run);
      expect(log.log).toHaveLength(chunks.join('').length);
      for (const c of chunks) expect(log.log).toContain(c);
    });

    it('cuts concurrent appends at exactly maxLogBytes', async () => {
      const { store } = await createStore(databases, databaseId, {
        maxLogBytes: 25,
      });
      const run = await store.createWorkflowRun(configure('db1'));
      const chunks = Array.from({ length: 20 }, (_, i) =>
        String.fromCharCode(65 + i).repeat(3),
      );
      await Promise.all(
        chunks.map(c => store.appendLog(run, 'instance', 'main', c)),
      );
      const [log] = await store.getLogs(run);
      expect(log.truncated).toBe(true);
      // Eight whole chunks, then the first byte of a ninth.
      expect(log.log).toMatch(/^(?:([A-T])\1\1){8}[A-T]$/);
    });

    it('writes several pipeline updates in one statement, in order', async () => {
      const { store, knex } = await createStore(databases, databaseId);
      const run = await store.createWorkflowRun({
        ...configure('db1'),
        pipelines: ['a', 'b', 'c'],
      });
      await store.updatePipelineRun(run, 0, {
        phase: 'Running',
        startedAt: '2025-01-01T00:00:01.000Z',
      });
      let statements = 0;
      const count = () => statements++;
      knex.on('query', count);
      await store.updatePipelineRuns(run, [
        {
          index: 0,
          update: {
            phase: 'Succeeded',
            finishedAt: '2025-01-01T00:00:02.000Z',
            exitCode: 0,
          },
        },
        {
          index: 1,
          update: { phase: 'Running', startedAt: '2025-01-01T00:00:02.000Z' },
        },
        // The same pipeline again: both updates apply, the later winning.
        {
          index: 1,
          update: {
            phase: 'Failed',
            finishedAt: '2025-01-01T00:00:03.000Z',
            exitCode: 2,
            message: 'exited with code 2',
          },
        },
      ]);
      await store.updatePipelineRuns(run, []);
      knex.off('query', count);
      expect(statements).toBe(1);
      expect((await store.getWorkflowRun(run))?.pipelines).toEqual([
        {
          name: 'a',
          phase: 'Succeeded',
          startedAt: '2025-01-01T00:00:01.000Z',
          finishedAt: '2025-01-01T00:00:02.000Z',
          exitCode: 0,
        },
        {
          name: 'b',
          phase: 'Failed',
          startedAt: '2025-01-01T00:00:02.000Z',
          finishedAt: '2025-01-01T00:00:03.000Z',
          exitCode: 2,
          message: 'exited with code 2',
        },
        { name: 'c', phase: 'Pending' },
      ]);
      await expect(
        store.updatePipelineRuns(run, [
          { index: 2, update: { phase: 'Running' } },
          { index: 7, update: { phase: 'Running' } },
        ]),
      ).rejects.toThrow(NotFoundError);
    });

    it('finishes a run that succeeded in one statement', async () => {
      const { store, knex } = await createStore(databases, databaseId);
      const run = await store.createWorkflowRun(configure('db1'));
      await store.updatePipelineRun(run, 0, { phase: 'Succeeded' });
      await store.updatePipelineRun(run, 1, { phase: 'Succeeded' });
      let statements = 0;
      const count = () => statements++;
      knex.on('query', count);
      await store.finishWorkflowRun(run, { phase: 'Succeeded' });
      knex.off('query', count);
      expect(statements).toBe(1);
      expect(await store.getWorkflowRun(run)).toMatchObject({
        phase: 'Succeeded',
        pipelines: [
          { name: 'instance', phase: 'Succeeded' },
          { name: 'backup', phase: 'Succeeded' },
        ],
      });
      await expect(
        store.finishWorkflowRun('no-such-run', { phase: 'Succeeded' }),
      ).rejects.toThrow(NotFoundError);
    });

    it('creates a log and appends to it in one statement each', async () => {
      const { store, knex } = await createStore(databases, databaseId, {
        maxLogBytes: 8,
      });
      const run = await store.createWorkflowRun(configure('db1'));
      let statements = 0;
      const count = () => statements++;
      knex.on('query', count);
      await store.appendLog(run, 'instance', 'main', 'abc');
      await store.appendLog(run, 'instance', 'main', 'def');
      knex.off('query', count);
      expect(statements).toBe(2);
      // Past the limit: cut, and the rest ignored.
      await store.appendLog(run, 'instance', 'main', 'ghijk');
      await store.appendLog(run, 'instance', 'main', 'more');
      // A first chunk longer than the limit.
      await store.appendLog(run, 'instance', 'big', '0123456789');
      expect(await store.getLogs(run)).toEqual([
        {
          pipeline: 'instance',
          container: 'main',
          log: 'abcdefgh',
          truncated: true,
        },
        {
          pipeline: 'instance',
          container: 'big',
          log: '01234567',
          truncated: true,
        },
      ]);
    });
  },
);

describe('utf8Head', () => {
  it('never splits a character', () => {
    expect(utf8Head('aé', 2)).toEqual({ text: 'a', bytes: 1, cut: true });
    expect(utf8Head('aé', 3)).toEqual({ text: 'aé', bytes: 3, cut: false });
    expect(utf8Head('€x', 2)).toEqual({ text: '', bytes: 0, cut: true });
    expect(utf8Head('abc', 0)).toEqual({ text: '', bytes: 0, cut: true });
  });
});

const record = (
  name: string,
  resource: string,
  state = 'healthy',
): HealthRecord => ({
  apiVersion: 'platform.kratix.io/v1alpha1',
  kind: 'HealthRecord',
  metadata: { name },
  data: {
    promiseRef: { name: 'postgresql' },
    resourceRef: { name: resource },
    state: state as HealthRecord['data']['state'],
    lastRun: 1700000000,
    details: { checks: [1, 2] },
  },
});

describe.each(databases.eachSupportedId())(
  'health records on %p',
  databaseId => {
    it('creates, replaces, lists and deletes health records', async () => {
      const { store } = await createStore(databases, databaseId);
      expect(await store.putHealthRecord(record('h1', 'db1'))).toEqual({
        created: true,
      });
      expect(
        await store.putHealthRecord(record('h1', 'db1', 'degraded')),
      ).toEqual({
        created: false,
      });
      await store.putHealthRecord(record('h2', 'db1'));
      await store.putHealthRecord(record('h3', 'db2'));
      await store.putHealthRecord({
        ...record('h4', 'db1'),
        metadata: { name: 'h4', namespace: 'team-b' },
      });

      const h1 = await store.getHealthRecord('default', 'h1');
      expect(h1).toEqual({
        ...record('h1', 'db1', 'degraded'),
        metadata: { name: 'h1', namespace: 'default' },
      });
      expect(await store.getHealthRecord('team-b', 'h1')).toBeUndefined();

      const names = (records: HealthRecord[]) =>
        records.map(r => r.metadata.name);
      const db1 = { promise: 'postgresql', namespace: 'default', name: 'db1' };
      expect(names(await store.listHealthRecordsForResource(db1))).toEqual([
        'h1',
        'h2',
      ]);
      // resourceRef.namespace defaults to the record's own namespace.
      expect(
        names(
          await store.listHealthRecordsForResource({
            ...db1,
            namespace: 'team-b',
          }),
        ),
      ).toEqual(['h4']);
      expect(
        await store.listHealthRecordsForResource({ ...db1, promise: 'redis' }),
      ).toEqual([]);

      expect(await store.deleteHealthRecord('default', 'h1')).toBe(true);
      expect(await store.deleteHealthRecord('default', 'h1')).toBe(false);
      expect(names(await store.listHealthRecordsForResource(db1))).toEqual([
        'h2',
      ]);
    });
  },
);
