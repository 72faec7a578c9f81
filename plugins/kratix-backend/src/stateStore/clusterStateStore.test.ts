import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { FileSystemStateStore } from './FileSystemStateStore';
import { clusterStateStore } from './clusterStateStore';

const workloadPath = 'resources/default/db/example/create/5f1c2';
const files = (text: string) => [
  { path: 'db.yaml', content: Buffer.from(text) },
];

describe('clusterStateStore', () => {
  let root: string;
  beforeEach(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'kratix-cluster-store-'));
  });
  afterEach(() => fs.rm(root, { recursive: true, force: true }));

  it("keeps two clusters' outputs of the same workload apart", async () => {
    const shared = new FileSystemStateStore({ path: root });
    const one = clusterStateStore(shared, 'one');
    const two = clusterStateStore(shared, 'two');
    await one.writeWorkload({
      destination: 'dev',
      workloadPath,
      files: files('from: one\n'),
    });
    await two.writeWorkload({
      destination: 'dev',
      workloadPath,
      files: files('from: two\n'),
    });
    const read = (cluster: string) =>
      fs.readFile(
        path.join(root, 'dev', cluster, workloadPath, 'db.yaml'),
        'utf8',
      );
    expect(await read('one')).toBe('from: one\n');
    expect(await read('two')).toBe('from: two\n');

    // Deleting cluster one's workload leaves cluster two's.
    await one.deleteWorkload({ workloadPath });
    await expect(read('one')).rejects.toThrow(/ENOENT/);
    expect(await read('two')).toBe('from: two\n');
  });
});
