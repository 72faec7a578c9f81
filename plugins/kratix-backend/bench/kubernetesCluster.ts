// The cluster's side of the Kubernetes mode bench: a Promise's API, its
// Resources as upstream Kratix leaves them, and a client-node client that
// keeps its connection.
import {
  ApiextensionsV1Api,
  CustomObjectsApi,
  KubeConfig,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import { KubeTestCluster } from '../src/kubernetes/__testUtils__/kubeTestCluster';
import {
  promiseFixture,
  retry,
} from '../src/kubernetes/__testUtils__/promiseFixture';

export const NAMESPACE = 'default';
export const THING = promiseFixture({
  name: 'thing',
  group: 'test.kratix.io',
  kind: 'Thing',
  plural: 'things',
});
export const thing = (name: string, i: number) => ({
  apiVersion: `${THING.group}/${THING.version}`,
  kind: THING.kind,
  metadata: { name, labels: { team: `team-${i % 20}` } },
  spec: { size: i % 10 },
});

/** A status as upstream Kratix writes it after a configure workflow. */
function kratixStatus(message: string) {
  const at = new Date().toISOString().replace(/\.\d+/, '');
  const condition = (type: string, reason: string) => ({
    type,
    status: 'True',
    reason,
    message,
    lastTransitionTime: at,
  });
  return {
    message,
    observedGeneration: 1,
    conditions: [
      condition('ConfigureWorkflowCompleted', 'PipelinesExecutedSuccessfully'),
      condition('WorksSucceeded', 'WorksSucceeded'),
      condition('Reconciled', 'Reconciled'),
    ],
    workflows: 1,
    workflowsSucceeded: 1,
    workflowsFailed: 0,
    lastSuccessfulConfigureWorkflowTime: at,
    healthStatus: { state: 'healthy' },
  };
}

/**
 * A CustomObjectsApi whose requests share one connection: client-node
 * 2.0.1 makes a new dispatcher, so a new TLS connection, per request.
 */
export function pooledCustomObjects(kc: KubeConfig): CustomObjectsApi {
  const pooled = Object.create(kc) as KubeConfig;
  let dispatcher: unknown;
  pooled.applySecurityAuthentication = async context => {
    await kc.applySecurityAuthentication(context);
    dispatcher ??= context.getDispatcher();
    context.setDispatcher(dispatcher as any);
  };
  return pooled.makeApiClient(CustomObjectsApi);
}

export function patchStatus(
  custom: CustomObjectsApi,
  name: string,
  message: string,
) {
  return custom.patchNamespacedCustomObjectStatus(
    {
      ...THING.where,
      namespace: NAMESPACE,
      name,
      body: { status: kratixStatus(message) },
    },
    setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
  );
}

/**
 * Creates `count` Resources, `concurrency` at a time, each with Kratix's
 * status in one request: the API's CRD gets its status subresource only
 * afterwards (without it, status is written on create).
 */
export async function fillCluster(
  cluster: KubeTestCluster,
  custom: CustomObjectsApi,
  count: number,
  concurrency: number,
) {
  const subresource = '      subresources: { status: {} }\n';
  if (!THING.crd.includes(subresource)) {
    throw new Error(`bench: the fixture's CRD has no '${subresource.trim()}'`);
  }
  await cluster.apply(THING.crd.replace(subresource, ''));
  await retry(() =>
    custom.listNamespacedCustomObject({ ...THING.where, namespace: NAMESPACE }),
  );
  let next = 0;
  const creator = async () => {
    while (next < count) {
      const i = next++;
      await custom.createNamespacedCustomObject({
        ...THING.where,
        namespace: NAMESPACE,
        body: {
          ...thing(`r${i}`, i),
          status: kratixStatus('Resource requested'),
        },
      });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, creator));
  await cluster.kubeConfig
    .makeApiClient(ApiextensionsV1Api)
    .patchCustomResourceDefinition(
      {
        name: `${THING.plural}.${THING.group}`,
        body: [
          {
            op: 'add',
            path: '/spec/versions/0/subresources',
            value: { status: {} },
          },
        ],
      },
      setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
    );
  await retry(() => patchStatus(custom, 'r0', 'Resource requested'));
}
