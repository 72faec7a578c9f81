import { KratixResource } from '@kratix-backstage/plugin-kratix-common';
import { pageOf } from './resourcePages';

const resource = (namespace: string, name: string) =>
  ({
    apiVersion: 'test.kratix.io/v1',
    kind: 'Thing',
    metadata: { namespace, name },
    spec: {},
  } as KratixResource);

/** In (namespace, name) order, as callers give them. */
const items = [
  resource('a', 'one'),
  resource('a', 'two'),
  resource('b', 'four'),
  resource('b', 'three'),
];
const names = (page: { items: KratixResource[] }) =>
  page.items.map(r => r.metadata.name);

describe('pageOf', () => {
  it('pages only the visible Resources: a full page, and the next', () => {
    const visible = (r: KratixResource) => r.metadata.name !== 'two';
    const first = pageOf(items, { limit: 2, visible });
    expect(names(first)).toEqual(['one', 'four']);
    expect(first.continue).toBeDefined();
    const next = pageOf(items, { limit: 2, visible, continue: first.continue });
    expect(names(next)).toEqual(['three']);
    expect(next.continue).toBeUndefined();
  });
});
