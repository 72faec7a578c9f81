// A cluster's HealthRecords (upstream's `healthrecords.platform.kratix.io`)
// on its API server, as both modes read and write them: observe mode's
// REST API (ClusterKratixService) and reconcile mode's HealthRecordStore
// (reconcile/clusterHealthRecords.ts). Failures are the REST API's errors.
import { CustomObjectsApi, KubernetesObject } from '@kubernetes/client-node';
import { NotFoundError } from '@backstage/errors';
import { HealthRecord } from '@kratix-backstage/plugin-kratix-common';
import { KratixCluster } from './clusterConfig';
import { onCluster } from './clusterErrors';

export const HEALTH_RECORDS = {
  group: 'platform.kratix.io',
  version: 'v1alpha1',
  plural: 'healthrecords',
};

export class HealthRecordApi {
  private readonly custom: CustomObjectsApi;

  constructor(private readonly cluster: KratixCluster) {
    this.custom = cluster.kubeConfig.makeApiClient(CustomObjectsApi);
  }

  private call<T>(work: () => Promise<T>): Promise<T> {
    return onCluster(this.cluster.name, work);
  }

  /** The record as the API server has it now; undefined when none. */
  async read(
    namespace: string,
    name: string,
  ): Promise<KubernetesObject | undefined> {
    try {
      return await this.call(() =>
        this.custom.getNamespacedCustomObject({
          ...HEALTH_RECORDS,
          namespace,
          name,
        }),
      );
    } catch (e) {
      if (e instanceof NotFoundError) return undefined;
      throw e;
    }
  }

  /** Every record on the cluster. */
  async list(): Promise<KubernetesObject[]> {
    const list = await this.call(() =>
      this.custom.listClusterCustomObject(HEALTH_RECORDS),
    );
    return (list as { items: KubernetesObject[] }).items;
  }

  /**
   * Creates `namespace/name` from the (parsed) record, or replaces
   * `existing` at the resourceVersion it was read with (a 409 if another
   * write came first).
   */
  async write(
    namespace: string,
    name: string,
    record: HealthRecord,
    existing?: KubernetesObject,
  ): Promise<{ object: KubernetesObject; created: boolean }> {
    const body = {
      ...record,
      metadata: {
        ...record.metadata,
        name,
        namespace,
        resourceVersion: existing?.metadata?.resourceVersion,
      },
    };
    const where = { ...HEALTH_RECORDS, namespace };
    const object = await this.call(() =>
      existing
        ? this.custom.replaceNamespacedCustomObject({ ...where, name, body })
        : this.custom.createNamespacedCustomObject({ ...where, body }),
    );
    return { object: object as KubernetesObject, created: !existing };
  }

  /** Deletes the record; NotFoundError when there is none. */
  async delete(namespace: string, name: string): Promise<void> {
    await this.call(() =>
      this.custom.deleteNamespacedCustomObject({
        ...HEALTH_RECORDS,
        namespace,
        name,
      }),
    );
  }
}
