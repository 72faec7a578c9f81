import {
  assertInsideOutput,
  parseDestinationSelectors,
  workloadPath,
} from './outputs';

describe('assertInsideOutput', () => {
  it.each(['../x', 'a/../../x', '/etc/passwd', '..'])('refuses %s', p => {
    expect(() => assertInsideOutput(p)).toThrow(
      `the output path '${p}' escapes /kratix/output`,
    );
  });

  it.each(['a', 'a/b/../c', './a'])('accepts %s', p => {
    expect(() => assertInsideOutput(p)).not.toThrow();
  });
});

describe('parseDestinationSelectors', () => {
  it('reads a list of {directory?, matchLabels}', () => {
    expect(
      parseDestinationSelectors(
        '- directory: platform/\n  matchLabels: {env: platform}\n- matchLabels: {zone: eu}\n',
      ),
    ).toEqual([
      { directory: 'platform', matchLabels: { env: 'platform' } },
      { matchLabels: { zone: 'eu' } },
    ]);
    expect(parseDestinationSelectors('')).toEqual([]);
  });

  it("reads directory '.' or '' as the root, as upstream", () => {
    expect(
      parseDestinationSelectors(
        '- directory: .\n  matchLabels: {a: b}\n- directory: x\n  matchLabels: {c: d}\n',
      ),
    ).toEqual([
      { matchLabels: { a: 'b' } },
      { directory: 'x', matchLabels: { c: 'd' } },
    ]);
  });

  it.each([
    ['a: b', 'must be a list'],
    ['[unclosed', 'is not valid YAML'],
    // Deep nesting is refused before the recursive composer sees it.
    ['['.repeat(3000), 'is nested deeper than 100 levels at line 1'],
    ['- matchLabels: {}\n---\n- matchLabels: {}', 'holds 2 YAML documents'],
    ['- matchLabels: {a: 1}', "entry 0 needs 'matchLabels', a map of strings"],
    ['- directory: ../up\n  matchLabels: {a: b}', 'escapes /kratix/output'],
    ['- directory: /abs\n  matchLabels: {a: b}', 'escapes /kratix/output'],
    [
      '- directory: a/b\n  matchLabels: {a: b}',
      'must name a top-level directory',
    ],
    // As upstream: every entry selects something, once per directory.
    ['- matchLabels: {}', 'entry 0 has no matchLabels'],
    ['- directory: x', 'entry 0 has no matchLabels'],
    [
      '- matchLabels: {a: b}\n- directory: .\n  matchLabels: {c: d}',
      'entry 1 repeats the directory "."',
    ],
    [
      '- directory: x\n  matchLabels: {a: b}\n- directory: x/\n  matchLabels: {c: d}',
      'entry 1 repeats the directory "x"',
    ],
  ])('refuses %j', (text, message) => {
    expect(() => parseDestinationSelectors(text)).toThrow(message);
  });
});

describe('workloadPath', () => {
  it.each([
    [
      {
        type: 'resource' as const,
        promise: 'pg',
        name: 'db',
        namespace: 'team',
        pipeline: 'p',
      },
      'resources/team/pg/db/p',
    ],
    [
      {
        type: 'resource' as const,
        promise: 'pg',
        name: 'db',
        namespace: 'team',
        pipeline: 'p',
        groupId: '5058f1af8388633f609cadb75a75dc9d',
      },
      'resources/team/pg/db/p/5058f',
    ],
    [
      {
        type: 'promise' as const,
        promise: 'pg',
        name: 'pg',
        pipeline: '',
        groupId: '5058f1af8388633f609cadb75a75dc9d',
      },
      'dependencies/pg/5058f',
    ],
    [
      { type: 'resource' as const, promise: 'pg', name: 'db', pipeline: 'p' },
      'resources/default/pg/db/p',
    ],
    [
      { type: 'promise' as const, promise: 'pg', name: 'pg', pipeline: 'p' },
      'dependencies/pg/p',
    ],
  ])('%j → %s', (options, expected) => {
    expect(workloadPath(options)).toBe(expected);
  });
});
