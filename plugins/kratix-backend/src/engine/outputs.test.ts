import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import {
  assertInsideOutput,
  collectOutputFiles,
  OutputError,
  parseDestinationSelectors,
  routeOutputs,
  workloadPath,
} from './outputs';
import { Destination, OutputFile } from './interfaces';

describe('collectOutputFiles', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kratix-outputs-'));
  });
  afterEach(() => fs.rm(dir, { recursive: true, force: true }));

  it('reads nested files with POSIX paths, sorted', async () => {
    await fs.mkdir(path.join(dir, 'b/c'), { recursive: true });
    await fs.writeFile(path.join(dir, 'b/c/d.yaml'), 'd');
    await fs.writeFile(path.join(dir, 'a.yaml'), 'a');
    const files = await collectOutputFiles(dir);
    expect(files.map(f => [f.path, f.content.toString()])).toEqual([
      ['a.yaml', 'a'],
      ['b/c/d.yaml', 'd'],
    ]);
  });

  it('refuses a symbolic link', async () => {
    await fs.symlink('/etc/passwd', path.join(dir, 'secret'));
    await expect(collectOutputFiles(dir)).rejects.toThrow(
      new OutputError(
        "the output 'secret' is a symbolic link; write regular files to /kratix/output",
      ),
    );
  });

  it('refuses outputs over the limits of bytes, entries and depth', async () => {
    await fs.mkdir(path.join(dir, 'a/b'), { recursive: true });
    await fs.writeFile(path.join(dir, 'a/b/c'), '12345');
    await fs.writeFile(path.join(dir, 'd'), '12345');
    expect(await collectOutputFiles(dir, { maxBytes: 10 })).toHaveLength(2);
    await expect(collectOutputFiles(dir, { maxBytes: 9 })).rejects.toThrow(
      /^the outputs in \/kratix\/output are more than 9 bytes in total \(kratix\.engine\.outputMaxBytes\); '(a\/b\/c|d)' goes over$/,
    );
    await expect(collectOutputFiles(dir, { maxEntries: 3 })).rejects.toThrow(
      '/kratix/output holds more than 3 files and directories, the limit',
    );
    await expect(collectOutputFiles(dir, { maxDepth: 2 })).rejects.toThrow(
      "the output 'a/b/c' is more than 2 levels deep, the limit",
    );
  });

  it('refuses a FIFO without blocking', async () => {
    execFileSync('mkfifo', [path.join(dir, 'pipe')]);
    await expect(collectOutputFiles(dir)).rejects.toThrow(
      "the output 'pipe' is not a regular file",
    );
  });
});

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
