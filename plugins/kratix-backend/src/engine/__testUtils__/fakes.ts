// Helpers shared by the engine's tests.
import fs from 'node:fs/promises';
import path from 'node:path';
import {
  KratixObject,
  OutputFile,
  PipelineRunRequest,
  PipelineRunResult,
  PipelineRunner,
  StateStore,
} from '../interfaces';
import { parsePromise, ParsedPromise } from '../promise';
import { RunDirs } from '../../runner/pipelineDirs';
import { runInPipelineDirs } from '../../runner/pipelineRun';

/** `<repo>/../shared`, found from this file. */
export const SHARED_DIR = path.resolve(__dirname, '../../../../../../shared');

/** What a test pipeline does: write files into its directories, or fail. */
export interface FakePipeline {
  files?: Record<string, string | Buffer>;
  fail?: boolean;
  log?: string;
  throws?: string;
  run?(request: PipelineRunRequest, dirs: RunDirs): Promise<void> | void;
}

/**
 * A PipelineRunner that only writes files; `files` keys are relative to
 * the run's root. Its folders are made under `workDir`, and its outputs
 * read back, by the process runner's own code.
 */
export function fakeRunner(
  behaviour: Record<string, FakePipeline>,
  workDir: string,
): PipelineRunner & {
  requests: PipelineRunRequest[];
  objects: string[];
} {
  const requests: PipelineRunRequest[] = [];
  const objects: string[] = [];
  return {
    requests,
    objects,
    async run(request): Promise<PipelineRunResult> {
      requests.push(request);
      return runInPipelineDirs(workDir, request, async dirs => {
        objects.push(
          await fs.readFile(path.join(dirs.input, 'object.yaml'), 'utf8'),
        );
        const b = behaviour[request.pipeline.name] ?? {};
        if (b.throws) throw new Error(b.throws);
        if (b.log) request.onLog(request.pipeline.containers[0].name, b.log);
        await b.run?.(request, dirs);
        const root = path.dirname(dirs.input);
        for (const [file, content] of Object.entries(b.files ?? {})) {
          await fs.mkdir(path.dirname(path.join(root, file)), {
            recursive: true,
          });
          await fs.writeFile(path.join(root, file), content);
        }
        return b.fail
          ? {
              succeeded: false,
              exitCode: 1,
              failedContainer: request.pipeline.containers[0].name,
            }
          : { succeeded: true, exitCode: 0 };
      });
    },
  };
}

export function memoryStateStore(): StateStore & {
  writes: Array<{
    destination: string;
    workloadPath: string;
    files: OutputFile[];
  }>;
} {
  const writes: Array<{
    destination: string;
    workloadPath: string;
    files: OutputFile[];
  }> = [];
  return {
    writes,
    async writeWorkload(options) {
      writes.push(options);
    },
    async deleteWorkload() {},
  };
}

/** A Promise with one resource workflow of the given pipelines. */
export function testPromise(
  pipelines: string[],
  options: {
    action?: 'configure' | 'delete';
    type?: 'resource' | 'promise';
    destinationSelectors?: unknown[];
  } = {},
): ParsedPromise {
  const pipelineDocs = pipelines.map(name => ({
    apiVersion: 'platform.kratix.io/v1alpha1',
    kind: 'Pipeline',
    metadata: { name },
    spec: { containers: [{ name: `${name}-c`, image: 'test' }] },
  }));
  return parsePromise({
    apiVersion: 'platform.kratix.io/v1alpha1',
    kind: 'Promise',
    metadata: { name: 'test' },
    spec: {
      api: {
        spec: {
          group: 'example.io',
          names: { kind: 'Thing', plural: 'things' },
          versions: [{ name: 'v1', served: true, storage: true }],
        },
      },
      destinationSelectors: options.destinationSelectors,
      workflows: {
        [options.type ?? 'resource']: {
          [options.action ?? 'configure']: pipelineDocs,
        },
      },
    },
  });
}

export function testResource(status?: KratixObject['status']): KratixObject {
  return {
    apiVersion: 'example.io/v1',
    kind: 'Thing',
    metadata: { name: 'my-thing', namespace: 'team-a', generation: 2 },
    spec: { size: 1 },
    ...(status !== undefined && { status }),
  };
}

/** A `save` that records every saved object (deep copies). */
export function recordingSave(): {
  saved: KratixObject[];
  save(object: KratixObject): Promise<KratixObject>;
} {
  const saved: KratixObject[] = [];
  return {
    saved,
    async save(object) {
      const copy = structuredClone(object);
      saved.push(copy);
      return structuredClone(copy);
    },
  };
}
