// Applying a Promise with fields the process runner cannot honour: it is
// accepted, with a warning naming each field in the response (a `warnings`
// array and a `Warning` header each, as Kubernetes sends them) and in the
// Promise's status. And a Promise's reconciliationInterval schedules the
// next run of its objects instead of the engine's interval.
import { createTestDatabases } from '../database/__testUtils__/databases';
import { isConfigured, scriptPromise } from '../__testUtils__/scriptPromise';
import { withKratix } from '../__testUtils__/kratixApi';

jest.setTimeout(60_000);

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())('Promise warnings on %p', id => {
  it('accepts a Promise with unsupported fields, and says which', () =>
    withKratix(databases, id, {}, async kratix => {
      const doc = scriptPromise('db', [{ name: 'ok', script: 'true' }]) as any;
      const configure = doc.spec.workflows.resource.configure;
      configure[0].spec.volumes = [{ name: 'cache', emptyDir: {} }];
      configure.push({
        ...configure[0],
        metadata: { name: 'upstream' },
        spec: { containers: [{ name: 'c', image: 'ghcr.io/x/y:v1' }] },
      });
      const res = await kratix.promise('db').put(doc, 201);
      const at = 'spec.workflows.resource.configure';
      const expected = [
        `${at}[0].spec.volumes: not supported by the process runner (no volumes are mounted)`,
        `${at}[1].spec.containers[0].image: not supported by the process runner ('ghcr.io/x/y:v1' has no command, and kratix.runner.process.images maps no command to it)`,
      ];
      expect(res.body.warnings).toEqual(expected);
      expect(res.headers.warning.split(', 299')).toHaveLength(2);
      expect(res.headers.warning).toContain(`299 - "${expected[0]}"`);
      const promise = await kratix.promise('db').waitFor(isConfigured);
      expect(promise.status.warnings).toEqual(expected);

      // Fixed: no more warnings, in the response or the status.
      configure.pop();
      delete configure[0].spec.volumes;
      const fixed = await kratix.promise('db').put(doc, 200);
      expect(fixed.body.warnings).toBeUndefined();
      expect(fixed.headers.warning).toBeUndefined();
      await kratix
        .promise('db')
        .waitFor(b => isConfigured(b) && !('warnings' in b.status));
    }));

  it('runs only the first of two delete pipelines, with a warning', () =>
    withKratix(databases, id, {}, async kratix => {
      const drop = (name: string) => ({
        name,
        script: `echo ${name} >> "$MARKERS/deleted"`,
      });
      const doc = scriptPromise(
        'db',
        [{ name: 'ok', script: 'true' }],
        { MARKERS: kratix.markers },
        { resourceDelete: [drop('first'), drop('second')] },
      );
      const res = await kratix.promise('db').put(doc, 201);
      expect(res.body.warnings).toEqual([
        "spec.workflows.resource.delete: a delete workflow has one pipeline; 2 given, only the first ('first') is used",
      ]);
      const r = kratix.resource('db', 'a');
      await r.put({ size: 1 }, 201);
      await r.waitFor(isConfigured);
      await r.delete();
      await r.waitGone();
      expect(kratix.lines('deleted')).toEqual(['first']);
    }));

  it("schedules the next run after the Promise's reconciliationInterval", () =>
    withKratix(databases, id, {}, async kratix => {
      const doc = scriptPromise('db', [{ name: 'ok', script: 'true' }]) as any;
      doc.spec.workflows.config = { reconciliationInterval: '2m' };
      await kratix.promise('db').put(doc, 201);
      const r = kratix.resource('db', 'a');
      await r.put({ size: 1 }, 201);
      const done = await r.waitFor(isConfigured);
      const finished = Date.parse(
        done.status.kratix.workflows.lastSuccessfulConfigureWorkflowTime,
      );
      const row = await kratix.knex('work_queue').where({ name: 'a' }).first();
      const delay = Number(row.not_before) - finished;
      // Two minutes, not the engine's ten hours.
      expect(delay).toBeGreaterThan(110_000);
      expect(delay).toBeLessThan(130_000);
    }));
});
