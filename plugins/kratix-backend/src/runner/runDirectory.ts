// Each backend keeps its pipelines' directories in a folder of its own,
// `<workDir>/kratix-runs/<pid>.<start time>`, so that one killed abruptly
// (SIGKILL, out of memory) leaves nothing behind for long: the next
// backend to start on the host removes the folders of backends that are
// gone, never those of one still running (a replica on the same host).
import { readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';

const RUNS = 'kratix-runs';

/** A process's start time (clock ticks since boot), or undefined if gone. */
function startTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which may hold spaces and ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

function isAlive(owner: string): boolean {
  const [pid, started] = owner.split('.');
  if (!/^\d+$/.test(pid)) return true; // not ours: leave it
  return started !== undefined && startTime(Number(pid)) === started;
}

/**
 * Makes this backend's folder under `workDir` and removes those of
 * backends that are gone; returns the folder.
 */
export async function claimRunDirectory(workDir: string): Promise<string> {
  const runs = path.join(workDir, RUNS);
  // Others may enter (a sandbox's user opens its run's dirs) but not list.
  await fs.mkdir(runs, { recursive: true, mode: 0o711 });
  const found = await fs.lstat(runs);
  if (!found.isDirectory() || found.uid !== process.getuid?.()) {
    throw new Error(
      `${runs} is not a folder of the backend's user: another user may ` +
        `have made it; remove it, or set kratix.engine.workDir elsewhere`,
    );
  }
  const stale = (await fs.readdir(runs)).filter(owner => !isAlive(owner));
  await Promise.all(
    stale.map(owner =>
      fs.rm(path.join(runs, owner), { recursive: true, force: true }),
    ),
  );
  const own = path.join(runs, `${process.pid}.${startTime(process.pid)}`);
  await fs.mkdir(own, { recursive: true, mode: 0o711 });
  return own;
}
