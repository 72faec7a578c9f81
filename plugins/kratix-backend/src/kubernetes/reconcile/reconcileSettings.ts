// `kratix.kubernetes.reconcile`: settings of reconcile mode's controller.
import { Config } from '@backstage/config';
import { PODS_TO_KEEP_DEFAULT } from './podRetention';

export interface ReconcileSettings {
  /** Finished pipeline Pods kept per pipeline of an object. */
  podsToKeep: number;
}

const KEY = 'kratix.kubernetes.reconcile';

/** `kratix.kubernetes.reconcile`, with the defaults; checked. */
export function readReconcileSettings(config: Config): ReconcileSettings {
  const keep =
    config.getOptionalNumber(`${KEY}.numberOfPodsToKeep`) ??
    PODS_TO_KEEP_DEFAULT;
  if (!Number.isInteger(keep) || keep < 1) {
    throw new Error(
      `${KEY}.numberOfPodsToKeep must be a whole number, at least 1, not ${keep}`,
    );
  }
  return { podsToKeep: keep };
}
