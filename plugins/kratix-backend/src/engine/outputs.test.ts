import {
  assertInsideOutput,
  parseDestinationSelectors,
  routeOutputs,
  workloadPath,
} from './outputs';
import { Destination, OutputFile } from './interfaces';

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

  it.each([
    ['a: b', 'must be a list'],
    ['[unclosed', 'is not valid YAML'],
    // Deep nesting is refused before the recursive composer sees it.
    ['['.repeat(3000), 'is nested deeper than 100 levels at line 1'],
    ['- matchLabels: {}\n---\n- matchLabels: {}', 'holds 2 YAML documents'],
    ['- matchLabels: {a: 1}', "entry 0 needs 'matchLabels', a map of strings"],
    ['- directory: ../up\n  matchLabels: {}', 'escapes /kratix/output'],
    ['- directory: /abs\n  matchLabels: {}', 'escapes /kratix/output'],
    ['- directory: a/b\n  matchLabels: {}', 'must name a top-level directory'],
  ])('refuses %j', (text, message) => {
    expect(() => parseDestinationSelectors(text)).toThrow(message);
  });
});

describe('routeOutputs', () => {
  const file = (p: string): OutputFile => ({
    path: p,
    content: Buffer.from(p),
  });
  const destinations: Destination[] = [
    { name: 'dev', labels: { env: 'dev' } },
    { name: 'prod', labels: { env: 'prod', zone: 'eu' } },
    { name: 'platform', labels: { env: 'platform' } },
  ];
  const route = (
    selectors: any[],
    promiseSelectors: any[],
    files = [file('app.yaml'), file('platform/ns.yaml')],
  ) => {
    const { byDestination, unplaced } = routeOutputs({
      files,
      selectors,
      promiseSelectors,
      destinations,
    });
    return {
      placed: Object.fromEntries(
        [...byDestination].map(([d, fs_]) => [d, fs_.map(f => f.path)]),
      ),
      unplaced,
    };
  };

  it.each([
    [
      'everything to every Destination without selectors',
      [],
      [],
      {
        dev: ['app.yaml', 'platform/ns.yaml'],
        prod: ['app.yaml', 'platform/ns.yaml'],
        platform: ['app.yaml', 'platform/ns.yaml'],
      },
      [],
    ],
    [
      'the Promise selectors for the rest',
      [],
      [{ matchLabels: { env: 'dev' } }],
      { dev: ['app.yaml', 'platform/ns.yaml'], prod: [], platform: [] },
      [],
    ],
    [
      'a listed directory to its own Destinations',
      [{ directory: 'platform', matchLabels: { env: 'platform' } }],
      [{ matchLabels: { env: 'dev' } }],
      { dev: ['app.yaml'], prod: [], platform: ['platform/ns.yaml'] },
      [],
    ],
    [
      'entries without a directory add to the Promise selectors',
      [{ matchLabels: { zone: 'eu' } }],
      [{ matchLabels: { env: 'prod' } }],
      { dev: [], prod: ['app.yaml', 'platform/ns.yaml'], platform: [] },
      [],
    ],
    [
      'files no Destination matches as unplaced',
      [{ directory: 'platform', matchLabels: { env: 'nowhere' } }],
      [{ matchLabels: { env: 'dev' } }],
      { dev: ['app.yaml'], prod: [], platform: [] },
      ['platform/ns.yaml'],
    ],
  ])('routes %s', (_name, selectors, promiseSelectors, placed, unplaced) => {
    expect(route(selectors, promiseSelectors)).toEqual({ placed, unplaced });
  });

  it('treats a top-level file named like a directory as the rest', () => {
    const result = route(
      [{ directory: 'platform', matchLabels: { env: 'platform' } }],
      [{ matchLabels: { env: 'dev' } }],
      [file('platform')],
    );
    expect(result.placed.dev).toEqual(['platform']);
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
      { type: 'resource' as const, promise: 'pg', name: 'db', pipeline: 'p' },
      'resources/default/pg/db/p',
    ],
    [
      { type: 'promise' as const, promise: 'pg', name: 'pg', pipeline: 'p' },
      'promises/pg/p',
    ],
  ])('%j → %s', (options, expected) => {
    expect(workloadPath(options)).toBe(expected);
  });
});
