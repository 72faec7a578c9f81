import { parseDestinations } from './destinations';
import { OutputFile, WorkPlacement } from './interfaces';
import {
  chooseDestination,
  groupId,
  placeGroup,
  squashSelectors,
  workloadGroups,
} from './workPlacement';

const file = (p: string): OutputFile => ({ path: p, content: Buffer.from(p) });
const ROOT = groupId('.');

describe('groupId', () => {
  it("is upstream's md5 of the directory", () => {
    expect(ROOT).toBe('5058f1af8388633f609cadb75a75dc9d');
  });
});

describe('squashSelectors', () => {
  it('lets the first entry win, as upstream', () => {
    expect(
      squashSelectors([
        { matchLabels: { env: 'dev' } },
        { matchLabels: { env: 'prod', zone: 'eu' } },
      ]),
    ).toEqual({ env: 'dev', zone: 'eu' });
  });
});

describe('workloadGroups', () => {
  const files = [file('app.yaml'), file('platform/ns.yaml'), file('platform')];

  it('puts a listed directory in a group of its own, without the Promise selectors', () => {
    const groups = workloadGroups({
      files,
      selectors: [
        { directory: 'platform', matchLabels: { env: 'platform' } },
        { matchLabels: { env: 'workflow', team: 'a' } },
      ],
      promiseSelectors: [{ matchLabels: { env: 'promise' } }],
    });
    expect(
      groups.map(g => [
        g.directory,
        g.id,
        g.files.map(f => f.path),
        g.matchLabels,
      ]),
    ).toEqual([
      [
        'platform',
        groupId('platform'),
        ['platform/ns.yaml'],
        { env: 'platform' },
      ],
      // The Promise's selectors take precedence over the workflow's.
      ['.', ROOT, ['app.yaml', 'platform'], { env: 'promise', team: 'a' }],
    ]);
  });

  it('leaves out groups without files', () => {
    const groups = workloadGroups({
      files: [file('platform/ns.yaml')],
      selectors: [
        { directory: 'platform', matchLabels: { env: 'platform' } },
        { directory: 'missing', matchLabels: { env: 'x' } },
      ],
      promiseSelectors: [],
    });
    expect(groups.map(g => g.directory)).toEqual(['platform']);
  });
});

describe('chooseDestination', () => {
  const destinations = parseDestinations(
    ['a', 'b', 'c', 'd'].map(name => ({ name })),
  );

  it('is stable for a key, whatever the order', () => {
    const one = chooseDestination(destinations, 'default/pg/db1')!.name;
    expect(
      chooseDestination([...destinations].reverse(), 'default/pg/db1')!.name,
    ).toBe(one);
  });

  it('spreads keys over the Destinations', () => {
    const chosen = new Set(
      Array.from(
        { length: 40 },
        (_, i) => chooseDestination(destinations, `default/pg/db${i}`)!.name,
      ),
    );
    expect(chosen.size).toBe(4);
  });

  it('chooses nothing from nothing', () => {
    expect(chooseDestination([], 'x')).toBeUndefined();
  });
});

describe('placeGroup', () => {
  const destinations = parseDestinations([
    { name: 'dev-1', labels: { env: 'dev' } },
    { name: 'dev-2', labels: { env: 'dev' } },
    { name: 'prod', labels: { env: 'prod' } },
  ]);
  const group = {
    directory: '.',
    id: ROOT,
    files: [file('a.yaml')],
    matchLabels: { env: 'dev' },
  };
  const place = (
    type: 'resource' | 'promise',
    previous: WorkPlacement[] = [],
    options: Partial<Parameters<typeof placeGroup>[0]> = {},
  ) =>
    placeGroup({
      type,
      group,
      pipeline: 'p',
      destinations,
      previous,
      key: 'default/pg/db',
      ...options,
    });
  const at = (destination: string, pipeline = 'p', id = ROOT) => ({
    pipeline,
    groupId: id,
    destination,
  });

  it("sends a Promise's Work to every matching Destination", () => {
    expect(place('promise')).toEqual({
      targets: ['dev-1', 'dev-2'],
      misplaced: [],
    });
  });

  it("keeps a Promise's Work where it was, though it no longer matches", () => {
    expect(place('promise', [at('prod')])).toEqual({
      targets: ['dev-1', 'dev-2', 'prod'],
      misplaced: ['prod'],
    });
  });

  it("sends a Resource's Work to one chosen Destination", () => {
    const { targets } = place('resource');
    expect(targets).toEqual([
      chooseDestination(destinations.slice(0, 2), 'default/pg/db')!.name,
    ]);
  });

  it("keeps a Resource's Work where it was, even when more Destinations match", () => {
    for (const d of ['dev-1', 'dev-2', 'prod']) {
      expect(place('resource', [at(d)]).targets).toEqual([d]);
    }
    expect(place('resource', [at('prod')]).misplaced).toEqual(['prod']);
  });

  it('chooses again when the Destination is no longer configured', () => {
    const { targets } = place('resource', [at('gone')]);
    expect(targets).toHaveLength(1);
    expect(['dev-1', 'dev-2']).toContain(targets[0]);
  });

  it("puts a new pipeline's Work where the Resource already is", () => {
    for (const d of ['dev-1', 'dev-2']) {
      expect(place('resource', [at(d, 'other')]).targets).toEqual([d]);
    }
  });

  it('places nothing when nothing matches', () => {
    expect(
      place('resource', [], { group: { ...group, matchLabels: { env: 'x' } } }),
    ).toEqual({ targets: [], misplaced: [] });
  });
});
