import { KratixResource } from '@kratix-backstage/plugin-kratix-common';
import { KratixResourceEntry, KratixResourceFilter } from '../resourceRef';

/** A Resource of Promise `promise` in `namespace`, with annotations. */
export function entry(
  options: {
    promise?: string;
    namespace?: string;
    annotations?: Record<string, string>;
  } = {},
): KratixResourceEntry {
  const { promise = 'iam', namespace = 'default', annotations } = options;
  const resource: KratixResource = {
    apiVersion: 'example.promise.syntasso.io/v1',
    kind: 'IAM',
    metadata: { name: 'alice', namespace, annotations },
    spec: {},
  } as KratixResource;
  return { ref: { promise, namespace, name: 'alice' }, resource };
}

/** A rule's query, which is a test of one Resource. */
export const query = (criteria: unknown) => criteria as KratixResourceFilter;
