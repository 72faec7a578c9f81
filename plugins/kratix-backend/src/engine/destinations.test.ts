import { matchingDestinations, parseDestinations } from './destinations';

describe('parseDestinations', () => {
  it('fills in the defaults', () => {
    expect(
      parseDestinations([
        { name: 'dev', labels: { env: 'dev' } },
        {
          name: 'flat',
          strictMatchLabels: true,
          filepath: { mode: 'none' },
        },
        { name: 'one', filepath: { mode: 'aggregatedYAML' } },
        {
          name: 'named',
          filepath: { mode: 'aggregatedYAML', filename: 'all/in.yaml' },
        },
      ]),
    ).toEqual([
      {
        name: 'dev',
        labels: { env: 'dev' },
        filepath: { mode: 'nestedByMetadata' },
      },
      {
        name: 'flat',
        labels: {},
        strictMatchLabels: true,
        filepath: { mode: 'none' },
      },
      {
        name: 'one',
        labels: {},
        filepath: { mode: 'aggregatedYAML', filename: 'aggregated.yaml' },
      },
      {
        name: 'named',
        labels: {},
        filepath: { mode: 'aggregatedYAML', filename: 'all/in.yaml' },
      },
    ]);
  });

  it.each([
    [{ name: 'a/b' }, 'kratix.destinations[0].name: must be a folder name'],
    [{ name: '.kratix-tmp' }, 'kratix.destinations[0].name: must be a folder'],
    [{ name: 'a', labels: { x: 1 } }, 'kratix.destinations[0].labels.x'],
    [
      { name: 'a', filepath: { mode: 'flat' } },
      'kratix.destinations[0].filepath.mode',
    ],
    [{ name: 'a', path: 'x' }, 'kratix.destinations[0]: Unrecognized key'],
    [
      { name: 'a', filepath: { filename: 'x.yaml' } },
      'kratix.destinations[0].filepath.filename: only for mode aggregatedYAML',
    ],
    [
      { name: 'a', filepath: { mode: 'aggregatedYAML', filename: '../x' } },
      'kratix.destinations[0].filepath.filename: must be a relative path',
    ],
  ])('refuses %j', (entry, message) => {
    expect(() => parseDestinations([entry])).toThrow(message);
  });

  it('refuses a name used twice', () => {
    expect(() => parseDestinations([{ name: 'a' }, { name: 'a' }])).toThrow(
      "kratix.destinations[1].name: 'a' is used twice",
    );
  });
});

describe('matchingDestinations', () => {
  const destinations = parseDestinations([
    { name: 'dev', labels: { env: 'dev' } },
    { name: 'strict', labels: { env: 'dev' }, strictMatchLabels: true },
    { name: 'strict-bare', strictMatchLabels: true },
    { name: 'prod', labels: { env: 'prod', zone: 'eu' } },
  ]);
  const names = (labels: Record<string, string>) =>
    matchingDestinations(destinations, labels).map(d => d.name);

  it('selects those with every label', () => {
    expect(names({ env: 'dev' })).toEqual(['dev', 'strict']);
    expect(names({ env: 'prod', zone: 'eu' })).toEqual(['prod']);
    expect(names({ env: 'prod', zone: 'us' })).toEqual([]);
  });

  it('without labels, skips strictMatchLabels Destinations that have labels', () => {
    expect(names({})).toEqual(['dev', 'strict-bare', 'prod']);
  });
});
