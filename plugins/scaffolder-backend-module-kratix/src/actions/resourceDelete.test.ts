import { runAction } from '../__testUtils__/runAction';
import { TestEngine, startEngine } from '../__testUtils__/startEngine';
import { createKratixResourceDeleteAction } from './resourceDelete';
import { createKratixResourceRequestAction } from './resourceRequest';
import { createKratixResourceWaitAction } from './resourceWait';

jest.setTimeout(60_000);

describe('kratix:resource:delete', () => {
  let kratix: TestEngine;
  let remove: ReturnType<typeof createKratixResourceDeleteAction>;
  const getResource = (name: string) =>
    kratix.api(`/kratix/promises/iam/resources/default/${name}`);

  /** Requests a Resource and waits until it is configured. */
  async function readyResource(name: string) {
    const options = { engine: kratix.engine, pollIntervalMs: 100 };
    const { outputs } = await runAction(
      createKratixResourceRequestAction(options),
      { promise: 'iam', name, spec: { user: name } },
    );
    await runAction(createKratixResourceWaitAction(options), {
      resourceRef: outputs.resourceRef as string,
    });
    return outputs.resourceRef as string;
  }

  beforeAll(async () => {
    kratix = await startEngine();
    remove = createKratixResourceDeleteAction({
      engine: kratix.engine,
      pollIntervalMs: 100,
    });
  });
  afterAll(() => kratix.stop());

  it('deletes the Resource and waits until it is gone', async () => {
    const resourceRef = await readyResource('carol');
    const { logs } = await runAction(remove, { resourceRef, wait: true });
    expect(logs[0]).toBe('Requested deletion of Resource iam/default/carol');
    expect(logs[logs.length - 1]).toBe('Resource iam/default/carol is deleted');
    expect((await getResource('carol')).status).toBe(404);
  });

  it('fails with the delete pipeline failure', async () => {
    const resourceRef = await readyResource('keep-dave');
    await expect(
      runAction(remove, { resourceRef, wait: true, timeout: 30 }),
    ).rejects.toThrow(
      /^The delete workflow of iam\/default\/keep-dave failed: The Delete Pipeline has failed \(delete-user: Container delete-user exited with code 3\)\. The Resource stays, and Kratix retries the delete on its own\.$/,
    );
    expect((await getResource('keep-dave')).status).toBe(200);
  });

  it('succeeds when the Resource is already gone', async () => {
    const { logs } = await runAction(remove, {
      resourceRef: 'iam/default/nobody',
      wait: true,
    });
    expect(logs).toEqual([
      'Resource iam/default/nobody does not exist; nothing to delete',
    ]);
  });
});
