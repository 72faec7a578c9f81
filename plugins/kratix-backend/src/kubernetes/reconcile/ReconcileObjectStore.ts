// The object store of reconcile mode: the cluster's objects, as in
// KubernetesObjectStore, plus the finalizers that make the API server wait
// for this controller. Deleting an object that is being deleted removes
// them (and a Promise's CRD first): the API server then lets it go.
import {
  CoreV1Api,
  KubernetesObjectApi,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import { ConflictError, NotFoundError } from '@backstage/errors';
import { KratixPromise } from '@kratix-backstage/plugin-kratix-common';
import { ObjectKey, StoredObject } from '../../database/ObjectStore';
import { KubernetesObjectStore, Target } from '../KubernetesObjectStore';
import { onCluster } from '../clusterErrors';
import { deletePromiseCrd } from './promiseCrd';
import { withFinalizers, withoutFinalizers } from './finalizers';
import { deleteObjectPods } from './podRetention';

const ATTEMPTS = 5;

const pick = ({ promise, name, namespace }: ObjectKey) => ({
  promise,
  name,
  namespace,
});

type WithFinalizers = {
  metadata: { finalizers?: string[]; resourceVersion?: string };
};

export class ReconcileObjectStore extends KubernetesObjectStore {
  private readonly objects = KubernetesObjectApi.makeApiClient(
    this.cluster.kubeConfig,
  );
  private readonly core = this.cluster.kubeConfig.makeApiClient(CoreV1Api);

  /**
   * From the API server, not the watch cache: the reconciler writes status
   * compare-and-swap right after reading, so it reads its own writes.
   */
  override async getObject(key: ObjectKey): Promise<StoredObject | undefined> {
    if (key.kind === 'Resource' && !this.cache.promise(key.promise)) {
      return undefined;
    }
    const current = await this.read(this.target(key), true);
    return current && this.stored(key, current);
  }

  /**
   * Adds this controller's finalizers the object lacks; false when it has
   * them all, or is gone.
   */
  async addFinalizers(key: ObjectKey): Promise<boolean> {
    return this.setFinalizers(key, list => withFinalizers(list, key.kind));
  }

  /**
   * An object being deleted (its delete workflow ran): its pipeline Pods
   * and its finalizers go, and a Promise's CRD before them. Any other
   * object is deleted.
   */
  override async deleteObject(key: ObjectKey): Promise<boolean> {
    const target = this.target(key);
    const current = await this.read(target, true);
    if (!current) return false;
    if (!current.metadata.deletionTimestamp) return super.deleteObject(key);
    await onCluster(this.cluster.name, () =>
      deleteObjectPods(
        this.core,
        key.kind === 'Promise'
          ? { promise: key.name, type: 'promise' }
          : { ...pick(key), type: 'resource' },
      ),
    );
    if (key.kind === 'Promise') {
      await onCluster(this.cluster.name, () =>
        deletePromiseCrd(this.objects, current as KratixPromise),
      );
    }
    return this.setFinalizers(key, list => {
      const left = withoutFinalizers(list, key.kind);
      return left.length === (list ?? []).length ? undefined : left;
    });
  }

  /**
   * A JSON patch of metadata.finalizers, tested against the resourceVersion
   * read: on a conflict it reads again and retries. `change` returns the
   * new list, or undefined for no change.
   */
  private async setFinalizers(
    key: ObjectKey,
    change: (current: string[] | undefined) => string[] | undefined,
  ): Promise<boolean> {
    const target = this.target(key);
    for (let attempt = 1; ; attempt++) {
      const current = (await this.read(target, true)) as
        | WithFinalizers
        | undefined;
      if (!current) return false;
      const next = change(current.metadata.finalizers);
      if (!next) return false;
      try {
        await this.patch(target, [
          {
            op: 'test',
            path: '/metadata/resourceVersion',
            value: current.metadata.resourceVersion,
          },
          { op: 'add', path: '/metadata/finalizers', value: next },
        ]);
        return true;
      } catch (e) {
        if (e instanceof NotFoundError) return false;
        // A failed test is 422 on some versions, 409 on others.
        const stale =
          e instanceof ConflictError || /test operation/i.test(String(e));
        if (!stale || attempt === ATTEMPTS) throw e;
      }
    }
  }

  private patch(target: Target, body: object[]): Promise<unknown> {
    const options = setHeaderOptions('Content-Type', PatchStrategy.JsonPatch);
    return onCluster(this.cluster.name, () =>
      target.namespace
        ? this.custom.patchNamespacedCustomObject(
            {
              ...target.where,
              namespace: target.namespace,
              name: target.name,
              body,
            },
            options,
          )
        : this.custom.patchClusterCustomObject(
            { ...target.where, name: target.name, body },
            options,
          ),
    );
  }
}
