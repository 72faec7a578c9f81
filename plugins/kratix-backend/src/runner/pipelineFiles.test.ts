import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { PipelineFileError, readRegularFile } from './pipelineFiles';

describe('readRegularFile', () => {
  let root: string;
  let dir: string;
  const read = (name: string, maxBytes = 1024, from = dir) =>
    readRegularFile(from, name, { maxBytes, what: `the file '${name}'` });

  beforeEach(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'kratix-files-'));
    dir = path.join(root, 'metadata');
    await fs.mkdir(dir);
  });
  afterEach(() => fs.rm(root, { recursive: true, force: true }));

  it('reads a regular file, up to the limit; nothing when absent', async () => {
    await fs.writeFile(path.join(dir, 'a.yaml'), 'ten bytes!');
    expect((await read('a.yaml', 10))?.toString()).toBe('ten bytes!');
    expect(await read('absent.yaml')).toBeUndefined();
  });

  it('refuses a FIFO at once, without waiting for a writer', async () => {
    execFileSync('mkfifo', [path.join(dir, 'status.yaml')]);
    await expect(read('status.yaml')).rejects.toThrow(
      new PipelineFileError(
        'not-regular',
        "the file 'status.yaml' is a FIFO (named pipe), not a regular file",
      ),
    );
  });

  it.each([
    ['a host file', '/etc/passwd'],
    ['/dev/zero', '/dev/zero'],
  ])('refuses a symbolic link to %s', async (_, target) => {
    await fs.symlink(target, path.join(dir, 'status.yaml'));
    await expect(read('status.yaml')).rejects.toThrow(
      "the file 'status.yaml' is a symbolic link, not a regular file",
    );
  });

  it('refuses a device and a directory', async () => {
    await expect(read('null', 1024, '/dev')).rejects.toThrow(
      "the file 'null' is a character device, not a regular file",
    );
    await fs.mkdir(path.join(dir, 'sub'));
    await expect(read('sub')).rejects.toThrow(
      "the file 'sub' is a directory, not a regular file",
    );
  });

  it('refuses a path through a linked directory', async () => {
    const elsewhere = path.join(root, 'elsewhere');
    await fs.mkdir(elsewhere);
    await fs.writeFile(path.join(elsewhere, 'secret'), 'secret');
    await fs.symlink(elsewhere, path.join(dir, 'sub'));
    await expect(read('sub/secret')).rejects.toThrow(
      "the file 'sub/secret' is reached through a symbolic link or was moved while read",
    );
    const linkedDir = path.join(root, 'linked');
    await fs.symlink(elsewhere, linkedDir);
    await expect(read('secret', 1024, linkedDir)).rejects.toThrow(
      'is reached through a symbolic link',
    );
  });

  it('refuses a file over the limit, and a huge sparse one without reading it', async () => {
    await fs.writeFile(path.join(dir, 'big.yaml'), 'eleven byte');
    await expect(read('big.yaml', 10)).rejects.toThrow(
      new PipelineFileError(
        'too-large',
        "the file 'big.yaml' is 11 bytes, more than the limit of 10 bytes",
      ),
    );
    execFileSync('truncate', ['-s', '1500M', path.join(dir, 'sparse.yaml')]);
    const before = process.memoryUsage().rss;
    await expect(read('sparse.yaml')).rejects.toThrow(
      "the file 'sparse.yaml' is 1572864000 bytes, more than the limit of 1024 bytes",
    );
    expect(process.memoryUsage().rss - before).toBeLessThan(50 * 1024 * 1024);
  });

  it('stops reading at the limit when the size the file gives is wrong', async () => {
    // Files of /proc say they are 0 bytes long, as a growing file might.
    await expect(read('status', 10, `/proc/${process.pid}`)).rejects.toThrow(
      "the file 'status' is more than the limit of 10 bytes",
    );
  });
});
