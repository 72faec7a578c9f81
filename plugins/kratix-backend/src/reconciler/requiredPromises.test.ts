// spec.requiredPromises and a Resource waiting for its Promise, as upstream
// Kratix: while a required Promise is not installed and available, the
// Promise says so (RequirementsFulfilled False, status.requiredPromises)
// and its Resources wait (PromiseAvailable False, no workflow); they go on
// by themselves once it is. A Resource also waits for its Promise's
// configure workflow to succeed.
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { parse } from 'yaml';
import { createTestDatabases } from '../database/__testUtils__/databases';
import {
  condition,
  isConfigured,
  scriptPromise,
} from '../__testUtils__/scriptPromise';
import { settle, withKratix } from '../__testUtils__/kratixApi';
import { eventually, startKratix } from '../__testUtils__/startKratix';

jest.setTimeout(90_000);

const databases = createTestDatabases();
const runLine = {
  name: 'run',
  script: 'echo "$KRATIX_WORKFLOW_TYPE $KRATIX_OBJECT_NAME" >> "$MARKERS/runs"',
};

describe.each(databases.eachSupportedId())('requiredPromises on %p', id => {
  it('holds Resources until the required Promise is available, then runs them', () =>
    withKratix(databases, id, {}, async kratix => {
      const env = { MARKERS: kratix.markers };
      const app = scriptPromise('app', [runLine], env) as any;
      app.spec.requiredPromises = [{ name: 'db' }];
      const applied = await kratix.promise('app').put(app, 201);
      // As upstream's admission webhook: accepted, with warnings.
      expect(applied.body.warnings).toEqual([
        'Required Promise "db" at version "" not installed',
        'Promise will not be available until the above issue(s) is resolved',
      ]);
      const waiting = await kratix
        .promise('app')
        .waitFor(b => condition(b, 'RequirementsFulfilled'));
      expect(condition(waiting, 'RequirementsFulfilled')).toMatchObject({
        status: 'False',
        reason: 'RequirementsNotInstalled',
        message: 'Requirements not fulfilled: db (Requirement not installed)',
      });
      // As the spec says, the Promise also has PromiseAvailable False.
      expect(condition(waiting, 'PromiseAvailable')).toMatchObject({
        status: 'False',
        reason: 'RequirementsNotInstalled',
        message: 'Requirements not fulfilled: db (Requirement not installed)',
      });
      expect(waiting.status.status).toBe('Unavailable');
      expect(waiting.status.requiredPromises).toEqual([
        { name: 'db', state: 'Requirement not installed' },
      ]);

      const r = kratix.resource('app', 'a');
      await r.put({ size: 1 }, 201);
      const held = await r.waitFor(b => condition(b, 'PromiseAvailable'));
      expect(condition(held, 'PromiseAvailable')).toMatchObject({
        status: 'False',
        reason: 'PromiseRequirementsNotInstalled',
        message:
          'Promise Requirements are not installed: db (Requirement not installed)',
      });
      expect(held.status.message).toBe('Pending');
      await settle(500);
      expect(kratix.lines('runs')).toEqual([]);

      // The required Promise arrives: the rest follows by itself.
      const hold = kratix.gate('db-configured');
      await kratix.promise('db').put(
        scriptPromise('db', [runLine], env, {
          promiseConfigure: [{ name: 'install', script: hold.script }],
        }),
        201,
      );
      await settle(500);
      expect(kratix.lines('runs')).toEqual([]);
      hold.open();
      const done = await r.waitFor(isConfigured);
      expect(condition(done, 'PromiseAvailable')).toMatchObject({
        status: 'True',
        reason: 'PromiseAvailable',
      });
      const promise = await kratix.promise('app').get();
      expect(condition(promise, 'RequirementsFulfilled')).toMatchObject({
        status: 'True',
        reason: 'RequirementsInstalled',
      });
      expect(condition(promise, 'PromiseAvailable')).toMatchObject({
        status: 'True',
        reason: 'PromiseAvailable',
      });
      expect(promise.status.requiredPromises).toEqual([
        { name: 'db', state: 'Requirement installed' },
      ]);
      expect(kratix.lines('runs')).toEqual(['resource a']);

      // The required Promise goes: the Promise says so again.
      await kratix.promise('db').delete();
      await kratix.promise('db').waitGone();
      const gone = await kratix
        .promise('app')
        .waitFor(
          b => condition(b, 'RequirementsFulfilled')?.status === 'False',
        );
      expect(gone.status.requiredPromises).toEqual([
        { name: 'db', state: 'Requirement not installed' },
      ]);
    }));

  it("holds a Resource until its Promise's configure workflow succeeds", () =>
    withKratix(databases, id, {}, async kratix => {
      const hold = kratix.gate('configured');
      await kratix.promise('db').put(
        scriptPromise(
          'db',
          [runLine],
          { MARKERS: kratix.markers },
          {
            promiseConfigure: [{ name: 'install', script: hold.script }],
          },
        ),
        201,
      );
      const r = kratix.resource('db', 'a');
      await r.put({ size: 1 }, 201);
      const held = await r.waitFor(b => condition(b, 'PromiseAvailable'));
      expect(condition(held, 'PromiseAvailable')).toMatchObject({
        status: 'False',
        reason: 'PromiseUnavailable',
      });
      await settle(500);
      expect(kratix.lines('runs')).toEqual([]);
      hold.open();
      await r.waitFor(isConfigured);
      expect(kratix.lines('runs')).toEqual(['resource a']);
    }));

  it('runs the easy-app sample once the Promises it requires are installed', async () => {
    const file = path.resolve(
      __dirname,
      '../../../../../shared/conformance/promises/easy-app-promise.yaml',
    );
    const easyApp = parse(fs.readFileSync(file, 'utf8'));
    const [nginx, postgres] = easyApp.spec.dependencies;
    const echo = [
      'sh',
      '-c',
      'echo "kind: ConfigMap" > /kratix/output/cm.yaml',
    ];
    const kratix = await startKratix(databases, id, {
      kratix: {
        destinations: [
          { name: 'platform', labels: { environment: 'platform' } },
        ],
        runner: {
          process: {
            images: {
              'syntasso/demo-easy-app-configure-pipeline:v0.1.1': echo,
              'syntasso/demo-nginx-configure-pipeline:v0.1.1': echo,
              'syntasso/demo-postgresql-configure-pipeline:v0.1.1': echo,
            },
          },
        },
      },
    });
    const http = () => request(kratix.server);
    const get = (url: string) =>
      eventually(async () => (await http().get(url)).body);
    try {
      const required = { ...easyApp };
      required.spec = {
        ...easyApp.spec,
        requiredPromises: [{ name: 'nginx-ingress' }, { name: 'postgresql' }],
      };
      const put = await http()
        .put('/api/kratix/promises/easyapp')
        .send(required)
        .expect(201);
      // Its images are mapped: only the missing Promises are warned of.
      expect(put.body.warnings).toEqual([
        'Required Promise "nginx-ingress" at version "" not installed',
        'Required Promise "postgresql" at version "" not installed',
        'Promise will not be available until the above issue(s) is resolved',
      ]);
      const url = '/api/kratix/promises/easyapp/resources/default/example';
      await http()
        .put(url)
        .send({ spec: { name: 'todo', image: 'todo:1', dbDriver: 'postgres' } })
        .expect(201);
      await eventually(async () => {
        const body = (await http().get(url)).body;
        return condition(body, 'PromiseAvailable')?.status === 'False'
          ? body
          : undefined;
      });
      for (const dep of [nginx, postgres]) {
        await http()
          .put(`/api/kratix/promises/${dep.metadata.name}`)
          .send(dep)
          .expect(201);
      }
      const done = await eventually(async () => {
        const body = (await http().get(url)).body;
        return isConfigured(body) ? body : undefined;
      });
      expect(condition(done, 'PromiseAvailable')?.status).toBe('True');
      const promise = await get('/api/kratix/promises/easyapp');
      expect(condition(promise, 'RequirementsFulfilled')?.status).toBe('True');
    } finally {
      await kratix.stop();
    }
  });
});
