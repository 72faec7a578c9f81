// A Promise as upstream Kratix installs it: its API's CRD and the Promise
// (whose spec.api is that CRD), applied to a test cluster, and the real
// plugin started against such clusters.
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { kratixPlugin } from '../../plugin';
import { eventually } from '../../__testUtils__/startKratix';
import { KubeTestCluster } from './kubeTestCluster';

export interface PromiseFixture {
  name: string;
  group: string;
  version: string;
  kind: string;
  plural: string;
  /** For CustomObjectsApi calls on its Resources. */
  where: { group: string; version: string; plural: string };
  /** The API's CRD: namespaced, `spec.size` an integer of at most 10. */
  crd: string;
  promise: string;
}

export function promiseFixture(options: {
  name: string;
  group: string;
  kind: string;
  plural: string;
}): PromiseFixture {
  const { name, group, kind, plural } = options;
  const version = 'v1';
  const crd = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: ${plural}.${group}
spec:
  group: ${group}
  names: { kind: ${kind}, plural: ${plural}, singular: ${kind.toLowerCase()} }
  scope: Namespaced
  versions:
    - name: ${version}
      served: true
      storage: true
      subresources: { status: {} }
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              properties:
                size: { type: integer, maximum: 10 }
            status:
              type: object
              x-kubernetes-preserve-unknown-fields: true
`;
  const promise = `apiVersion: platform.kratix.io/v1alpha1
kind: Promise
metadata:
  name: ${name}
spec:
  api:
${crd
  .split('\n')
  .map(l => (l ? `    ${l}` : l))
  .join('\n')}
`;
  return {
    ...options,
    version,
    where: { group, version, plural },
    crd,
    promise,
  };
}

/** The tests' usual Promise: `thing`, of `Thing`s (`test.kratix.io/v1`). */
export const thingPromise = () =>
  promiseFixture({
    name: 'thing',
    group: 'test.kratix.io',
    kind: 'Thing',
    plural: 'things',
  });

/** Retries while the API server has not established a new CRD yet. */
export async function retry<T>(work: () => Promise<T>): Promise<T> {
  let last: unknown;
  try {
    return await eventually(
      () =>
        work().then(
          value => value ?? (true as T),
          e => {
            last = e;
            return undefined;
          },
        ),
      10_000,
    );
  } catch {
    throw new Error(`${last}: ${(last as { body?: string })?.body}`);
  }
}

/** Applies the Promise's API CRD, then the Promise, as the admin. */
export async function installPromise(
  cluster: KubeTestCluster,
  fixture: PromiseFixture,
): Promise<void> {
  await cluster.apply(fixture.crd);
  await retry(() => cluster.apply(fixture.promise));
}

/** The real plugin in Kubernetes mode, with `kratix.kubernetes.clusters`. */
export function startClusterBackend(
  clusters: object[],
  features: Parameters<typeof startTestBackend>[0]['features'] = [],
) {
  return startTestBackend({
    features: [
      kratixPlugin,
      mockServices.rootConfig.factory({
        data: { kratix: { kubernetes: { clusters } } },
      }),
      ...(features ?? []),
    ],
  });
}
