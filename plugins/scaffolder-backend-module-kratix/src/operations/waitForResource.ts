import {
  ConditionReasons,
  ConditionTypes,
  KratixResource,
  KratixStatus,
  ResourceRef,
  findCondition,
  findWorkflowCondition,
  isWorkflowConditionType,
  stringifyResourceRef,
} from '@kratix-backstage/plugin-kratix-common';
import { formatDuration } from './duration';
import { PollOptions, poll } from './poll';
import { ProgressLogger, failedPipelineMessage } from './progress';
import { EngineCaller } from './types';

export interface WaitForResourceInput extends PollOptions {
  ref: ResourceRef;
  /** Default `ConfigureWorkflowCompleted`; `PipelineCompleted` is the same. */
  condition?: string;
}

export interface WaitForResourceOutput {
  /** The Resource's `status.message`. */
  message: string;
  /** The Resource's whole `status`. */
  status: KratixStatus;
}

/**
 * Waits until `condition` is True for the Resource's current generation
 * (`status.observedGeneration >= metadata.generation`). Fails at once when
 * the configure workflow fails for the current generation.
 */
export async function waitForResource(
  caller: EngineCaller,
  input: WaitForResourceInput,
): Promise<WaitForResourceOutput> {
  const { engine, credentials } = caller;
  const conditionType =
    input.condition ?? ConditionTypes.ConfigureWorkflowCompleted;
  const resourceRef = stringifyResourceRef(input.ref);
  const progress = new ProgressLogger(caller.logger);
  let last: KratixResource | undefined;

  caller.logger.info(
    `Waiting up to ${formatDuration(
      input.timeoutMs,
    )} for ${conditionType} on ${resourceRef}`,
  );
  return poll(
    input,
    async () => {
      const resource = await engine.findResource(input.ref, { credentials });
      if (!resource) throw new Error(`Resource ${resourceRef} does not exist`);
      last = resource;
      progress.report(resource);
      const status = resource.status ?? {};
      const generation = resource.metadata.generation ?? 1;
      const condition = isWorkflowConditionType(conditionType)
        ? findWorkflowCondition(status)
        : findCondition(status, conditionType);
      if (
        condition?.status === 'True' &&
        (status.observedGeneration ?? 0) >= generation
      ) {
        caller.logger.info(`${resourceRef}: ${conditionType} is True`);
        return { message: status.message ?? '', status };
      }
      await failIfWorkflowFailed(caller, input.ref, resource);
      return undefined;
    },
    () =>
      new Error(
        `Timed out after ${formatDuration(
          input.timeoutMs,
        )} waiting for ${conditionType} on ${resourceRef}; ${describe(
          last,
          conditionType,
        )}`,
      ),
  );
}

/**
 * Throws the pipeline's failure when the configure workflow failed for the
 * Resource's current generation. A failure left from an older generation
 * does not count: the condition alone does not say which generation it is
 * for, the newest configure run does.
 */
async function failIfWorkflowFailed(
  { engine, credentials }: EngineCaller,
  ref: ResourceRef,
  resource: KratixResource,
): Promise<void> {
  const condition = findWorkflowCondition(resource.status);
  if (
    condition?.status !== 'False' ||
    condition.reason !== ConditionReasons.ConfigureWorkflowFailed
  ) {
    return;
  }
  const runs = await engine.listRuns(ref, { credentials });
  const run = runs.find(r => r.action === 'configure');
  if (!run || run.generation < (resource.metadata.generation ?? 1)) return;
  const pipeline = failedPipelineMessage(resource, run);
  throw new Error(
    `The configure workflow of ${stringifyResourceRef(ref)} failed: ${
      condition.message ?? condition.reason
    }${pipeline ? ` (${pipeline})` : ''}`,
  );
}

/** The last thing seen, for the timeout message. */
function describe(resource: KratixResource | undefined, type: string): string {
  if (!resource) return 'the Resource was never read';
  const status = resource.status;
  const condition = isWorkflowConditionType(type)
    ? findWorkflowCondition(status)
    : findCondition(status, type);
  const state = condition
    ? `${condition.type} is ${condition.status}${
        condition.message ? ` (${condition.message})` : ''
      }`
    : `${type} is not reported yet`;
  return `${state}; message: ${status?.message ?? 'none'}`;
}
