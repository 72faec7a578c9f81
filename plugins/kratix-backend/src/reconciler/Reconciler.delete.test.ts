// Delete workflows (spec section 2): as upstream, a Promise's delete
// pipeline runs first, then its Resources go, then the Promise; a failed
// delete keeps the object, and is retried at growing intervals until an
// attempt succeeds.
import { createTestDatabases } from '../database/__testUtils__/databases';
import {
  condition,
  isConfigured,
  scriptPromise,
} from '../__testUtils__/scriptPromise';
import { WorkflowRun } from '@kratix-backstage/plugin-kratix-common';
import { settle, withKratix } from '../__testUtils__/kratixApi';
import { eventually } from '../__testUtils__/startKratix';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const noop = [{ name: 'noop', script: 'true' }];

describe.each(databases.eachSupportedId())('Reconciler deleting on %p', id => {
  it("runs a Promise's delete pipeline, then deletes its Resources, then the Promise", () =>
    withKratix(databases, id, {}, async kratix => {
      const gate = kratix.gate('drop');
      const promise = kratix.promise('db');
      await promise.put(
        scriptPromise(
          'db',
          noop,
          { MARKERS: kratix.markers },
          {
            resourceDelete: [
              {
                name: 'drop',
                script: `${gate.script}
echo "resource $KRATIX_OBJECT_NAME" >> "$MARKERS/order"`,
              },
            ],
            promiseDelete: [
              {
                name: 'uninstall',
                script: `echo "$KRATIX_WORKFLOW_TYPE $KRATIX_WORKFLOW_ACTION $KRATIX_OBJECT_NAME" >> "$MARKERS/order"`,
              },
            ],
          },
        ),
        201,
      );
      const resources = ['a', 'b'].map(n => kratix.resource('db', n));
      for (const r of resources) await r.put({ size: 1 }, 201);
      for (const r of resources) await r.waitFor(isConfigured);

      await promise.delete();
      // Its delete pipeline first; its Resources' delete pipelines hold,
      // and the Promise waits for them.
      for (const r of resources) {
        await r.waitFor(b => Boolean(b.metadata.deletionTimestamp));
      }
      await settle(300);
      expect((await promise.get()).metadata.deletionTimestamp).toBeDefined();
      expect(kratix.lines('order')).toEqual(['promise delete db']);
      await kratix.resource('db', 'c').put({ size: 1 }, 409);

      gate.open();
      await promise.waitGone();
      const order = kratix.lines('order');
      expect(order[0]).toEqual('promise delete db');
      expect(order.slice(1).sort()).toEqual(['resource a', 'resource b']);
      for (const r of resources) {
        await kratix.http().get(r.url).expect(404);
      }
      const listed = await kratix
        .http()
        .get('/api/kratix/promises')
        .expect(200);
      expect(listed.body.items).toEqual([]);
    }));

  it('with cancelOnSupersede, cancels a running configure workflow when its Resource is deleted, and runs the delete pipeline at once', () =>
    withKratix(databases, id, { cancelOnSupersede: true }, async kratix => {
      const hold = kratix.gate('hold');
      await kratix.promise('slow').put(
        scriptPromise(
          'slow',
          [
            {
              name: 'provision',
              script: `echo started >> "$MARKERS/configure"
${hold.script}
echo finished >> "$MARKERS/configure"`,
            },
          ],
          { MARKERS: kratix.markers },
          {
            resourceDelete: [
              { name: 'drop', script: 'echo dropped >> "$MARKERS/delete"' },
            ],
          },
        ),
        201,
      );
      const r = kratix.resource('slow', 'a');
      await r.put({ size: 1 }, 201);
      await kratix.waitLines('configure', 1);

      await r.delete();
      await r.waitGone();
      // The gate never opened: the configure run was stopped, not awaited.
      expect(kratix.lines('configure')).toEqual(['started']);
      expect(kratix.lines('delete')).toEqual(['dropped']);
    }));

  it('keeps a Resource whose delete pipeline failed, retrying at growing intervals until an attempt succeeds', () =>
    withKratix(
      databases,
      id,
      { deleteRetryInterval: '300ms', deleteRetryMaxInterval: '600ms' },
      async kratix => {
        const fixed = kratix.gate('fixed');
        await kratix.promise('stuck').put(
          scriptPromise(
            'stuck',
            noop,
            { MARKERS: kratix.markers },
            {
              resourceDelete: [
                {
                  name: 'drop',
                  script: `echo "$KRATIX_OBJECT_NAME" >> "$MARKERS/attempts"
${fixed.isOpen} || { echo "the database is still in use"; exit 1; }
echo "$KRATIX_OBJECT_NAME" >> "$MARKERS/deleted"`,
                },
              ],
            },
          ),
          201,
        );
        const resources = ['a', 'b'].map(n => kratix.resource('stuck', n));
        for (const r of resources) await r.put({ size: 1 }, 201);
        for (const r of resources) await r.waitFor(isConfigured);

        for (const r of resources) await r.delete();
        for (const r of resources) {
          const failed = await r.waitFor(b =>
            Boolean(condition(b, 'DeleteWorkflowCompleted')),
          );
          expect(condition(failed, 'DeleteWorkflowCompleted')).toMatchObject({
            status: 'False',
            reason: 'DeleteWorkflowFailed',
            message: 'The Delete Pipeline has failed',
          });
          expect(failed.metadata.deletionTimestamp).toBeDefined();
          // The first attempt (a retry may be running already: 300 ms);
          // its run is recorded as ended just after the condition is saved.
          const run = await eventually(async () => {
            const first = (await r.runs())
              .filter(x => x.action === 'delete')
              .at(-1);
            return first?.finishedAt ? first : undefined;
          });
          expect(run).toMatchObject({
            action: 'delete',
            phase: 'Failed',
            pipelines: [{ name: 'drop', phase: 'Failed', exitCode: 1 }],
          });
          await r.put({ size: 2 }, 409);
        }

        // Retried by itself: after 300 ms, then 600 ms (the max), and on.
        for (const r of resources) {
          let failed: WorkflowRun[] = [];
          const fourDone = () =>
            failed.length >= 4 &&
            failed.slice(0, 4).every(run => run.finishedAt);
          for (let i = 0; i < 100 && !fourDone(); i++) {
            failed = (await r.runs())
              .filter(run => run.action === 'delete')
              .reverse();
            await settle(100);
          }
          expect(failed.map(run => run.phase).slice(0, 4)).toEqual(
            Array(4).fill('Failed'),
          );
          const waits = failed
            .slice(1, 4)
            .map(
              (run, i) =>
                Date.parse(run.startedAt!) - Date.parse(failed[i].finishedAt!),
            );
          expect(waits[0]).toBeGreaterThanOrEqual(300);
          expect(waits[1]).toBeGreaterThanOrEqual(600);
          expect(waits[2]).toBeGreaterThanOrEqual(600);
          expect(waits[2]).toBeLessThan(5000);
          await r.get();
        }

        fixed.open();
        for (const r of resources) await r.waitGone();
        expect(kratix.lines('deleted').sort()).toEqual(['a', 'b']);
      },
    ));
});
