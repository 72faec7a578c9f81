import { MALLORY, NEWCOMER, denyMallory } from '../__testUtils__/denyMallory';
import { checkpointStore, runAction } from '../__testUtils__/runAction';
import { TestEngine, startEngine } from '../__testUtils__/startEngine';
import { createKratixResourceRequestAction } from './resourceRequest';

jest.setTimeout(60_000);

describe('kratix:resource:request', () => {
  let kratix: TestEngine;
  let action: ReturnType<typeof createKratixResourceRequestAction>;
  const getResource = (name: string) =>
    kratix.api(`/kratix/promises/iam/resources/default/${name}`);

  beforeAll(async () => {
    kratix = await startEngine({ features: [denyMallory] });
    action = createKratixResourceRequestAction({ engine: kratix.engine });
  });
  afterAll(() => kratix.stop());

  it('creates the Resource and outputs its ref and generation', async () => {
    const { outputs, logs } = await runAction(action, {
      promise: 'iam',
      name: 'alice',
      spec: { user: 'alice' },
      labels: { team: 'a' },
      annotations: { note: 'from a template' },
    });
    expect(outputs).toEqual({
      resourceRef: 'iam/default/alice',
      generation: 1,
    });
    expect(logs).toContain('Created Resource iam/default/alice (generation 1)');

    const stored = await (await getResource('alice')).json();
    expect(stored).toMatchObject({
      kind: 'IAM',
      metadata: {
        labels: { team: 'a' },
        annotations: { note: 'from a template' },
      },
      spec: { user: 'alice' },
    });

    // Asking again is refused: the template did not say to update it.
    await expect(
      runAction(action, {
        promise: 'iam',
        name: 'alice',
        spec: { user: 'mallory' },
      }),
    ).rejects.toThrow(
      'Resource iam/default/alice exists already; pick another name, or set updateExisting: true to update it',
    );
    expect((await (await getResource('alice')).json()).spec).toEqual({
      user: 'alice',
    });

    // With updateExisting, a new spec updates it: the next generation.
    const again = await runAction(action, {
      promise: 'iam',
      name: 'alice',
      namespace: 'default',
      spec: { user: 'alice2' },
      updateExisting: true,
    });
    expect(again.outputs.generation).toBe(2);
  });

  it('records the template user as the requester, whatever the template says', async () => {
    await runAction(
      action,
      {
        promise: 'iam',
        name: 'requested-by-ada',
        spec: { user: 'ada' },
        annotations: { 'kratix.io/requested-by': 'user:default/bob' },
      },
      { user: 'user:default/ada' },
    );
    const stored = await (await getResource('requested-by-ada')).json();
    expect(stored.metadata.annotations).toEqual({
      'kratix.io/requested-by': 'user:default/ada',
    });
  });

  it("requests on the named cluster's route: the embedded engine has none", async () => {
    await expect(
      runAction(action, {
        cluster: 'prod',
        promise: 'iam',
        name: 'on-prod',
        spec: { user: 'x' },
      }),
    ).rejects.toThrow(
      /Resource prod\/iam\/default\/on-prod: No cluster 'prod': the embedded Kratix engine has no clusters .*\(HTTP 404\)$/,
    );
    expect((await getResource('on-prod')).status).toBe(404);
  });

  it('in a dry run validates the spec and creates nothing', async () => {
    const { outputs, logs } = await runAction(
      action,
      { promise: 'iam', name: 'dry', spec: { user: 'dry' } },
      { isDryRun: true },
    );
    expect(outputs).toEqual({ resourceRef: 'iam/default/dry', generation: 0 });
    expect(logs).toContain(
      'Dry run: the spec of iam/default/dry is valid; the Resource would be created',
    );
    expect((await getResource('dry')).status).toBe(404);

    await expect(
      runAction(
        action,
        { promise: 'iam', name: 'dry', spec: { name: 'no user' } },
        { isDryRun: true },
      ),
    ).rejects.toThrow(
      /^Could not request Resource iam\/default\/dry: .*user.* \(HTTP 400\)$/,
    );
    expect((await getResource('dry')).status).toBe(404);
  });

  it("uses the template user's credentials: a user without the permission is refused", async () => {
    await expect(
      runAction(
        action,
        { promise: 'iam', name: 'mallory', spec: { user: 'mallory' } },
        { user: MALLORY },
      ),
    ).rejects.toThrow(
      "Could not request Resource iam/default/mallory: Not allowed: the permission 'kratix.resource.request' is required (HTTP 403)",
    );
    expect((await getResource('mallory')).status).toBe(404);
  });

  it('updates an existing Resource only with kratix.resource.update on it, and says so', async () => {
    await runAction(action, {
      promise: 'iam',
      name: 'kept',
      spec: { user: 'kept' },
    });
    await expect(
      runAction(
        action,
        {
          promise: 'iam',
          name: 'kept',
          spec: { user: 'newcomer' },
          updateExisting: true,
        },
        { user: NEWCOMER },
      ),
    ).rejects.toThrow(
      "Could not request Resource iam/default/kept: Not allowed: the permission 'kratix.resource.update' is required (HTTP 403)",
    );
    const stored = await (await getResource('kept')).json();
    expect(stored.spec).toEqual({ user: 'kept' });
    expect(stored.metadata.generation).toBe(1);

    // A new one needs kratix.resource.request only.
    const created = await runAction(
      action,
      { promise: 'iam', name: 'newcomers', spec: { user: 'newcomer' } },
      { user: NEWCOMER },
    );
    expect(created.outputs.generation).toBe(1);
  });

  it('does not request again when the task is recovered', async () => {
    const store = checkpointStore();
    const input = { promise: 'iam', name: 'bob', spec: { user: 'bob' } };
    const first = await runAction(action, input, store);
    expect(first.outputs).toEqual({
      resourceRef: 'iam/default/bob',
      generation: 1,
    });

    // Someone changes the Resource; a recovered run must not overwrite it.
    await kratix.api('/kratix/promises/iam/resources/default/bob', {
      method: 'PUT',
      body: JSON.stringify({ spec: { user: 'bob-changed' } }),
    });
    const second = await runAction(action, input, store);
    expect(second.outputs).toEqual(first.outputs);
    expect(store.calls.fn).toBe(1);
    const stored = await (await getResource('bob')).json();
    expect(stored.spec).toEqual({ user: 'bob-changed' });
    expect(stored.metadata.generation).toBe(2);
  });
});
