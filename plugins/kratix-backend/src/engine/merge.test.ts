import { KratixStatus } from '@kratix-backstage/plugin-kratix-common';
import { mergePatch, MergeStrategy, mergeStatus } from './merge';

const now = new Date('2024-06-01T00:00:00Z');

describe('mergePatch (RFC 7386)', () => {
  // The examples of RFC 7386, appendix A.
  it.each([
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [
      ['a', 'b'],
      ['c', 'd'],
      ['c', 'd'],
    ],
    [{ a: 'b' }, ['c'], ['c']],
    [{ a: 'foo' }, null, null],
    [{ a: 'foo' }, 'bar', 'bar'],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: 'b', c: null }, { a: 'b' }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ])('%j + %j = %j', (target, patch, expected) => {
    const before = JSON.stringify(target);
    expect(mergePatch(target, patch)).toEqual(expected);
    expect(JSON.stringify(target)).toBe(before);
  });
});

describe('mergeStatus', () => {
  const status: KratixStatus = {
    message: 'old',
    iam: { user: 'admin' },
    list: [1, 2],
    conditions: [
      { type: 'A', status: 'True', lastTransitionTime: '2024-01-01T00:00:00Z' },
    ],
  };

  it.each<
    [string, MergeStrategy, Record<string, unknown>, KratixStatus, string[]]
  >([
    [
      'deep merges nested maps',
      'deep',
      { iam: { password: 'p' } },
      { iam: { user: 'admin', password: 'p' } },
      [],
    ],
    [
      'shallow replaces nested maps',
      'shallow',
      { iam: { password: 'p' } },
      { iam: { password: 'p' } },
      [],
    ],
    ['deep replaces lists', 'deep', { list: [3] }, { list: [3] }, []],
    [
      'deep removes a key set to null',
      'deep',
      { message: null },
      {},
      ['message'],
    ],
    [
      'shallow removes a key set to null',
      'shallow',
      { iam: null },
      {},
      ['iam'],
    ],
    [
      'deep removes a nested key set to null',
      'deep',
      { iam: { user: null } },
      { iam: {} },
      [],
    ],
  ])('%s', (_name, strategy, patch, changes, removed) => {
    const result = mergeStatus(status, patch, strategy, now);
    const expected: Record<string, unknown> = { ...status, ...changes };
    removed.forEach(key => delete expected[key]);
    expect(result).toStrictEqual(expected);
    expect(status.iam).toEqual({ user: 'admin' });
  });

  it.each(['deep', 'shallow'] as const)(
    'merges conditions by type with %s',
    strategy => {
      const result = mergeStatus(
        status,
        {
          conditions: [
            { type: 'B', status: 'False' },
            { type: 'A', status: 'True', reason: 'X' },
          ],
        },
        strategy,
        now,
      );
      expect(result.conditions).toEqual([
        {
          type: 'A',
          status: 'True',
          reason: 'X',
          lastTransitionTime: '2024-01-01T00:00:00Z',
        },
        {
          type: 'B',
          status: 'False',
          lastTransitionTime: '2024-06-01T00:00:00Z',
        },
      ]);
    },
  );

  it('starts from an empty status', () => {
    expect(mergeStatus(undefined, { a: { b: 1 } }, 'deep', now)).toEqual({
      a: { b: 1 },
    });
  });
});
