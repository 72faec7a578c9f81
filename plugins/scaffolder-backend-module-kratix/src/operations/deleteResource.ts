import {
  ConditionTypes,
  KratixResource,
  ResourceRef,
  WorkflowRun,
  findCondition,
  stringifyResourceRef,
} from '@kratix-backstage/plugin-kratix-common';
import { formatDuration } from './duration';
import { PollOptions, poll } from './poll';
import { ProgressLogger, failedPipelineMessage } from './progress';
import { EngineCaller } from './types';

/** What was asked of the engine; saved so a recovered task does not ask again. */
export interface DeleteRequested {
  /** False when the Resource was already gone. */
  requested: boolean;
  /** The newest delete run before ours: a failure of that one is not ours. */
  previousDeleteRunId: string | null;
}

/** Asks the engine to delete a Resource; a Resource already gone is fine. */
export async function requestDeletion(
  caller: EngineCaller,
  ref: ResourceRef,
): Promise<DeleteRequested> {
  const { engine, credentials, logger } = caller;
  const resourceRef = stringifyResourceRef(ref);
  const existing = await engine.findResource(ref, { credentials });
  const previous = existing ? await latestDeleteRun(caller, ref) : undefined;
  const requested =
    existing !== undefined &&
    (await engine.deleteResource(ref, { credentials }));
  logger.info(
    requested
      ? `Requested deletion of Resource ${resourceRef}`
      : `Resource ${resourceRef} does not exist; nothing to delete`,
  );
  return { requested, previousDeleteRunId: previous?.id ?? null };
}

/**
 * Waits until the Resource is gone (404). Fails at once, with the pipeline's
 * message, when a delete workflow started after our request fails.
 */
export async function waitForDeletion(
  caller: EngineCaller,
  input: PollOptions & { ref: ResourceRef; requested: DeleteRequested },
): Promise<void> {
  const { engine, credentials, logger } = caller;
  const resourceRef = stringifyResourceRef(input.ref);
  const progress = new ProgressLogger(logger);
  let last: KratixResource | undefined;
  await poll(
    input,
    async () => {
      last = await engine.findResource(input.ref, { credentials });
      if (!last) {
        logger.info(`Resource ${resourceRef} is deleted`);
        return true;
      }
      progress.report(last);
      const condition = findCondition(
        last.status,
        ConditionTypes.DeleteWorkflowCompleted,
      );
      if (condition?.status !== 'False') return undefined;
      const run = await latestDeleteRun(caller, input.ref);
      if (!run || run.id === input.requested.previousDeleteRunId) {
        return undefined;
      }
      const pipeline = failedPipelineMessage(last, run);
      throw new Error(
        `The delete workflow of ${resourceRef} failed: ${
          condition.message ?? condition.reason
        }${
          pipeline ? ` (${pipeline})` : ''
        }. The Resource stays, and Kratix retries the delete on its own.`,
      );
    },
    () =>
      new Error(
        `Timed out after ${formatDuration(
          input.timeoutMs,
        )} waiting for Resource ${resourceRef} to be deleted; message: ${
          last?.status?.message ?? 'none'
        }`,
      ),
  );
}

async function latestDeleteRun(
  { engine, credentials }: EngineCaller,
  ref: ResourceRef,
): Promise<WorkflowRun | undefined> {
  const runs = await engine.listRuns(ref, { credentials });
  return runs.find(r => r.action === 'delete');
}
