import { KratixResource } from '@kratix-backstage/plugin-kratix-common';
import { KratixApi } from './KratixApi';

/** Resources asked for per page when reading all of a Promise's. */
export const RESOURCE_PAGE_SIZE = 200;

/**
 * Every Resource of a Promise, page by page (`limit`/`continue`), so no
 * single answer grows with the number of Resources.
 */
export async function listAllResources(
  api: Pick<KratixApi, 'listResources'>,
  promise: string,
  options: { cluster?: string; pageSize?: number } = {},
): Promise<KratixResource[]> {
  const items: KratixResource[] = [];
  const seen = new Set<string>();
  let token: string | undefined;
  do {
    const page = await api.listResources(promise, {
      cluster: options.cluster,
      limit: options.pageSize ?? RESOURCE_PAGE_SIZE,
      continue: token,
    });
    items.push(...page.items);
    token = page.continue;
    if (token !== undefined) {
      if (seen.has(token)) {
        throw new Error(
          `The Resources of Promise '${promise}' did not page on: continue token '${token}' came twice`,
        );
      }
      seen.add(token);
    }
  } while (token !== undefined);
  return items;
}
