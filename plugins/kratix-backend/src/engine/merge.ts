// Merges a pipeline's status.yaml into the status (spec section 4).
import {
  KratixCondition,
  KratixStatus,
} from '@kratix-backstage/plugin-kratix-common';
import { mergeConditions } from './conditions';

export type MergeStrategy = 'deep' | 'shallow';

type Json = Record<string, unknown>;

function isMap(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * JSON Merge Patch (RFC 7386): maps merge key by key, `null` removes a key,
 * any other value replaces. Inputs are not changed; the result may share
 * untouched parts with them.
 */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isMap(patch)) return patch;
  const result: Json = isMap(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

/**
 * Applies a validated status.yaml mapping to a status. `deep` is a JSON
 * Merge Patch, `shallow` replaces top-level keys; with both, `conditions` are
 * merged by type and `null` removes a top-level key.
 */
export function mergeStatus(
  status: KratixStatus | undefined,
  patch: Json,
  strategy: MergeStrategy,
  now: Date,
): KratixStatus {
  const result: Json = { ...status };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else if (key === 'conditions') {
      result.conditions = mergeConditions(
        status?.conditions,
        value as KratixCondition[],
        now,
      );
    } else if (strategy === 'deep')
      result[key] = mergePatch(result[key], value);
    else result[key] = value;
  }
  return result as KratixStatus;
}
