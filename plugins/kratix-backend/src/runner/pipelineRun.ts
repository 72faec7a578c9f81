// A pipeline run on the host: its folders made, its containers run, what
// it wrote read back safely, its folders removed whatever happens.
import fs from 'node:fs/promises';
import {
  FailedPipelineRun,
  PipelineOutputs,
  PipelineRunRequest,
  PipelineRunResult,
  RunnerUnavailableError,
} from '../engine/interfaces';
import { SELECTORS_MAX_BYTES } from '../engine/outputs';
import { WORKFLOW_CONTROL_MAX_BYTES } from '../engine/workflowControl';
import { createPipelineDirs, RunDirs } from './pipelineDirs';
import { readRegularFile } from './pipelineFiles';
import { collectOutputFiles } from './outputFiles';

/** How the containers of a run ended. */
export type ContainersResult =
  | { succeeded: true; exitCode: number }
  | FailedPipelineRun;

/** A file of /kratix/metadata, undefined when absent; throws when refused. */
function readMetadata(
  dirs: RunDirs,
  name: string,
  maxBytes: number,
): Promise<Buffer | undefined> {
  return readRegularFile(dirs.metadata, name, {
    maxBytes,
    what: `/kratix/metadata/${name}`,
  });
}

/**
 * Reads what a run's containers left, within the request's limits; throws
 * an error naming the file when one is refused.
 */
export async function readPipelineOutputs(
  dirs: RunDirs,
  request: Pick<
    PipelineRunRequest,
    'statusMaxBytes' | 'outputMaxBytes' | 'collectOutputs'
  >,
): Promise<PipelineOutputs> {
  const statusFile = await readMetadata(
    dirs,
    'status.yaml',
    request.statusMaxBytes,
  );
  const workflowControl = await readMetadata(
    dirs,
    'workflow-control.yaml',
    WORKFLOW_CONTROL_MAX_BYTES,
  );
  const metadata = { statusFile, workflowControl };
  if (!request.collectOutputs) return { ...metadata, files: [] };
  const files = await collectOutputFiles(dirs.output, {
    maxBytes: request.outputMaxBytes,
  });
  const destinationSelectors = await readMetadata(
    dirs,
    'destination-selectors.yaml',
    SELECTORS_MAX_BYTES,
  );
  return { ...metadata, destinationSelectors, files };
}

/**
 * Makes the run's folder under `workDir` (with input/object.yaml), runs
 * `runContainers` on its dirs and, when they succeed, returns what they
 * wrote; a refused file fails the run with a message saying what and
 * where. Removes the folder at the end. Throws RunnerUnavailableError when
 * the folder cannot be made.
 */
export async function runInPipelineDirs(
  workDir: string,
  request: PipelineRunRequest,
  runContainers: (dirs: RunDirs) => Promise<ContainersResult>,
): Promise<PipelineRunResult> {
  let made;
  try {
    made = await createPipelineDirs(
      workDir,
      `${request.pipeline.name}-`,
      request.objectYaml,
    );
  } catch (e) {
    throw new RunnerUnavailableError(
      `the pipeline's directories could not be made in ${workDir}: ${
        (e as Error).message
      }`,
    );
  }
  try {
    const result = await runContainers(made.dirs);
    if (!result.succeeded) return result;
    try {
      const outputs = await readPipelineOutputs(made.dirs, request);
      return { ...result, outputs };
    } catch (e) {
      const message = (e as Error).message;
      return { succeeded: false, exitCode: result.exitCode, message };
    }
  } finally {
    await fs.rm(made.root, { recursive: true, force: true });
  }
}
