// A Promise's `spec.dependencies`: one Work for every matching Destination,
// as upstream's static-dependency Work (spec section 7).
import { stringify } from 'yaml';
import { ParsedPromise } from './promise';
import {
  ROOT_DIRECTORY,
  WorkloadGroup,
  groupId,
  squashSelectors,
} from './workPlacement';

/**
 * The dependencies as one workload group: every document, in order, in
 * `static/<promise>-dependencies.yaml`, for the Promise's
 * `destinationSelectors`. None when the Promise has no dependencies.
 */
export function dependencyGroups(promise: ParsedPromise): WorkloadGroup[] {
  const dependencies = promise.promise.spec.dependencies;
  if (dependencies === undefined || dependencies === null) return [];
  if (!Array.isArray(dependencies)) {
    throw new Error('spec.dependencies must be a list of documents');
  }
  if (dependencies.length === 0) return [];
  return [
    {
      directory: ROOT_DIRECTORY,
      id: groupId(ROOT_DIRECTORY),
      files: [
        {
          path: `static/${promise.name}-dependencies.yaml`,
          content: Buffer.from(
            dependencies.map(d => stringify(d)).join('---\n'),
          ),
        },
      ],
      matchLabels: squashSelectors(promise.destinationSelectors),
    },
  ];
}
