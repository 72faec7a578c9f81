// A State Store on the local filesystem: one folder per Destination.
import fs from 'node:fs/promises';
import path from 'node:path';
import { OutputFile, StateStore } from '../engine/interfaces';

/** Options of the store; config `kratix.stateStore.path`. */
export interface FileSystemStateStoreOptions {
  /** Root folder; each destination is `<path>/<destination>/`. */
  path: string;
}

/** Where new workloads are assembled before the rename (same filesystem). */
const TMP_DIR = '.kratix-tmp';

/**
 * Checks that `p` is a relative POSIX path that stays where it is put:
 * not empty, not absolute, no `..` or `.` segments, no NUL or backslash.
 */
function assertInside(kind: string, p: string): string[] {
  let why: string | undefined;
  if (!p) why = 'it is empty';
  else if (p.startsWith('/')) why = 'it is absolute';
  else if (p.includes('\0') || p.includes('\\')) {
    why = 'it holds a NUL or backslash';
  }
  if (why) {
    throw new Error(`State store: refusing ${kind} "${p}": ${why}`);
  }
  const segments = p.split('/').filter(s => s !== '');
  if (segments.some(s => s === '..' || s === '.') || segments.length === 0) {
    throw new Error(
      `State store: refusing ${kind} "${p}": it would escape the store ('.' or '..' segments)`,
    );
  }
  return segments;
}

function assertDestination(destination: string): string {
  const segments = assertInside('destination', destination);
  if (segments.length !== 1 || destination === TMP_DIR) {
    throw new Error(
      `State store: refusing destination "${destination}": it must be a single folder name other than ${TMP_DIR}`,
    );
  }
  return segments[0];
}

export class FileSystemStateStore implements StateStore {
  private readonly root: string;
  /** Serialises changes to one workload folder. */
  private readonly locks = new Map<string, Promise<void>>();

  constructor(options: FileSystemStateStoreOptions) {
    if (!options.path) {
      throw new Error('State store: kratix.stateStore.path is not set');
    }
    this.root = path.resolve(options.path);
  }

  async writeWorkload(options: {
    destination: string;
    workloadPath: string;
    files: OutputFile[];
  }): Promise<void> {
    const destination = assertDestination(options.destination);
    const workload = assertInside('workloadPath', options.workloadPath);
    const files = options.files.map(f => ({
      segments: assertInside(
        `file path (workload ${options.workloadPath})`,
        f.path,
      ),
      content: f.content,
    }));
    const target = path.join(this.root, destination, ...workload);

    await this.locked(target, async () => {
      const tmpRoot = path.join(this.root, TMP_DIR);
      await fs.mkdir(tmpRoot, { recursive: true });
      const staging = await fs.mkdtemp(path.join(tmpRoot, 'write-'));
      const retired = `${staging}.old`;
      try {
        for (const file of files) {
          const filePath = path.join(staging, ...file.segments);
          await fs.mkdir(path.dirname(filePath), { recursive: true });
          await fs.writeFile(filePath, file.content, { flag: 'wx' });
        }
        await this.assertNoSymlinkEscape(path.dirname(target));
        await fs.mkdir(path.dirname(target), { recursive: true });
        // Swap: move the old folder aside, put the new one in place.
        const hadOld = await fs.rename(target, retired).then(
          () => true,
          (e: NodeJS.ErrnoException) => {
            if (e.code === 'ENOENT') return false;
            throw e;
          },
        );
        try {
          await fs.rename(staging, target);
        } catch (e) {
          if (hadOld) await fs.rename(retired, target).catch(() => {});
          throw e;
        }
      } catch (e) {
        throw new Error(
          `State store: could not write ${destination}/${
            options.workloadPath
          }: ${(e as Error).message}`,
        );
      } finally {
        await fs.rm(staging, { recursive: true, force: true });
        await fs.rm(retired, { recursive: true, force: true });
      }
    });
  }

  async deleteWorkload(options: { workloadPath: string }): Promise<void> {
    const workload = assertInside('workloadPath', options.workloadPath);
    const entries = await fs
      .readdir(this.root, { withFileTypes: true })
      .catch((e: NodeJS.ErrnoException) => {
        if (e.code === 'ENOENT') return [];
        throw e;
      });
    for (const entry of entries) {
      if (!entry.isDirectory() || entry.name === TMP_DIR) continue;
      const destinationDir = path.join(this.root, entry.name);
      const target = path.join(destinationDir, ...workload);
      await this.locked(target, async () => {
        try {
          await this.assertNoSymlinkEscape(path.dirname(target));
        } catch (e) {
          throw new Error(
            `State store: refusing to delete ${entry.name}/${
              options.workloadPath
            }: ${(e as Error).message}`,
          );
        }
        await fs.rm(target, { recursive: true, force: true });
        await pruneEmptyParents(path.dirname(target), destinationDir);
      });
    }
  }

  /** A symlinked folder inside the store must not lead out of it. */
  private async assertNoSymlinkEscape(dir: string): Promise<void> {
    let existing = dir; // its deepest existing ancestor
    let real: string | undefined;
    while (real === undefined) {
      try {
        real = await fs.realpath(existing);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
        if (existing === this.root) return; // nothing exists yet
        existing = path.dirname(existing);
      }
    }
    const realRoot = await fs.realpath(this.root);
    if (real !== realRoot && !real.startsWith(`${realRoot}${path.sep}`)) {
      throw new Error(`${dir} leads out of the store (to ${real})`);
    }
  }

  private async locked(key: string, fn: () => Promise<void>): Promise<void> {
    const previous = this.locks.get(key) ?? Promise.resolve();
    const current = previous.catch(() => {}).then(fn);
    const tail = current.catch(() => {});
    this.locks.set(key, tail);
    try {
      await current;
    } finally {
      if (this.locks.get(key) === tail) this.locks.delete(key);
    }
  }
}

/** Removes empty folders from `dir` up to, not including, `stop`. */
async function pruneEmptyParents(dir: string, stop: string): Promise<void> {
  let current = dir;
  while (current.startsWith(`${stop}${path.sep}`)) {
    try {
      await fs.rmdir(current);
    } catch {
      return; // not empty, or gone
    }
    current = path.dirname(current);
  }
}
