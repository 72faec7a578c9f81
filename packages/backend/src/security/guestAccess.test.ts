// Issue 10, "guest to root": a guest token, which the demo hands to anyone,
// must not install a Promise (its pipelines run any command on the host).
import request from 'supertest';
import { DEMO, PRODUCTION, loadAppConfig } from './__testUtils__/appConfig';
import {
  OPERATOR,
  guestRefresh,
  startPortal,
} from './__testUtils__/startPortal';

jest.setTimeout(60_000);

// As `yarn start` runs the backend, demo or production config alike; outside
// development the guest provider refuses by itself.
const nodeEnv = process.env.NODE_ENV;
beforeAll(() => {
  process.env.NODE_ENV = 'development';
});
afterAll(() => {
  process.env.NODE_ENV = nodeEnv;
});

/** A Promise whose pipeline runs a shell command on the backend host. */
const shellPromise = `apiVersion: platform.kratix.io/v1alpha1
kind: Promise
metadata:
  name: shell
spec:
  api:
    apiVersion: apiextensions.k8s.io/v1
    kind: CustomResourceDefinition
    metadata:
      name: shells.example.kratix.io
    spec:
      group: example.kratix.io
      names: { kind: Shell, plural: shells, singular: shell }
      scope: Namespaced
      versions:
        - name: v1
          served: true
          storage: true
          schema:
            openAPIV3Schema:
              type: object
              properties:
                spec:
                  type: object
                  properties:
                    user: { type: string }
  workflows:
    resource:
      configure:
        - apiVersion: platform.kratix.io/v1alpha1
          kind: Pipeline
          metadata: { name: run }
          spec:
            containers:
              - name: run
                image: any:v1
                command: [sh, -c, 'echo any command']
`;

const promiseUrl = '/api/kratix/promises/shell';
const resourceUrl = `${promiseUrl}/resources/default/ada`;

async function guestToken(server: Parameters<typeof request>[0]) {
  const res = await guestRefresh(server);
  expect(res.status).toBe(200);
  return `Bearer ${res.body.backstageIdentity.token}`;
}

describe('the demo portal (app-config.yaml)', () => {
  it('lets a guest read and request Resources but not install or delete a Promise', async () => {
    const { server, stop } = await startPortal(await loadAppConfig(...DEMO));
    try {
      const guest = await guestToken(server);
      const install = await request(server)
        .put(promiseUrl)
        .set('Authorization', guest)
        .set('Content-Type', 'application/yaml')
        .send(shellPromise);
      expect(install.status).toBe(403);
      expect(install.body.error.message).toContain('kratix.promise.manage');
      await request(server)
        .get(promiseUrl)
        .set('Authorization', guest)
        .expect(404);

      // The operator's static token is trusted with Promises.
      await request(server)
        .put(promiseUrl)
        .set('Authorization', `Bearer ${OPERATOR.token}`)
        .set('Content-Type', 'application/yaml')
        .send(shellPromise)
        .expect(201);

      await request(server)
        .get(promiseUrl)
        .set('Authorization', guest)
        .expect(200);
      await request(server)
        .put(resourceUrl)
        .set('Authorization', guest)
        .send({ spec: { user: 'ada' } })
        .expect(201);
      await request(server)
        .get(resourceUrl)
        .set('Authorization', guest)
        .expect(200);
      await request(server)
        .post(`${resourceUrl}/reconcile`)
        .set('Authorization', guest)
        .expect(202);
      await request(server)
        .delete(promiseUrl)
        .set('Authorization', guest)
        .expect(403);
      await request(server)
        .put('/api/kratix/healthrecords/default/ada-health')
        .set('Authorization', guest)
        .send({})
        .expect(403);
      await request(server).get(promiseUrl).expect(401);
    } finally {
      await stop();
    }
  });

  it('lets a member of permission.kratix.platformTeam install a Promise', async () => {
    const { server, stop } = await startPortal(await loadAppConfig(...DEMO), {
      platformTeam: ['user:development/guest'],
    });
    try {
      const install = await request(server)
        .put(promiseUrl)
        .set('Authorization', await guestToken(server))
        .set('Content-Type', 'application/yaml')
        .send(shellPromise);
      expect(install.status).toBe(201);
    } finally {
      await stop();
    }
  });
});

describe('the production portal (app-config.yaml + app-config.production.yaml)', () => {
  it('refuses the guest sign-in', async () => {
    const { server, stop } = await startPortal(
      await loadAppConfig(...PRODUCTION),
    );
    try {
      const res = await guestRefresh(server);
      expect(res.status).toBe(404);
      expect(res.body.error.message).toBe("Unknown auth provider 'guest'");
    } finally {
      await stop();
    }
  });
});
