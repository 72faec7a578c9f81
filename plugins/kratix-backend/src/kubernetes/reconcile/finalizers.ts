// The finalizers reconcile mode puts on the objects it reconciles, named as
// upstream Kratix names them: the API server keeps a deleted object until
// they go, so its delete workflow runs and its outputs are removed first.
import { ObjectKey } from '../../database/ObjectStore';

const PREFIX = 'kratix.io/';

/** Upstream's names (internal/controller: shared.go and the controllers). */
export const FINALIZERS = {
  workCleanup: `${PREFIX}work-cleanup`,
  workflowsCleanup: `${PREFIX}workflows-cleanup`,
  deleteWorkflows: `${PREFIX}delete-workflows`,
  resourceRequestCleanup: `${PREFIX}resource-request-cleanup`,
  apiCrdCleanup: `${PREFIX}api-crd-cleanup`,
} as const;

/** The finalizers an object of `kind` carries while it is reconciled. */
export function finalizersOf(kind: ObjectKey['kind']): string[] {
  const { workCleanup, workflowsCleanup, deleteWorkflows } = FINALIZERS;
  return kind === 'Resource'
    ? [workCleanup, workflowsCleanup, deleteWorkflows]
    : [
        FINALIZERS.resourceRequestCleanup,
        FINALIZERS.apiCrdCleanup,
        workflowsCleanup,
        deleteWorkflows,
      ];
}

/** `current` with the finalizers of `kind` it lacks, or undefined if none. */
export function withFinalizers(
  current: string[] | undefined,
  kind: ObjectKey['kind'],
): string[] | undefined {
  const list = current ?? [];
  const missing = finalizersOf(kind).filter(f => !list.includes(f));
  return missing.length ? [...list, ...missing] : undefined;
}

/** `current` without this controller's finalizers (others' stay). */
export function withoutFinalizers(
  current: string[] | undefined,
  kind: ObjectKey['kind'],
): string[] {
  const ours = finalizersOf(kind);
  return (current ?? []).filter(f => !ours.includes(f));
}

/** Whether the object carries any of this controller's finalizers. */
export function holdsFinalizers(
  current: string[] | undefined,
  kind: ObjectKey['kind'],
): boolean {
  return finalizersOf(kind).some(f => (current ?? []).includes(f));
}
