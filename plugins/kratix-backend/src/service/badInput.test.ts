// Issue 4: bad input of every kind gets a 4xx with a message that says what
// was wrong; what was saved before stays saved and the engine keeps serving.
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { parse as parseYaml } from 'yaml';
import { createTestDatabases } from '../database/__testUtils__/databases';
import { eventually, startKratix } from '../__testUtils__/startKratix';
import { iamPromiseYaml, putIamPromise } from '../__testUtils__/iamPromise';
import {
  configureCondition,
  scriptPromise,
} from '../__testUtils__/scriptPromise';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const base = '/api/kratix';
const iam = `${base}/promises/iam/resources/default`;

type Api = ReturnType<typeof request>;
interface Case {
  name: string;
  send(api: Api): request.Test;
  status: number;
  message: RegExp;
}

const iamDoc = parseYaml(iamPromiseYaml({ deleteMarker: '/dev/null' }));
/** The iam Promise, changed by `edit`. */
function iamWith(edit: (p: any) => void) {
  const copy = structuredClone(iamDoc);
  edit(copy);
  return copy;
}
const configure = (p: any) => p.spec.workflows.resource.configure;
const health = (data: object, name = 'h1') => ({
  apiVersion: 'platform.kratix.io/v1alpha1',
  kind: 'HealthRecord',
  metadata: { name, namespace: 'default' },
  data: {
    promiseRef: { name: 'iam' },
    resourceRef: { name: 'alice', namespace: 'default' },
    state: 'healthy',
    ...data,
  },
});

