// The OpenAPI document (src/schema/openapi.yaml) matches the router: the
// generated spec is the document, the router serves its routes, and real
// responses fit the documented schemas.
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { parse as parseYaml } from 'yaml';
import { mockServices } from '@backstage/backend-test-utils';
import { createTestDatabases } from '../database/__testUtils__/databases';
import { eventually, startKratix } from '../__testUtils__/startKratix';
import { iamPromiseYaml } from '../__testUtils__/iamPromise';
import { configureCondition } from '../__testUtils__/scriptPromise';
import { createRouter } from './router';
import { spec } from '../schema/openapi/generated/router';
import { kratixPermissions } from '@kratix-backstage/plugin-kratix-common';
import { KratixApi } from './KratixApi';

jest.setTimeout(60_000);

const docPath = path.resolve(__dirname, '../schema/openapi.yaml');
const doc = parseYaml(fs.readFileSync(docPath, 'utf8'));
const METHODS = ['get', 'put', 'post', 'delete', 'patch'];
const base = '/api/kratix';

/** `METHOD /path/{param}` of every documented operation. */
function documented(): string[] {
  return Object.entries(doc.paths).flatMap(([p, item]: [string, any]) =>
    METHODS.filter(m => item[m]).map(m => `${m.toUpperCase()} ${p}`),
  );
}

/**
 * The same of every route the router registers (`:param` as `{param}`): those
 * of the typed router it mounts at `/` and again under `/clusters/:cluster`
 * (the document's second server), but Backstage's own `/openapi.json`.
 */
async function registered(): Promise<string[]> {
  const router = await createRouter({
    apiFor: () => ({} as KratixApi),
    httpAuth: mockServices.httpAuth(),
    permissions: mockServices.permissions(),
    auditor: mockServices.auditor.mock(),
    resourceRules: { getRuleByName: jest.fn() },
  });
  const routesOf = (stack: any[]) =>
    stack
      .filter((layer: any) => layer.route)
      .flatMap((layer: any) =>
        Object.keys(layer.route.methods).map(
          m =>
            `${m.toUpperCase()} ${layer.route.path.replace(/:(\w+)/g, '{$1}')}`,
        ),
      );
  const mounted = router.stack.filter((layer: any) => layer.handle?.stack);
  expect(mounted).toHaveLength(2);
  const [clusters, plain] = mounted.map(layer =>
    routesOf((layer.handle as any).stack),
  );
  expect(clusters).toEqual(plain);
  expect(mounted[0].regexp.test('/clusters/prod/promises')).toBe(true);
  expect(routesOf(router.stack)).toEqual([]);
  return plain.filter(route => route !== 'GET /openapi.json');
}

