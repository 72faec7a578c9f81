// Where a Promise's Resources are served on the cluster.
import { KratixPromise } from '@kratix-backstage/plugin-kratix-common';
import { PromiseApi as ParsedApi, parsePromise } from '../engine';

export interface PromiseApi extends ParsedApi {
  /** The watch and list path of its Resources in every namespace. */
  path: string;
}

/**
 * The API of a Promise on the cluster, from its `spec.api`; undefined when
 * it has none, or when it cannot be read (the error says why).
 */
export function promiseApiOf(promise: KratixPromise): PromiseApi | undefined {
  const api = parsePromise(promise).api;
  if (!api) return undefined;
  return { ...api, path: `/apis/${api.group}/${api.version}/${api.plural}` };
}
