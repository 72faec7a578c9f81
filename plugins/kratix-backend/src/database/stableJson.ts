import { createHash } from 'node:crypto';

/** JSON with object keys sorted, so equal values give equal text. */
export function stableStringify(value: unknown): string {
  return JSON.stringify(value, (_key, v) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.keys(v)
            .sort()
            .map(k => [k, v[k]]),
        )
      : v,
  );
}

/** The specHash of a spec: sha256 of its stable JSON. */
export function hashSpec(spec: unknown): string {
  return createHash('sha256')
    .update(stableStringify(spec ?? {}))
    .digest('hex');
}
