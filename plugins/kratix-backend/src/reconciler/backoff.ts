// Waits before a retry: exponential backoff, capped, with optional jitter.
import { WorkflowRun } from '@kratix-backstage/plugin-kratix-common';

/** The most jitter takes off a wait: a quarter. */
const JITTER = 0.25;

/**
 * The wait after `failures` failed attempts in a row: `firstMs` after the
 * first, doubling with each further one, up to `maxMs` (never less than
 * `firstMs`). With `random` (values in [0, 1)) it is up to a quarter
 * shorter, so that objects that failed together retry apart.
 */
export function retryDelay(
  failures: number,
  options: { firstMs: number; maxMs: number; random?: () => number },
): number {
  const { firstMs, maxMs, random } = options;
  const doublings = Math.min(Math.max(0, failures - 1), 40);
  const delay = Math.min(firstMs * 2 ** doublings, Math.max(maxMs, firstMs));
  return random ? Math.round(delay * (1 - JITTER * random())) : delay;
}

/**
 * How long to wait before a failed delete workflow runs again: the
 * retryDelay of the delete runs that failed in a row. `runs` are the
 * object's runs, newest first.
 */
export function deleteRetryDelay(
  runs: Pick<WorkflowRun, 'action' | 'phase'>[],
  firstMs: number,
  maxMs: number,
): number {
  const failures = runs.findIndex(
    r => r.action !== 'delete' || r.phase !== 'Failed',
  );
  return retryDelay(failures < 0 ? runs.length : failures, { firstMs, maxMs });
}