/** Validates a response body against the document's schema for it. */
function responseValidator() {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  const rebase = (value: any): any =>
    JSON.parse(
      JSON.stringify(value).replace(/"#\/components\//g, '"api#/components/'),
    );
  ajv.addSchema({ $id: 'api', components: rebase(doc.components) });
  return (method: string, template: string, res: request.Response) => {
    let response = doc.paths[template][method].responses[String(res.status)];
    expect([method, template, res.status, response]).not.toContain(undefined);
    if (response.$ref) {
      response = doc.components.responses[response.$ref.split('/').pop()];
    }
    const schema = response.content?.['application/json']?.schema;
    if (!schema) return;
    const validate = ajv.compile(rebase(schema));
    expect([template, validate(res.body) ? [] : validate.errors]).toEqual([
      template,
      [],
    ]);
  };
}

describe('openapi.yaml', () => {
  it('is the spec the router is generated from (yarn openapi:generate)', () => {
    expect(spec).toEqual(doc);
  });

  it('names the permission of every operation, and the audit event of every write', () => {
    const names = kratixPermissions.map(p => p.name);
    for (const [p, item] of Object.entries(doc.paths) as [string, any][]) {
      for (const m of METHODS.filter(method => item[method])) {
        const op = item[m];
        const open = ['getHealth', 'listClusters'].includes(op.operationId);
        expect([
          op.operationId,
          names.includes(op['x-kratix-permission']),
        ]).toEqual([op.operationId, !open]);
        expect([op.operationId, typeof op['x-kratix-audit-event']]).toEqual([
          op.operationId,
          m === 'get' ? 'undefined' : 'string',
        ]);
        const said = `Permission: \`${op['x-kratix-permission']}\``;
        expect([p, m, open || op.description?.includes(said)]).toEqual([
          p,
          m,
          true,
        ]);
      }
    }
  });

  it('documents exactly the routes of the router', async () => {
    expect(doc.openapi).toMatch(/^3\.0\.\d+$/);
    expect((await registered()).sort()).toEqual(documented().sort());
  });

  it('declares every path parameter in each operation (the typed router reads them there) and resolves every $ref', () => {
    for (const [p, item] of Object.entries(doc.paths) as [string, any][]) {
      expect([p, item.parameters]).toEqual([p, undefined]);
      for (const m of METHODS.filter(method => item[method])) {
        const declared = (item[m].parameters ?? []).map((x: any) =>
          x.$ref ? doc.components.parameters[x.$ref.split('/').pop()] : x,
        );
        const names = declared.filter((x: any) => x.in === 'path');
        expect([m, p, names.map((x: any) => x.name).sort()]).toEqual([
          m,
          p,
          [...p.matchAll(/\{(\w+)\}/g)].map(match => match[1]).sort(),
        ]);
      }
    }
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/([^"]+)"/g)];
    for (const [, ref] of refs) {
      const target = ref.split('/').reduce((o: any, k) => o?.[k], doc);
      expect([ref, target !== undefined]).toEqual([ref, true]);
    }
  });
});

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())('openapi.yaml on %p', id => {
  it('describes the responses the plugin really sends', async () => {
    const { server, stop, markers } = await startKratix(databases, id);
    const check = responseValidator();
    let checked = 0;
    const resource = '/promises/iam/resources/default/alice';
    const call = async (
      method: string,
      template: string,
      url: string,
      body?: object | string,
    ) => {
      let req = (request(server) as any)[method](`${base}${url}`);
      if (typeof body === 'string') req = req.type('application/yaml');
      const res: request.Response = await req.send(body);
      check(method, template, res);
      checked++;
      return res;
    };
    const R = '/promises/{promise}/resources/{namespace}/{name}';
    const H = '/healthrecords/{namespace}/{name}';
    try {
      await call('get', '/health', '/health');
      await call('get', '/clusters', '/clusters');
      const yaml = iamPromiseYaml({ deleteMarker: path.join(markers, 'd') });
      await call('put', '/promises/{promise}', '/promises/iam', yaml);
      await call('put', '/promises/{promise}', '/promises/iam', yaml);
      await call('get', '/promises', '/promises');
      await call('get', '/promises/{promise}', '/promises/iam');
      await call('put', R, resource, { spec: {} });
      await call('put', R, `${resource}?dryRun=true`, { spec: { user: 'a' } });
      await call('put', R, resource, { spec: { user: 'a' } });
      await eventually(async () => {
        const res = await request(server).get(`${base}${resource}`);
        return configureCondition(res.body)?.status === 'True' ? 1 : undefined;
      });
      await call('get', R, resource);
      // 304 once the engine is done writing the Resource.
      const unchanged = await eventually(async () => {
        const { etag } = (await request(server).get(`${base}${resource}`))
          .headers;
        const res = await request(server)
          .get(`${base}${resource}`)
          .set('If-None-Match', etag);
        return res.status === 304 ? res : undefined;
      });
      check('get', R, unchanged);
      await call('get', R, '/promises/iam/resources/default/bob');
      await call(
        'get',
        '/promises/{promise}/resources',
        '/promises/iam/resources',
      );
      const runs = await call('get', `${R}/runs`, `${resource}/runs`);
      await call(
        'get',
        `${R}/runs/{run}/logs`,
        `${resource}/runs/${runs.body.items[0].id}/logs`,
      );
      await call('post', `${R}/reconcile`, `${resource}/reconcile`);
      const record = {
        apiVersion: 'platform.kratix.io/v1alpha1',
        kind: 'HealthRecord',
        metadata: { name: 'h' },
        data: {
          promiseRef: { name: 'iam' },
          resourceRef: { name: 'alice' },
          state: 'ready',
          lastRun: 1,
        },
      };
      await call('put', H, '/healthrecords/default/h', record);
      await call('get', H, '/healthrecords/default/h');
      await call('delete', H, '/healthrecords/default/h');
      await call('delete', R, resource);
      await call('delete', '/promises/{promise}', '/promises/iam');
      expect(checked).toBe(20);
    } finally {
      await stop();
    }
  });
});
