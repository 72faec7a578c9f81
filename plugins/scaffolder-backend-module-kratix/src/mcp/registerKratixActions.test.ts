import { mockCredentials } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { MALLORY, denyMallory } from '../__testUtils__/denyMallory';
import { TestEngine, startEngine } from '../__testUtils__/startEngine';
import kratixModules from '../index';

jest.setTimeout(60_000);

const component = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'grace-service',
    namespace: 'default',
    annotations: { 'kratix.io/resource-ref': 'iam/default/grace' },
  },
  spec: { type: 'service', lifecycle: 'production', owner: 'guests' },
};

describe('the actions registry (MCP) actions', () => {
  let kratix: TestEngine;
  const actionsPath = '/kratix/.backstage/actions/v1/actions';

  async function invoke(name: string, input: object, user?: string) {
    const response = await kratix.api(`${actionsPath}/kratix:${name}/invoke`, {
      method: 'POST',
      body: JSON.stringify(input),
      headers: { Authorization: mockCredentials.user.header(user) },
    });
    const body = await response.json();
    return { status: response.status, body };
  }

  beforeAll(async () => {
    kratix = await startEngine({
      features: [
        kratixModules,
        denyMallory,
        catalogServiceMock.factory({ entities: [component] }),
      ],
    });
  });
  afterAll(() => kratix.stop());

  it('lists the actions with their attributes', async () => {
    const { actions } = await (await kratix.api(actionsPath)).json();
    expect(
      Object.fromEntries(actions.map((a: any) => [a.id, a.attributes])),
    ).toEqual({
      'kratix:request-resource': {
        readOnly: false,
        destructive: true,
        idempotent: true,
      },
      'kratix:wait-for-resource': {
        readOnly: true,
        destructive: false,
        idempotent: true,
      },
      'kratix:delete-resource': {
        readOnly: false,
        destructive: true,
        idempotent: true,
      },
      'kratix:get-entity-resources-status': {
        readOnly: true,
        destructive: false,
        idempotent: true,
      },
    });
  });

  it('requests, waits for, reports and deletes a Resource as the caller', async () => {
    expect(
      await invoke('request-resource', {
        promise: 'iam',
        name: 'grace',
        spec: { user: 'grace' },
      }),
    ).toEqual({
      status: 200,
      body: {
        output: {
          resourceRef: 'iam/default/grace',
          generation: 1,
          created: true,
        },
      },
    });

    const waited = await invoke('wait-for-resource', {
      resourceRef: 'iam/default/grace',
      timeout: '30s',
    });
    expect(waited.body.output.message).toBe('User grace created');

    const report = await invoke('get-entity-resources-status', {
      entityRef: 'component:default/grace-service',
    });
    expect(report.body.output).toMatchObject({
      entityRef: 'component:default/grace-service',
      resources: [
        {
          resourceRef: 'iam/default/grace',
          found: true,
          message: 'User grace created',
          generation: 1,
          observedGeneration: 1,
          conditions: expect.arrayContaining([
            expect.objectContaining({
              type: 'ConfigureWorkflowCompleted',
              status: 'True',
            }),
          ]),
        },
      ],
    });

    expect(
      await invoke('delete-resource', {
        resourceRef: 'iam/default/grace',
        wait: true,
      }),
    ).toEqual({ status: 200, body: { output: { deleted: true } } });
    const after = await invoke('get-entity-resources-status', {
      entityRef: 'component:default/grace-service',
    });
    expect(after.body.output.resources).toEqual([
      { resourceRef: 'iam/default/grace', found: false, conditions: [] },
    ]);
  });

  it("answers with the engine's refusal and errors", async () => {
    const denied = await invoke(
      'request-resource',
      { promise: 'iam', name: 'mallory', spec: { user: 'mallory' } },
      MALLORY,
    );
    expect(denied.status).toBe(403);
    expect(denied.body.error.message).toBe(
      "Could not request Resource iam/default/mallory: Not allowed: the permission 'kratix.resource.request' is required (HTTP 403)",
    );

    const missing = await invoke('get-entity-resources-status', {
      entityRef: 'component:default/nothing',
    });
    expect(missing.status).toBe(404);
    expect(missing.body.error.message).toBe(
      "Entity 'component:default/nothing' not found",
    );
  });
});
