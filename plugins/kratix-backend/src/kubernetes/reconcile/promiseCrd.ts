// A Promise's API on the cluster: the CRD of its `spec.api`, with what
// reconcile mode needs on it, as upstream sets it: a status subresource on
// every version (status is written through it) whose schema keeps any
// field, the shared Promise label, and the message and status columns.
import {
  KubernetesObject,
  KubernetesObjectApi,
  loadYaml,
} from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { KratixPromise } from '@kratix-backstage/plugin-kratix-common';
import { promiseApiOf } from '../promiseApi';

const PROMISE_LABEL = 'kratix.io/promise-name';

type Version = {
  name: string;
  schema?: { openAPIV3Schema?: { properties?: Record<string, unknown> } };
  subresources?: Record<string, unknown>;
  additionalPrinterColumns?: unknown[];
};

/** The CRD to apply for `promise`; undefined when it has no API. */
export function promiseCrd(
  promise: KratixPromise,
): KubernetesObject | undefined {
  const api = promiseApiOf(promise);
  if (!api) return undefined;
  const given = structuredClone(
    (promise.spec as { api: Record<string, any> }).api,
  );
  const versions = (given.spec.versions as Version[]).map(v => ({
    ...v,
    subresources: { ...v.subresources, status: {} },
    additionalPrinterColumns: v.additionalPrinterColumns?.length
      ? v.additionalPrinterColumns
      : [
          { name: 'message', type: 'string', jsonPath: '.status.message' },
          {
            name: 'status',
            type: 'string',
            jsonPath: '.status.conditions[?(@.type=="Reconciled")].message',
          },
        ],
    schema: {
      ...v.schema,
      openAPIV3Schema: {
        type: 'object',
        ...v.schema?.openAPIV3Schema,
        properties: {
          ...v.schema?.openAPIV3Schema?.properties,
          status: {
            type: 'object',
            'x-kubernetes-preserve-unknown-fields': true,
          },
        },
      },
    },
  }));
  const name = `${api.plural}.${api.group}`;
  const doc = {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name,
      labels: {
        ...given.metadata?.labels,
        [PROMISE_LABEL]: promise.metadata.name,
      },
    },
    spec: { ...given.spec, versions },
  };
  // Read as YAML into client-node's model, which keeps x-kubernetes-* keys
  // (a plain object sent as it is loses them).
  return loadYaml<KubernetesObject>(stringify(doc));
}

/** Creates the Promise's CRD, or replaces it with its current version. */
export async function applyPromiseCrd(
  objects: KubernetesObjectApi,
  promise: KratixPromise,
): Promise<void> {
  const crd = promiseCrd(promise);
  if (!crd) return;
  const current = await objects
    .read({ ...crd, metadata: { name: crd.metadata!.name! } } as any)
    .catch(e => {
      if ((e as { code?: number }).code === 404) return undefined;
      throw e;
    });
  if (!current) {
    await objects.create(crd);
    return;
  }
  crd.metadata!.resourceVersion = current.metadata?.resourceVersion;
  await objects.replace(crd);
}

/** Deletes the Promise's CRD (and so its Resources); gone already is fine. */
export async function deletePromiseCrd(
  objects: KubernetesObjectApi,
  promise: KratixPromise,
): Promise<void> {
  const crd = promiseCrd(promise);
  if (!crd) return;
  await objects.delete(crd).catch(e => {
    if ((e as { code?: number }).code !== 404) throw e;
  });
}
