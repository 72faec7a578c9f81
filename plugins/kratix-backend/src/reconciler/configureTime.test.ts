// status.lastSuccessfulConfigureWorkflowTime: written at the top level of
// `status`, as upstream Kratix does, and under kratix.workflows.
import { createTestDatabases } from '../database/__testUtils__/databases';
import { isConfigured, scriptPromise } from '../__testUtils__/scriptPromise';
import { withKratix } from '../__testUtils__/kratixApi';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const times = (body: any) => [
  body.status.lastSuccessfulConfigureWorkflowTime,
  body.status.kratix.workflows.lastSuccessfulConfigureWorkflowTime,
];

describe.each(databases.eachSupportedId())(
  'lastSuccessfulConfigureWorkflowTime on %p',
  id => {
    it('is set at the top level of status and under kratix.workflows', () =>
      withKratix(databases, id, {}, async kratix => {
        const ok = { name: 'ok', script: 'true' };
        const doc = scriptPromise('db', [ok], {}, { promiseConfigure: [ok] });
        await kratix.promise('db').put(doc, 201);
        const promise = await kratix.promise('db').waitFor(isConfigured);
        const [promiseTop, promiseKratix] = times(promise);
        expect(promiseTop).toMatch(/^\d{4}-\d\d-\d\dT/);
        expect(promiseTop).toBe(promiseKratix);

        const r = kratix.resource('db', 'a');
        await r.put({ size: 1 }, 201);
        const first = await r.waitFor(isConfigured);
        const [top, inKratix] = times(first);
        expect(top).toMatch(/^\d{4}-\d\d-\d\dT/);
        expect(top).toBe(inKratix);

        // A new spec configures again: both move on together.
        await new Promise(resolve => setTimeout(resolve, 1100));
        await r.put({ size: 2 }, 200);
        const second = await r.waitFor(
          b => isConfigured(b) && b.status.observedGeneration === 2,
        );
        const [top2, inKratix2] = times(second);
        expect(top2 > top).toBe(true);
        expect(top2).toBe(inKratix2);
      }));
  },
);
