import { WorkflowRun } from '@kratix-backstage/plugin-kratix-common';

/**
 * How long to wait before a failed delete workflow runs again: `firstMs`
 * after the first failure, doubling with each delete run that failed in a
 * row since, up to `maxMs`. `runs` are the object's runs, newest first.
 */
export function deleteRetryDelay(
  runs: Pick<WorkflowRun, 'action' | 'phase'>[],
  firstMs: number,
  maxMs: number,
): number {
  let failures = runs.findIndex(
    r => r.action !== 'delete' || r.phase !== 'Failed',
  );
  if (failures < 0) failures = runs.length;
  const delay = firstMs * 2 ** Math.max(0, failures - 1);
  return Math.min(delay, Math.max(maxMs, firstMs));
}
