// Conditions: set and merge by type, keeping lastTransitionTime stable.
import { KratixCondition } from '@kratix-backstage/plugin-kratix-common';

/** RFC 3339, UTC, whole seconds (e.g. `2024-05-01T10:00:00Z`). */
export function formatTime(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

/**
 * Sets one condition: a known type is replaced in place, a new one appended.
 * Without `lastTransitionTime` it keeps the old one when `status` did not
 * change, and gets `now` when it did.
 */
export function setCondition(
  conditions: readonly KratixCondition[] | undefined,
  condition: KratixCondition,
  now: Date,
): KratixCondition[] {
  const list = [...(conditions ?? [])];
  const index = list.findIndex(c => c.type === condition.type);
  const old = index >= 0 ? list[index] : undefined;
  const lastTransitionTime =
    condition.lastTransitionTime ??
    (old?.status === condition.status && old.lastTransitionTime
      ? old.lastTransitionTime
      : formatTime(now));
  const next = { ...condition, lastTransitionTime };
  if (index >= 0) list[index] = next;
  else list.push(next);
  return list;
}

/** Merges several conditions by type, in the order given. */
export function mergeConditions(
  conditions: readonly KratixCondition[] | undefined,
  updates: readonly KratixCondition[],
  now: Date,
): KratixCondition[] {
  return updates.reduce<KratixCondition[]>(
    (list, update) => setCondition(list, update, now),
    [...(conditions ?? [])],
  );
}
