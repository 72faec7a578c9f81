import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseDestinations } from '../engine/destinations';
import { FileSystemStateStore } from './FileSystemStateStore';

const file = (p: string, text: string) => ({
  path: p,
  content: Buffer.from(text),
});

async function listFiles(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, {
    recursive: true,
    withFileTypes: true,
  });
  return entries
    .filter(e => e.isFile())
    .map(e => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

describe('FileSystemStateStore', () => {
  let root: string;
  let store: FileSystemStateStore;
  const workloadPath = 'resources/default/db/example/create';

  beforeEach(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'kratix-store-test-'));
    store = new FileSystemStateStore({ path: root });
  });
  afterEach(() => fs.rm(root, { recursive: true, force: true }));

  it('writes the files under <path>/<destination>/<workloadPath>', async () => {
    await store.writeWorkload({
      destination: 'dev',
      workloadPath,
      files: [
        file('db.yaml', 'kind: Db\n'),
        file('nested/cm.yaml', 'kind: Cm\n'),
      ],
    });
    const dir = path.join(root, 'dev', workloadPath);
    expect(await listFiles(dir)).toEqual(['db.yaml', 'nested/cm.yaml']);
    expect(await fs.readFile(path.join(dir, 'nested/cm.yaml'), 'utf8')).toBe(
      'kind: Cm\n',
    );
    // no staging leftovers
    expect(await fs.readdir(path.join(root, '.kratix-tmp'))).toEqual([]);
  });

  it('replaces what the workload wrote before, leaving others alone', async () => {
    const other = 'resources/default/db/other/create';
    await store.writeWorkload({
      destination: 'dev',
      workloadPath: other,
      files: [file('o.yaml', 'o')],
    });
    await store.writeWorkload({
      destination: 'dev',
      workloadPath,
      files: [file('old.yaml', 'old')],
    });
    await store.writeWorkload({
      destination: 'dev',
      workloadPath,
      files: [file('new.yaml', 'new')],
    });
    expect(await listFiles(path.join(root, 'dev', workloadPath))).toEqual([
      'new.yaml',
    ]);
    expect(await listFiles(path.join(root, 'dev', other))).toEqual(['o.yaml']);
  });

  it('serialises concurrent writes of one workload', async () => {
    await Promise.all(
      ['a', 'b', 'c'].map(n =>
        store.writeWorkload({
          destination: 'dev',
          workloadPath,
          files: [file(`${n}.yaml`, n)],
        }),
      ),
    );
    expect(await listFiles(path.join(root, 'dev', workloadPath))).toEqual([
      'c.yaml',
    ]);
  });

  it('deletes the workload from every destination and prunes empty folders', async () => {
    const other = 'resources/default/db/other/create';
    for (const destination of ['dev', 'prod']) {
      await store.writeWorkload({
        destination,
        workloadPath,
        files: [file('x.yaml', 'x')],
      });
    }
    await store.writeWorkload({
      destination: 'dev',
      workloadPath: other,
      files: [file('o.yaml', 'o')],
    });
    await store.deleteWorkload({ workloadPath });
    await expect(fs.stat(path.join(root, 'dev', workloadPath))).rejects.toThrow(
      /ENOENT/,
    );
    await expect(fs.stat(path.join(root, 'prod', 'resources'))).rejects.toThrow(
      /ENOENT/,
    );
    expect(await listFiles(path.join(root, 'dev'))).toEqual([
      `${other}/o.yaml`,
    ]);
    // deleting again, or from an empty store, is fine
    await store.deleteWorkload({ workloadPath });
    await new FileSystemStateStore({
      path: path.join(root, 'missing'),
    }).deleteWorkload({ workloadPath });
  });

  it.each([
    [
      'destination',
      '../evil',
      workloadPath,
      'a.yaml',
      /refusing destination "\.\.\/evil"/,
    ],
    [
      'destination',
      '/etc',
      workloadPath,
      'a.yaml',
      /refusing destination "\/etc": it is absolute/,
    ],
    ['destination', 'a/b', workloadPath, 'a.yaml', /single folder name/],
    [
      'destination',
      '.kratix-tmp',
      workloadPath,
      'a.yaml',
      /single folder name/,
    ],
    [
      'destination',
      '.kratix-aggregated',
      workloadPath,
      'a.yaml',
      /not starting with \.kratix/,
    ],
    [
      'workloadPath',
      'dev',
      'resources/../../x',
      'a.yaml',
      /refusing workloadPath ".*": it would escape/,
    ],
    [
      'workloadPath',
      'dev',
      '/abs',
      'a.yaml',
      /refusing workloadPath "\/abs": it is absolute/,
    ],
    [
      'workloadPath',
      'dev',
      '',
      'a.yaml',
      /refusing workloadPath "": it is empty/,
    ],
    [
      'file path',
      'dev',
      workloadPath,
      '../../../../../../x.yaml',
      /refusing file path .*it would escape/,
    ],
    [
      'file path',
      'dev',
      workloadPath,
      '/etc/passwd',
      /refusing file path .*it is absolute/,
    ],
    ['file path', 'dev', workloadPath, 'a/./b', /it would escape/],
  ])(
    'refuses a %s that escapes the store',
    async (_kind, destination, wp, fp, error) => {
      await expect(
        store.writeWorkload({
          destination,
          workloadPath: wp,
          files: [file(fp, 'x')],
        }),
      ).rejects.toThrow(error);
      expect(await fs.readdir(root)).toEqual([]);
    },
  );

  it('refuses to delete an escaping workloadPath', async () => {
    await expect(
      store.deleteWorkload({ workloadPath: '../x' }),
    ).rejects.toThrow(/refusing workloadPath "\.\.\/x"/);
  });

  it('refuses to follow a symlinked destination out of the store', async () => {
    const outside = await fs.mkdtemp(path.join(os.tmpdir(), 'kratix-outside-'));
    try {
      await fs.mkdir(path.join(root, 'dev'));
      await fs.symlink(outside, path.join(root, 'dev', 'resources'));
      await expect(
        store.writeWorkload({
          destination: 'dev',
          workloadPath,
          files: [file('a.yaml', 'a')],
        }),
      ).rejects.toThrow(/leads out of the store/);
      expect(await fs.readdir(outside)).toEqual([]); // nothing created there
      const victim = path.join(outside, 'default/db/example/create');
      await fs.mkdir(victim, { recursive: true });
      await expect(store.deleteWorkload({ workloadPath })).rejects.toThrow(
        /refusing to delete dev\/.*leads out of the store/,
      );
      expect((await fs.stat(victim)).isDirectory()).toBe(true);
    } finally {
      await fs.rm(outside, { recursive: true, force: true });
    }
  });

  describe("filepath.mode 'none'", () => {
    const flat = () =>
      new FileSystemStateStore({
        path: root,
        destinations: parseDestinations([
          { name: 'flat', filepath: { mode: 'none' } },
        ]),
      });
    const state = (wp: string) =>
      path.join(root, 'flat', '.kratix', `${wp}.yaml`);

    it('writes the files straight into the Destination, listing them in .kratix', async () => {
      const s = flat();
      await s.writeWorkload({
        destination: 'flat',
        workloadPath,
        files: [file('db.yaml', 'db'), file('nested/cm.yaml', 'cm')],
      });
      expect(await listFiles(path.join(root, 'flat'))).toEqual([
        `.kratix/${workloadPath}.yaml`,
        'db.yaml',
        'nested/cm.yaml',
      ]);
      expect(await fs.readFile(state(workloadPath), 'utf8')).toBe(
        'files:\n  - db.yaml\n  - nested/cm.yaml\n',
      );

      // The next write removes what it no longer writes; others stay.
      await s.writeWorkload({
        destination: 'flat',
        workloadPath: 'resources/default/db/other/create',
        files: [file('other.yaml', 'o')],
      });
      await s.writeWorkload({
        destination: 'flat',
        workloadPath,
        files: [file('db.yaml', 'db2')],
      });
      expect(await listFiles(path.join(root, 'flat'))).toEqual([
        `.kratix/${workloadPath}.yaml`,
        '.kratix/resources/default/db/other/create.yaml',
        'db.yaml',
        'other.yaml',
      ]);

      // Deleting a prefix removes the files of every workload under it.
      await s.deleteWorkload({ workloadPath: 'resources/default/db' });
      expect(await fs.readdir(path.join(root, 'flat'))).toEqual([]);
    });

    it('refuses an output file in .kratix/', async () => {
      await expect(
        flat().writeWorkload({
          destination: 'flat',
          workloadPath,
          files: [file('.kratix/x.yaml', 'x')],
        }),
      ).rejects.toThrow('an output file may not be in .kratix/');
    });
  });

  describe("filepath.mode 'aggregatedYAML'", () => {
    const aggregated = (filename?: string) =>
      new FileSystemStateStore({
        path: root,
        destinations: parseDestinations([
          { name: 'one', filepath: { mode: 'aggregatedYAML', filename } },
        ]),
      });

    it('writes every workload of the Destination into one file, in path order', async () => {
      const s = aggregated();
      await s.writeWorkload({
        destination: 'one',
        workloadPath: 'resources/default/db/b/p/5058f',
        files: [file('x.yaml', 'b: 1\n'), file('y.yaml', 'b: 2\n')],
      });
      await s.writeWorkload({
        destination: 'one',
        workloadPath: 'dependencies/db/5058f',
        files: [file('static/db-dependencies.yaml', 'dep: 1\n')],
      });
      expect(await listFiles(path.join(root, 'one'))).toEqual([
        'aggregated.yaml',
      ]);
      expect(
        await fs.readFile(path.join(root, 'one/aggregated.yaml'), 'utf8'),
      ).toBe('dep: 1\n\n---\nb: 1\n\n---\nb: 2\n');

      await s.deleteWorkload({ workloadPath: 'resources/default/db/b' });
      expect(
        await fs.readFile(path.join(root, 'one/aggregated.yaml'), 'utf8'),
      ).toBe('dep: 1\n');
      await s.deleteWorkload({ workloadPath: 'dependencies/db' });
      expect(await fs.readdir(path.join(root, 'one'))).toEqual([]);
    });

    it('uses filepath.filename', async () => {
      await aggregated('all/platform.yaml').writeWorkload({
        destination: 'one',
        workloadPath,
        files: [file('a.yaml', 'a: 1\n')],
      });
      expect(await listFiles(path.join(root, 'one'))).toEqual([
        'all/platform.yaml',
      ]);
    });
  });

  it('deletes from one destination only when named', async () => {
    for (const destination of ['dev', 'prod']) {
      await store.writeWorkload({
        destination,
        workloadPath,
        files: [file('x.yaml', 'x')],
      });
    }
    await store.deleteWorkload({ workloadPath, destination: 'dev' });
    expect(await listFiles(root)).toEqual([`prod/${workloadPath}/x.yaml`]);
  });
});