const cases: Case[] = [
  {
    name: 'invalid YAML body',
    send: api =>
      api
        .put(`${base}/promises/iam`)
        .set('Content-Type', 'application/yaml')
        .send('metadata: [name'),
    status: 400,
    message: /Invalid Promise: \(root\): not valid YAML/,
  },
  {
    name: 'several YAML documents',
    send: api =>
      api
        .put(`${base}/promises/iam`)
        .set('Content-Type', 'application/yaml')
        .send('a: 1\n---\nb: 2\n'),
    status: 400,
    message: /not valid YAML: .*multiple documents/,
  },
  {
    name: 'YAML body that is a list',
    send: api =>
      api
        .put(`${iam}/bob`)
        .set('Content-Type', 'application/yaml')
        .send('- spec: {}\n'),
    status: 400,
    message: /Invalid body: must be object/,
  },
  {
    name: 'invalid JSON body',
    send: api =>
      api
        .put(`${iam}/bob`)
        .set('Content-Type', 'application/json')
        .send('{"spec": {"user": '),
    status: 400,
    message: /Request body is not valid JSON/,
  },
  {
    name: 'oversized body',
    send: api =>
      api
        .put(`${iam}/bob`)
        .send({ spec: { user: 'x'.repeat(1024 * 1024 + 1) } }),
    status: 413,
    message: /larger than the limit of 1048576 bytes/,
  },
  {
    name: 'empty body',
    send: api => api.put(`${base}/promises/iam`),
    status: 400,
    message: /Request body must be a Promise document/,
  },
  {
    name: 'body of an unsupported content type',
    send: api =>
      api.put(`${iam}/bob`).set('Content-Type', 'text/plain').send('user'),
    status: 400,
    message: /Request body must be a Resource document/,
  },
  {
    name: 'spec not an object',
    send: api => api.put(`${iam}/bob`).send({ spec: 'admin' }),
    status: 400,
    message: /Invalid body\.spec: must be object/,
  },
  {
    name: 'label value not a string',
    send: api =>
      api
        .put(`${iam}/bob`)
        .send({ metadata: { labels: { team: 7 } }, spec: { user: 'b' } }),
    status: 400,
    message: /Invalid body\.metadata\.labels\.team: must be string/,
  },
  {
    name: 'unknown Promise',
    send: api =>
      api.put(`${base}/promises/nope/resources/default/bob`).send({ spec: {} }),
    status: 404,
    message: /Promise 'nope' not found/,
  },
  {
    name: 'spec missing a required field',
    send: api => api.put(`${iam}/bob`).send({ spec: {} }),
    status: 400,
    message: /Invalid IAM Resource: spec\.user: .*required/,
  },
  {
    name: 'spec field of the wrong type',
    send: api => api.put(`${iam}/bob`).send({ spec: { user: 5 } }),
    status: 400,
    message: /Invalid IAM Resource: spec\.user: must be string/,
  },
  {
    name: 'apiVersion of another Promise',
    send: api =>
      api
        .put(`${iam}/bob`)
        .send({ apiVersion: 'other.io/v1', spec: { user: 'b' } }),
    status: 400,
    message:
      /apiVersion: must be 'example\.promise\.syntasso\.io\/v1', got 'other\.io\/v1'/,
  },
  {
    name: 'kind of another Promise',
    send: api =>
      api.put(`${iam}/bob`).send({ kind: 'Redis', spec: { user: 'b' } }),
    status: 400,
    message: /kind: must be 'IAM', got 'Redis'/,
  },
  {
    name: 'Resource name differs from the URL',
    send: api =>
      api
        .put(`${iam}/bob`)
        .send({ metadata: { name: 'carol' }, spec: { user: 'b' } }),
    status: 400,
    message: /metadata\.name 'carol' does not match the URL's 'bob'/,
  },
  {
    name: 'Resource namespace differs from the URL',
    send: api =>
      api
        .put(`${iam}/bob`)
        .send({ metadata: { namespace: 'prod' }, spec: { user: 'b' } }),
    status: 400,
    message: /metadata\.namespace 'prod' does not match the URL's 'default'/,
  },
  {
    name: 'uppercase name',
    send: api => api.put(`${iam}/Bob`).send({ spec: { user: 'b' } }),
    status: 400,
    message: /Invalid path\.name: must be lowercase letters/,
  },
  {
    name: 'name longer than 253 characters',
    send: api =>
      api.put(`${iam}/${'b'.repeat(254)}`).send({ spec: { user: 'b' } }),
    status: 400,
    message: /Invalid path\.name: must NOT have more than 253 characters/,
  },
  {
    name: 'uppercase name under a cluster prefix',
    send: api =>
      api.get(`${base}/clusters/prod/promises/iam/resources/default/Bob`),
    status: 400,
    message: /Invalid path\.name: must be lowercase letters/,
  },
  {
    name: 'invalid labelSelector',
    send: api =>
      api.get(`${base}/promises/iam/resources?labelSelector=team%3D%3D%3Da`),
    status: 400,
    message: /Invalid labelSelector term 'team===a'/,
  },
  {
    name: 'a list limit that is not a number',
    send: api => api.get(`${base}/promises/iam/resources?limit=ten`),
    status: 400,
    message: /Invalid query\.limit/,
  },
  {
    name: 'a list limit above 1000',
    send: api => api.get(`${base}/promises/iam/resources?limit=1001`),
    status: 400,
    message: /Invalid query\.limit/,
  },
  {
    name: 'a continue token not from a previous page',
    send: api => api.get(`${base}/promises/iam/resources?continue=bm9wZQ`),
    status: 400,
    message:
      /Invalid query parameter continue: not a token from a previous page/,
  },
  {
    name: 'invalid namespace filter',
    send: api => api.get(`${base}/promises/iam/resources?namespace=Prod_1`),
    status: 400,
    message: /Invalid query\.namespace/,
  },
  {
    name: 'invalid dryRun',
    send: api =>
      api.put(`${iam}/bob?dryRun=maybe`).send({ spec: { user: 'b' } }),
    status: 400,
    message: /Invalid query\.dryRun/,
  },
  {
    name: 'Resource of a Promise without spec.api',
    send: api =>
      api
        .put(`${base}/promises/noapi/resources/default/bob`)
        .send({ spec: {} }),
    status: 400,
    message: /Promise 'noapi' has no spec\.api, so it offers no Resources/,
  },
  {
    name: 'Promise name differs from the URL',
    send: api => api.put(`${base}/promises/other`).send(iamDoc),
    status: 400,
    message: /Promise metadata\.name 'iam' does not match the URL's 'other'/,
  },
  {
    name: 'Promise of the wrong apiVersion',
    send: api =>
      api.put(`${base}/promises/iam`).send(iamWith(p => (p.apiVersion = 'v1'))),
    status: 400,
    message: /Invalid body\.apiVersion: .*platform\.kratix\.io\/v1alpha1/,
  },
  {
    name: 'duplicate pipeline names',
    send: api =>
      api.put(`${base}/promises/iam`).send(
        iamWith(p => {
          configure(p)[1].metadata.name = configure(p)[0].metadata.name;
        }),
      ),
    status: 400,
    message:
      /spec\.workflows\.resource\.configure\[1\]\.metadata\.name: .*create-user/,
  },
  {
    name: 'unknown Pipeline field',
    send: api =>
      api.put(`${base}/promises/iam`).send(
        iamWith(p => {
          p.spec.workflows.resource.configure[0].spec.containers[0].imagePull =
            'Always';
        }),
      ),
    status: 400,
    message:
      /spec\.workflows\.resource\.configure\[0\]\.spec\.containers\[0\]\.imagePull: unknown field/,
  },
  {
    name: 'a changed API kind',
    send: api =>
      api.put(`${base}/promises/iam`).send(
        iamWith(p => {
          p.spec.api.spec.names.kind = 'User';
        }),
      ),
    status: 400,
    message:
      /spec\.api\.spec\.names\.kind: Invalid value: 'User': field is immutable/,
  },
  {
    name: 'container without image',
    send: api =>
      api.put(`${base}/promises/iam`).send(
        iamWith(p => {
          delete configure(p)[0].spec.containers[0].image;
        }),
      ),
    status: 400,
    message:
      /spec\.workflows\.resource\.configure\[0\]\.spec\.containers\[0\]\.image: is required/,
  },
  {
    name: 'HealthRecord with an unknown state',
    send: api =>
      api
        .put(`${base}/healthrecords/default/h1`)
        .send(health({ state: 'fine' })),
    status: 400,
    message: /Invalid body\.data\.state: .*unhealthy/,
  },
  {
    name: 'HealthRecord for an unknown Resource',
    send: api =>
      api
        .put(`${base}/healthrecords/default/h1`)
        .send(health({ resourceRef: { name: 'ghost' } })),
    status: 404,
    message: /Resource default\/ghost of Promise 'iam' not found/,
  },
  {
    name: 'HealthRecord name differs from the URL',
    send: api =>
      api.put(`${base}/healthrecords/default/h2`).send(health({}, 'h1')),
    status: 400,
    message:
      /HealthRecord metadata 'default\/h1' does not match the URL's 'default\/h2'/,
  },
  {
    name: 'logs of an unknown run',
    send: api => api.get(`${iam}/alice/runs/no-such-run/logs`),
    status: 404,
    message: /Workflow run 'no-such-run' of Resource default\/alice not found/,
  },
  {
    name: 'unknown Resource',
    send: api => api.get(`${iam}/ghost`),
    status: 404,
    message: /Resource default\/ghost of Promise 'iam' not found/,
  },
  {
    name: 'stale resourceVersion',
    send: api =>
      api
        .put(`${iam}/alice`)
        .send({ metadata: { resourceVersion: '1' }, spec: { user: 'z' } }),
    status: 409,
    message: /resourceVersion/,
  },
  {
    name: 'update of a Resource being deleted',
    send: api =>
      api
        .put(`${base}/promises/slow/resources/default/going`)
        .send({ spec: { n: 2 } }),
    status: 409,
    message: /Resource 'going' is being deleted/,
  },
];

