import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { OutputError } from '../engine/outputs';
import { collectOutputFiles } from './outputFiles';

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
