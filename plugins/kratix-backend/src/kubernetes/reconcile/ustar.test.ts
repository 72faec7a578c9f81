// Archives made by the real `tar` (GNU here; busybox writes the same ustar).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { readTar } from './ustar';

const limits = { maxBytes: 1 << 20, maxEntries: 100 };
let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kratix-ustar-'));
});
afterEach(() => fs.rm(dir, { recursive: true, force: true }));

const tar = (...args: string[]) =>
  execFileSync('tar', ['-cf', '-', ...args], { cwd: dir });

describe('readTar', () => {
  it('reads directories and files, long names included', async () => {
    const long = `output/${'d'.repeat(90)}/${'f'.repeat(90)}.yaml`;
    await fs.mkdir(path.dirname(path.join(dir, long)), { recursive: true });
    await fs.writeFile(path.join(dir, long), 'long: true\n');
    await fs.writeFile(path.join(dir, 'output/a.yaml'), 'a: 1\n');
    const entries = readTar(tar('output'), limits);
    expect(entries.filter(e => e.type === 'file')).toEqual(
      expect.arrayContaining([
        { type: 'file', path: 'output/a.yaml', content: Buffer.from('a: 1\n') },
        { type: 'file', path: long, content: Buffer.from('long: true\n') },
      ]),
    );
    expect(entries).toContainEqual({ type: 'directory', path: 'output' });
  });

  it('refuses links', async () => {
    await fs.mkdir(path.join(dir, 'output'));
    await fs.symlink('/etc/passwd', path.join(dir, 'output/x'));
    expect(() => readTar(tar('output'), limits)).toThrow(
      "'/kratix/output/x' is a symbolic link; only regular files and directories are collected",
    );
  });

  it('refuses archives over the limits, cut short, or leading out', async () => {
    await fs.mkdir(path.join(dir, 'output'));
    await fs.writeFile(path.join(dir, 'output/big'), Buffer.alloc(2000));
    const archive = tar('output');
    expect(() => readTar(archive, { maxBytes: 1000, maxEntries: 9 })).toThrow(
      "the archive's files are more than 1000 bytes in total; 'output/big' goes over",
    );
    expect(() => readTar(archive, { maxBytes: 1e6, maxEntries: 1 })).toThrow(
      'the archive holds more than 1 entries, the limit',
    );
    expect(() => readTar(archive.subarray(0, 1024), limits)).toThrow(
      "the archive is cut short in 'output/big'",
    );
    const evil = Buffer.from(archive);
    evil.write('../evil\0', 512, 'utf8'); // the second entry's name
    expect(() => readTar(evil, limits)).toThrow(
      "the archive's entry '../evil' leads out of its folder",
    );
  });
});