describe.each(databases.eachSupportedId())('bad input on %p', id => {
  it('answers each with a 4xx and a clear message, and keeps serving', async () => {
    const { server, stop, markers } = await startKratix(databases, id);
    const api = () => request(server);
    const release = path.join(markers, 'release');
    const resource = (url: string) =>
      eventually(async () => {
        const res = await api().get(url);
        return configureCondition(res.body)?.status === 'True'
          ? res.body
          : undefined;
      });
    try {
      await putIamPromise(server, markers);
      const noApi = iamWith(p => {
        p.metadata.name = 'noapi';
        delete p.spec.api;
      });
      await api().put(`${base}/promises/noapi`).send(noApi).expect(201);
      // A Promise whose delete pipeline waits, to hold a Resource in deletion.
      const slow: any = scriptPromise('slow', [{ name: 'ok', script: 'true' }]);
      slow.spec.workflows.resource.delete = [
        {
          ...slow.spec.workflows.resource.configure[0],
          metadata: { name: 'wait' },
          spec: {
            containers: [
              {
                name: 'wait',
                image: 'wait:test',
                command: [
                  'sh',
                  '-c',
                  `while [ ! -f ${release} ]; do sleep 0.05; done`,
                ],
              },
            ],
          },
        },
      ];
      await api().put(`${base}/promises/slow`).send(slow).expect(201);
      const going = `${base}/promises/slow/resources/default/going`;
      await api()
        .put(going)
        .send({ spec: { n: 1 } })
        .expect(201);
      await resource(going);
      await api().delete(going).expect(202);

      await api()
        .put(`${iam}/alice`)
        .send({ spec: { user: 'admin' } })
        .expect(201);
      const before = await resource(`${iam}/alice`);

      const failures: string[] = [];
      for (const c of cases) {
        const res = await c.send(api());
        const message = res.body?.error?.message ?? '';
        if (res.status !== c.status || !c.message.test(message)) {
          failures.push(`${c.name}: ${res.status} ${message || res.text}`);
        }
      }
      expect(failures).toEqual([]);
      expect(cases.length).toBeGreaterThanOrEqual(20);

      // Nothing saved before changed; nothing bad was saved.
      const after = await api().get(`${iam}/alice`).expect(200);
      expect(after.body).toEqual(before);
      const promises = await api().get(`${base}/promises`).expect(200);
      expect(
        promises.body.items.map((p: any) => p.metadata.name).sort(),
      ).toEqual(['iam', 'noapi', 'slow']);
      const iamNow = await api().get(`${base}/promises/iam`).expect(200);
      expect(configure(iamNow.body).map((p: any) => p.metadata.name)).toEqual([
        'create-user',
        'populate-vault',
      ]);
      for (const url of [`${iam}/bob`, `${base}/healthrecords/default/h1`]) {
        expect((await api().get(url)).status).toBe(404);
      }

      // And the engine still works.
      await api()
        .put(`${iam}/dave`)
        .send({ spec: { user: 'dave' } })
        .expect(201);
      expect((await resource(`${iam}/dave`)).status.iam).toEqual({
        user: 'dave',
        password: '<vault-ref>',
      });
      fs.writeFileSync(release, '');
      await eventually(async () =>
        (await api().get(going)).status === 404 ? true : undefined,
      );
    } finally {
      fs.writeFileSync(release, '');
      await stop();
    }
  });
});
