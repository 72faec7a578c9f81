// A pipeline that always asks for `retryAfter: 1ms` runs again only after
// engine.errorRetryInterval, and its run's log says why: the real engine,
// real pipelines, SQLite.
import { mockCredentials } from '@backstage/backend-test-utils';
import { createTestDatabases } from '../database/__testUtils__/databases';
import { scriptPromise } from '../__testUtils__/scriptPromise';
import { settle, withKratix } from '../__testUtils__/kratixApi';
import { eventually } from '../__testUtils__/startKratix';

jest.setTimeout(60_000);

const databases = createTestDatabases();

it('floors retryAfter at engine.errorRetryInterval, with a warning in the run log', () =>
  withKratix(databases, 'SQLITE_3', { errorRetryInterval: '3s' }, async k => {
    const auth = mockCredentials.user.header();
    await k
      .http()
      .put('/api/kratix/promises/db')
      .set('Authorization', auth)
      .send(
        scriptPromise(
          'db',
          [
            {
              name: 'eager',
              script: `date +%s%N >> "$MARKERS/runs"
printf 'retryAfter: 1ms\\n' > /kratix/metadata/workflow-control.yaml`,
            },
          ],
          { MARKERS: k.markers },
        ),
      )
      .expect(201);
    const r = k.resource('db', 'a');
    await k
      .http()
      .put(r.url)
      .set('Authorization', auth)
      .send({ spec: { size: 1 } })
      .expect(201);
    await k.waitLines('runs', 1);
    // Unfloored, 1ms would have run it dozens of times by now.
    await settle(2000);
    expect(k.lines('runs')).toHaveLength(1);

    const [first, second] = (await k.waitLines('runs', 2)).map(
      l => Number(l) / 1e6,
    );
    expect(second - first).toBeGreaterThanOrEqual(2900);

    const runs = (
      await k.http().get(`${r.url}/runs`).set('Authorization', auth).expect(200)
    ).body.items;
    const logs = await eventually(async () => {
      const res = await k
        .http()
        .get(`${r.url}/runs/${runs.at(-1)!.id}/logs`)
        .set('Authorization', auth)
        .expect(200);
      const text = JSON.stringify(res.body);
      return text.includes('retryAfter 1ms') ? res.body : undefined;
    });
    expect(JSON.stringify(logs)).toContain(
      'retryAfter 1ms in /kratix/metadata/workflow-control.yaml is shorter than engine.errorRetryInterval (3s): the pipeline runs again after 3s',
    );
  }));
