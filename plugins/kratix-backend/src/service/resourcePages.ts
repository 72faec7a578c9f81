// Pages of a Resource list: `limit`, and an opaque `continue` token holding
// the last (namespace, name) of the page before.
import { InputError } from '@backstage/errors';
import { KratixResource } from '@kratix-backstage/plugin-kratix-common';
import { ResourceListFilter } from './KratixApi';
import { parseLabelSelector } from './labelSelector';

export function encodeContinue(position: { namespace: string; name: string }) {
  return Buffer.from(
    JSON.stringify([position.namespace, position.name]),
  ).toString('base64url');
}

export function decodeContinue(token: string): {
  namespace: string;
  name: string;
} {
  try {
    const [namespace, name] = JSON.parse(
      Buffer.from(token, 'base64url').toString('utf8'),
    );
    if (typeof namespace === 'string' && typeof name === 'string') {
      return { namespace, name };
    }
  } catch {
    // not ours
  }
  throw new InputError(
    'Invalid query parameter continue: not a token from a previous page',
  );
}

/**
 * One page of `items` (ordered by namespace and name) that match the
 * filter's label selector and namespace.
 */
export function pageOf(
  items: KratixResource[],
  filter: ResourceListFilter,
): { items: KratixResource[]; continue?: string } {
  const matches = filter.labelSelector
    ? parseLabelSelector(filter.labelSelector)
    : () => true;
  const after = filter.continue ? decodeContinue(filter.continue) : undefined;
  const position = (r: KratixResource) => [
    r.metadata.namespace ?? '',
    r.metadata.name,
  ];
  const found = items.filter(r => {
    const [namespace, name] = position(r);
    if (filter.namespace && namespace !== filter.namespace) return false;
    if (
      after &&
      (namespace < after.namespace ||
        (namespace === after.namespace && name <= after.name))
    ) {
      return false;
    }
    return matches(r.metadata.labels ?? {}) && (filter.visible?.(r) ?? true);
  });
  const { limit } = filter;
  if (limit === undefined || found.length <= limit) return { items: found };
  const page = found.slice(0, limit);
  const [namespace, name] = position(page.at(-1)!);
  return { items: page, continue: encodeContinue({ namespace, name }) };
}
