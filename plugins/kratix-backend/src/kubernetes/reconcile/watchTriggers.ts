// What a watched change asks of reconcile mode (pure): which object to
// queue, and why. The triggers are embedded mode's: a new spec
// (generation), a delete, the manual-reconciliation label; a first sight
// of an object already reconciled waits for its reconcile interval.
import { KratixObject } from '../../engine/interfaces';
import { MANUAL_RECONCILIATION_LABEL } from '../../reconciler/triggers';
import { holdsFinalizers, withFinalizers } from './finalizers';

/** What the controller last acted on, per object. */
export interface Seen {
  generation: number;
  deleting: boolean;
  /** The resourceVersion whose manual-reconciliation label was queued. */
  manualAt?: string;
}

export interface WatchDecision {
  seen: Seen;
  /** Add this controller's finalizers first. */
  addFinalizers: boolean;
  enqueue?: { reason: string; afterInterval?: boolean };
  /** A Promise's new spec: its Resources run again too. */
  resourcesToo: boolean;
}

export function decide(
  kind: 'Promise' | 'Resource',
  object: KratixObject,
  last: Seen | undefined,
): WatchDecision {
  const { metadata } = object;
  const generation = metadata.generation ?? 1;
  const deleting = Boolean(metadata.deletionTimestamp);
  const finalizers = (metadata as { finalizers?: string[] }).finalizers;
  const manual = metadata.labels?.[MANUAL_RECONCILIATION_LABEL] === 'true';
  const seen: Seen = { generation, deleting };
  const decision: WatchDecision = {
    seen,
    addFinalizers: false,
    resourcesToo: false,
  };
  if (deleting) {
    if (!last?.deleting && holdsFinalizers(finalizers, kind)) {
      decision.enqueue = { reason: 'deleted' };
    }
    return decision;
  }
  decision.addFinalizers = withFinalizers(finalizers, kind) !== undefined;
  if (manual && last?.manualAt !== metadata.resourceVersion) {
    seen.manualAt = metadata.resourceVersion;
    decision.enqueue = { reason: 'manual' };
  } else if (manual) {
    seen.manualAt = last?.manualAt;
  }
  if (last && last.generation === generation) return decision;
  if (!last) {
    const reconciled = object.status?.observedGeneration === generation;
    decision.enqueue ??= reconciled
      ? { reason: 'interval', afterInterval: true }
      : { reason: 'created' };
    return decision;
  }
  decision.enqueue = { reason: 'spec-changed' };
  decision.resourcesToo = kind === 'Promise';
  return decision;
}
