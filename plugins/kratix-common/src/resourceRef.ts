import { Entity } from '@backstage/catalog-model';

/**
 * `<promise>/<namespace>/<name>`, several separated by commas;
 * `<promise>/<name>` means namespace `default`. In Kubernetes mode with
 * several clusters, `<cluster>/<promise>/<namespace>/<name>`.
 * @public
 */
export const KRATIX_RESOURCE_REF_ANNOTATION = 'kratix.io/resource-ref';

/** @public */
export const DEFAULT_NAMESPACE = 'default';

/** @public */
export interface ResourceRef {
  /** The cluster (Kubernetes mode with several clusters). */
  cluster?: string;
  promise: string;
  namespace: string;
  name: string;
}

/**
 * Parses one `<promise>/<namespace>/<name>`, `<promise>/<name>` or
 * `<cluster>/<promise>/<namespace>/<name>`. @public
 */
export function parseResourceRef(value: string): ResourceRef {
  const parts = value.trim().split('/');
  if (
    parts.some(p => p.trim() === '') ||
    parts.length < 2 ||
    parts.length > 4
  ) {
    throw new TypeError(
      `Invalid Kratix resource ref '${value}': expected <promise>/<namespace>/<name>, <promise>/<name> or <cluster>/<promise>/<namespace>/<name>`,
    );
  }
  if (parts.length === 4) {
    const [cluster, promise, namespace, name] = parts;
    return { cluster, promise, namespace, name };
  }
  const [promise, namespace, name] =
    parts.length === 3 ? parts : [parts[0], DEFAULT_NAMESPACE, parts[1]];
  return { promise, namespace, name };
}

/** Parses a comma-separated list of refs. @public */
export function parseResourceRefs(value: string): ResourceRef[] {
  return value
    .split(',')
    .filter(v => v.trim() !== '')
    .map(parseResourceRef);
}

/**
 * Like `parseResourceRefs`, but keeps going past bad parts: the valid refs,
 * and each bad part with why it is not a ref. @public
 */
export function parseResourceRefsTolerant(value: string): {
  refs: ResourceRef[];
  invalid: Array<{ value: string; message: string }>;
} {
  const refs: ResourceRef[] = [];
  const invalid: Array<{ value: string; message: string }> = [];
  for (const part of value.split(',')) {
    const trimmed = part.trim();
    if (trimmed === '') continue;
    try {
      refs.push(parseResourceRef(trimmed));
    } catch (e) {
      invalid.push({ value: trimmed, message: (e as Error).message });
    }
  }
  return { refs, invalid };
}

/** @public */
export function stringifyResourceRef(ref: ResourceRef): string {
  const cluster = ref.cluster ? `${ref.cluster}/` : '';
  return `${cluster}${ref.promise}/${ref.namespace}/${ref.name}`;
}

/** The Resources an entity names in its annotation. @public */
export function getEntityResourceRefs(entity: Entity): ResourceRef[] {
  const value = entity.metadata.annotations?.[KRATIX_RESOURCE_REF_ANNOTATION];
  return value ? parseResourceRefs(value) : [];
}

/** True when the entity names at least one Kratix Resource. @public */
export function isKratixAvailable(entity: Entity): boolean {
  return Boolean(
    entity.metadata.annotations?.[KRATIX_RESOURCE_REF_ANNOTATION]?.trim(),
  );
}

/**
 * The Backstage signals channel that carries a Resource's status changes;
 * a ref that names its cluster has the cluster's own channel. @public
 */
export function resourceSignalChannel(ref: ResourceRef): string {
  const cluster = ref.cluster ? `${ref.cluster}:` : '';
  return `kratix:${cluster}${ref.promise}:${ref.namespace}:${ref.name}`;
}
