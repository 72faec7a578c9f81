// Each recorded run says what triggered it, through the real engine.
import { createTestDatabases } from '../database/__testUtils__/databases';
import { eventually } from '../__testUtils__/startKratix';
import { scriptPromise } from '../__testUtils__/scriptPromise';
import { withKratix } from '../__testUtils__/kratixApi';

jest.setTimeout(60_000);

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())('run triggers on %p', id => {
  it('records create, spec-change and manual with their generations', () =>
    withKratix(databases, id, {}, async kratix => {
      const doc = scriptPromise('db', [{ name: 'run', script: 'true' }]);
      await kratix.promise('db').put(doc, 201);
      const r = kratix.resource('db', 'a');
      const finished = (count: number) =>
        eventually(async () => {
          const runs = await r.runs();
          const done = runs.filter(run => run.phase !== 'Running');
          return done.length >= count ? runs : undefined;
        });

      await r.put({ size: 1 }, 201);
      await finished(1);
      await r.put({ size: 2 });
      await finished(2);
      await r.reconcile();
      const runs = await finished(3);

      expect(
        runs.reverse().map(run => [run.trigger, run.generation, run.phase]),
      ).toEqual([
        ['create', 1, 'Succeeded'],
        ['spec-change', 2, 'Succeeded'],
        ['manual', 2, 'Succeeded'],
      ]);
    }));
});
