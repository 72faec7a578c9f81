import { InputError } from '@backstage/errors';
import {
  DEFAULT_NAMESPACE,
  ResourceRef,
  stringifyResourceRef,
} from '@kratix-backstage/plugin-kratix-common';
import { ResourceRequest } from '../client/KratixEngineClient';
import { EngineCaller } from './types';

export interface RequestResourceInput extends ResourceRequest {
  /** Kubernetes mode with several clusters: the one to request on. */
  cluster?: string;
  promise: string;
  name: string;
  namespace?: string;
  /** Validate the spec against the Promise's schema only; create nothing. */
  dryRun?: boolean;
  /** Update the Resource if it exists; by default that is refused. */
  updateExisting?: boolean;
}

export interface RequestResourceOutput {
  /** `<promise>/<namespace>/<name>`, the `kratix.io/resource-ref` value. */
  resourceRef: string;
  /** The Resource's `metadata.generation`; 0 in a dry run. */
  generation: number;
  created: boolean;
}

/** Creates or updates a Resource of a Promise, as the caller. */
export async function requestResource(
  caller: EngineCaller,
  input: RequestResourceInput,
): Promise<RequestResourceOutput> {
  const ref: ResourceRef = {
    ...(input.cluster && { cluster: input.cluster }),
    promise: input.promise,
    namespace: input.namespace ?? DEFAULT_NAMESPACE,
    name: input.name,
  };
  const resourceRef = stringifyResourceRef(ref);
  const { resource, created } = await caller.engine
    .applyResource(ref, input, {
      credentials: caller.credentials,
      dryRun: input.dryRun,
      createOnly: !input.updateExisting,
    })
    .catch(error => {
      if (!input.updateExisting && error?.statusCode === 409) {
        throw new InputError(
          `Resource ${resourceRef} exists already; pick another name, or set updateExisting: true to update it`,
        );
      }
      throw error;
    });
  if (input.dryRun) {
    caller.logger.info(
      `Dry run: the spec of ${resourceRef} is valid; the Resource would be ${
        created ? 'created' : 'updated'
      }`,
    );
    return { resourceRef, generation: 0, created };
  }
  const generation = resource.metadata.generation ?? 1;
  caller.logger.info(
    `${
      created ? 'Created' : 'Updated'
    } Resource ${resourceRef} (generation ${generation})`,
  );
  return { resourceRef, generation, created };
}
