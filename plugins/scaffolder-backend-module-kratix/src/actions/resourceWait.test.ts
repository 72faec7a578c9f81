import { runAction } from '../__testUtils__/runAction';
import { TestEngine, startEngine } from '../__testUtils__/startEngine';
import { createKratixResourceRequestAction } from './resourceRequest';
import { createKratixResourceWaitAction } from './resourceWait';

jest.setTimeout(60_000);

describe('kratix:resource:wait', () => {
  let kratix: TestEngine;
  let request: ReturnType<typeof createKratixResourceRequestAction>;
  let wait: ReturnType<typeof createKratixResourceWaitAction>;
  const requestUser = async (name: string, user: string) =>
    (
      await runAction(request, {
        promise: 'iam',
        name,
        spec: { user },
        // These tests request the same Resource again with a new spec.
        updateExisting: true,
      })
    ).outputs.resourceRef as string;

  beforeAll(async () => {
    kratix = await startEngine();
    request = createKratixResourceRequestAction({ engine: kratix.engine });
    wait = createKratixResourceWaitAction({
      engine: kratix.engine,
      pollIntervalMs: 100,
    });
  });
  afterAll(() => kratix.stop());

  it('succeeds when the configure workflow completed, logging each pipeline', async () => {
    const resourceRef = await requestUser('alice', 'alice');
    const { outputs, logs } = await runAction(wait, { resourceRef });

    expect(outputs.message).toBe('User alice created');
    expect(outputs.status).toMatchObject({
      iam: { user: 'alice' },
      observedGeneration: 1,
      conditions: expect.arrayContaining([
        expect.objectContaining({
          type: 'ConfigureWorkflowCompleted',
          status: 'True',
        }),
      ]),
    });
    expect(logs).toEqual(
      expect.arrayContaining([
        'Pipeline create-user Succeeded',
        'Pipeline populate-vault Succeeded',
        'iam/default/alice: ConfigureWorkflowCompleted is True',
      ]),
    );
  });

  it('accepts the legacy condition name PipelineCompleted', async () => {
    const resourceRef = await requestUser('legacy', 'legacy');
    const { outputs } = await runAction(wait, {
      resourceRef,
      condition: 'PipelineCompleted',
      timeout: 30,
    });
    expect(outputs.message).toBe('User legacy created');
  });

  it('fails at once with the pipeline failure when the workflow fails', async () => {
    const resourceRef = await requestUser('broken', 'fail-broken');
    const started = Date.now();
    await expect(
      runAction(wait, { resourceRef, timeout: '50s' }),
    ).rejects.toThrow(
      'The configure workflow of iam/default/broken failed: A Configure Pipeline has failed: create-user (create-user: Container create-user exited with code 7)',
    );
    expect(Date.now() - started).toBeLessThan(20_000);

    // That failure was for generation 1: after a fix, waiting succeeds.
    await requestUser('broken', 'fixed');
    const { outputs } = await runAction(wait, { resourceRef });
    expect(outputs.message).toBe('User fixed created');
    expect(outputs.status).toMatchObject({ observedGeneration: 2 });
  });

  it('fails with a clear message on timeout', async () => {
    const resourceRef = await requestUser('sleepy', 'slow-sleepy');
    try {
      await expect(
        runAction(wait, { resourceRef, timeout: '1s' }),
      ).rejects.toThrow(
        /^Timed out after 1s waiting for ConfigureWorkflowCompleted on iam\/default\/sleepy; ConfigureWorkflowCompleted is (False \(Pipelines are still in progress\)|not reported yet); message: Pending$/,
      );
    } finally {
      // A new spec stops the sleeping pipeline.
      await requestUser('sleepy', 'awake');
    }
  });

  it('rejects a bad timeout and a Resource that does not exist', async () => {
    await expect(
      runAction(wait, { resourceRef: 'iam/default/alice', timeout: 'soon' }),
    ).rejects.toThrow(
      "Invalid timeout 'soon': expected a positive number of seconds or a duration such as 30s, 5m or 1h",
    );
    await expect(
      runAction(wait, { resourceRef: 'iam/default/nobody' }),
    ).rejects.toThrow('Resource iam/default/nobody does not exist');
    await expect(runAction(wait, { resourceRef: 'iam' })).rejects.toThrow(
      "Invalid Kratix resource ref 'iam'",
    );
  });
});
