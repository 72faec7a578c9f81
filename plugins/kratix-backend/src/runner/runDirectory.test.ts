import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { claimRunDirectory } from './runDirectory';

describe('claimRunDirectory', () => {
  let workDir: string;
  beforeEach(() => {
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kratix-rundir-'));
  });
  afterEach(() => fs.rmSync(workDir, { recursive: true, force: true }));

  it("removes the folders of backends that are gone, never a live one's", async () => {
    const runs = path.join(workDir, 'kratix-runs');
    // A process that has exited: its pid is free (or reused, with another start time).
    const gone = spawnSync('true').pid;
    const leftovers = [`${gone}.123`, `${process.pid}.1`, `${process.ppid}.1`];
    for (const owner of leftovers) {
      fs.mkdirSync(path.join(runs, owner, 'p-1', 'output'), {
        recursive: true,
      });
    }
    // A live process, with its real start time: another replica.
    const live = fs
      .readFileSync(`/proc/${process.ppid}/stat`, 'utf8')
      .split(') ')[1]
      .split(' ')[19];
    fs.mkdirSync(path.join(runs, `${process.ppid}.${live}`));
    fs.mkdirSync(path.join(runs, 'not-ours'));

    const own = await claimRunDirectory(workDir);

    expect(path.dirname(own)).toBe(runs);
    expect(fs.readdirSync(runs).sort()).toEqual(
      [path.basename(own), `${process.ppid}.${live}`, 'not-ours'].sort(),
    );
    expect(path.basename(own)).toMatch(new RegExp(`^${process.pid}\\.\\d+$`));
    expect(fs.statSync(own).mode & 0o777).toBe(0o711);
    // Claiming again keeps it.
    expect(await claimRunDirectory(workDir)).toBe(own);
  });

  it('refuses a kratix-runs that is not a folder of its own', async () => {
    fs.symlinkSync(workDir, path.join(workDir, 'kratix-runs'));
    await expect(claimRunDirectory(workDir)).rejects.toThrow(
      /kratix-runs is not a folder of the backend's user/,
    );
  });
});
