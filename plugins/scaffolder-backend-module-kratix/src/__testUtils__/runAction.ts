import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import {
  ActionContext,
  TemplateAction,
} from '@backstage/plugin-scaffolder-node';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { JsonObject } from '@backstage/types';

/**
 * Runs a scaffolder action as `user` (default: the mock user), collecting
 * its outputs and log lines.
 */
export async function runAction(
  action: TemplateAction<any, any, any>,
  input: JsonObject,
  options: Partial<Pick<ActionContext<any>, 'isDryRun' | 'checkpoint'>> & {
    user?: string;
  } = {},
) {
  const logger = mockServices.logger.mock();
  const outputs: Record<string, unknown> = {};
  const credentials = mockCredentials.user(options.user);
  const ctx = {
    ...createMockActionContext({ input, logger }),
    output: (name: string, value: unknown) => {
      outputs[name] = value;
    },
    getInitiatorCredentials: async () => credentials,
    ...(options.isDryRun !== undefined && { isDryRun: options.isDryRun }),
    ...(options.checkpoint && { checkpoint: options.checkpoint }),
  };
  const logs = () => logger.info.mock.calls.map(([message]) => String(message));
  try {
    await action.handler(ctx);
  } catch (error) {
    Object.assign(error as object, { logs: logs() });
    throw error;
  }
  return { outputs, logs: logs() };
}

/** A checkpoint store that survives between runs, as task recovery does. */
export function checkpointStore() {
  const saved = new Map<string, unknown>();
  const calls = { fn: 0 };
  const checkpoint: ActionContext<any>['checkpoint'] = async ({ key, fn }) => {
    if (saved.has(key)) return saved.get(key) as any;
    calls.fn++;
    const value = await fn();
    saved.set(key, value);
    return value;
  };
  return { checkpoint, calls, saved };
}
