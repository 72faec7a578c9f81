import { checkDepth, findTooDeep, MAX_DEPTH } from './depth';

/** An object `levels` deep: 1 is `{}`; lists where `list` says. */
function nest(levels: number, list = (_level: number) => false): unknown {
  let value: unknown = {};
  for (let level = levels - 1; level >= 1; level--) {
    value = list(level) ? [value] : { a: value };
  }
  return value;
}

describe('findTooDeep', () => {
  it('accepts up to the limit, counting the document as level 1', () => {
    expect(findTooDeep(nest(MAX_DEPTH))).toBeUndefined();
    expect(findTooDeep(nest(MAX_DEPTH, l => l % 2 === 0))).toBeUndefined();
    expect(findTooDeep('text')).toBeUndefined();
    expect(findTooDeep({ a: [1, 'x', null, { b: {} }] }, 4)).toBeUndefined();
  });

  it('gives the path to the first level too deep', () => {
    expect(findTooDeep({ a: [1, { b: { c: {} } }] }, 3)).toEqual(['a', 1, 'b']);
    expect(findTooDeep({ a: [1, 'x', null, { b: {} }] }, 3)).toEqual([
      'a',
      3,
      'b',
    ]);
    expect(findTooDeep(nest(MAX_DEPTH + 1))).toEqual(
      Array(MAX_DEPTH).fill('a'),
    );
    expect(findTooDeep([[[]]], 2)).toEqual([0, 0]);
  });

  it('is safe at any depth', () => {
    expect(findTooDeep(nest(200_000))).toHaveLength(MAX_DEPTH);
    expect(
      findTooDeep(JSON.parse(`${'['.repeat(100_000)}${']'.repeat(100_000)}`)),
    ).toHaveLength(MAX_DEPTH);
  });
});

describe('checkDepth', () => {
  it('names the top-level field and where it nests too deep', () => {
    expect(() =>
      checkDepth({ spec: nest(MAX_DEPTH - 1) }, 'Resource'),
    ).not.toThrow();
    expect(() => checkDepth({ spec: nest(MAX_DEPTH) }, 'Resource')).toThrow(
      /^Invalid Resource: spec: is nested deeper than 100 levels at spec\.a\.a\.a/,
    );
    expect(() =>
      checkDepth({ spec: { l: nest(MAX_DEPTH, () => true) } }, 'X'),
    ).toThrow(
      /^Invalid X: spec: is nested deeper than 100 levels at spec\.l\[0\]\[0\]/,
    );
  });

  it('shortens a long path', () => {
    const long = 'k'.repeat(1000);
    let value: unknown = {};
    for (let i = 0; i < MAX_DEPTH; i++) value = { [long]: value };
    let message = '';
    try {
      checkDepth(value, 'Resource');
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/at k{200}…$/);
  });
});
