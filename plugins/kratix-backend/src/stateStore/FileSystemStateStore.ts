// A State Store on the local filesystem: one folder per Destination, laid
// out by its `filepath.mode` as upstream's writers (spec section 7).
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import {
  Destination,
  FilepathMode,
  OutputFile,
  StateStore,
} from '../engine/interfaces';
import {
  DEFAULT_AGGREGATED_FILENAME,
  filepathMode,
} from '../engine/destinations';

/** Options of the store; config `kratix.stateStore.path`. */
export interface FileSystemStateStoreOptions {
  /** Root folder; each destination is `<path>/<destination>/`. */
  path: string;
  /** For their `filepath`; others are `nestedByMetadata`. */
  destinations?: Destination[];
}

/** Where new files are assembled before the rename (same filesystem). */
const TMP_DIR = '.kratix-tmp';
/** The workloads of `aggregatedYAML` Destinations, to rebuild their file. */
const AGGREGATED_DIR = '.kratix-aggregated';
/** In a `none` Destination, as upstream: per workload, the files it wrote. */
const STATE_DIR = '.kratix';

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
  if (segments.length !== 1 || destination.startsWith('.kratix')) {
    throw new Error(
      `State store: refusing destination "${destination}": it must be a single folder name not starting with .kratix`,
    );
  }
  return segments[0];
}

type StoreFile = { segments: string[]; content: Buffer };

export class FileSystemStateStore implements StateStore {
  private readonly root: string;
  private readonly destinations: Map<string, Destination>;
  /** Serialises changes to one workload folder, or one Destination. */
  private readonly locks = new Map<string, Promise<void>>();

  constructor(options: FileSystemStateStoreOptions) {
    if (!options.path) {
      throw new Error('State store: kratix.stateStore.path is not set');
    }
    this.root = path.resolve(options.path);
    this.destinations = new Map(
      (options.destinations ?? []).map(d => [d.name, d]),
    );
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
    const mode = this.modeOf(destination);
    try {
      if (mode === 'nestedByMetadata') {
        const target = path.join(this.root, destination, ...workload);
        await this.locked(target, () => this.replaceFolder(target, files));
      } else {
        await this.locked(this.folderOf(destination), () =>
          mode === 'none'
            ? this.writeFlat(destination, workload, files)
            : this.writeAggregated(destination, workload, files),
        );
      }
    } catch (e) {
      throw new Error(
        `State store: could not write ${destination}/${options.workloadPath}: ${
          (e as Error).message
        }`,
      );
    }
  }

  async deleteWorkload(options: {
    workloadPath: string;
    destination?: string;
  }): Promise<void> {
    const workload = assertInside('workloadPath', options.workloadPath);
    const destinations =
      options.destination !== undefined
        ? [assertDestination(options.destination)]
        : await this.listDestinations();
    for (const destination of destinations) {
      const mode = this.modeOf(destination);
      const destinationDir = this.folderOf(destination);
      try {
        if (mode === 'nestedByMetadata') {
          const target = path.join(destinationDir, ...workload);
          await this.locked(target, async () => {
            await this.assertNoSymlinkEscape(path.dirname(target));
            await fs.rm(target, { recursive: true, force: true });
            await pruneEmptyParents(path.dirname(target), destinationDir);
          });
        } else {
          await this.locked(destinationDir, () =>
            mode === 'none'
              ? this.deleteFlat(destination, workload)
              : this.writeAggregated(destination, workload, undefined),
          );
        }
      } catch (e) {
        throw new Error(
          `State store: refusing to delete ${destination}/${
            options.workloadPath
          }: ${(e as Error).message}`,
        );
      }
    }
  }

  private modeOf(destination: string): FilepathMode {
    return filepathMode(this.destinations.get(destination));
  }

  private folderOf(destination: string): string {
    return path.join(this.root, destination);
  }

  /** The Destination folders the store holds. */
  private async listDestinations(): Promise<string[]> {
    const entries = await fs
      .readdir(this.root, { withFileTypes: true })
      .catch((e: NodeJS.ErrnoException) => {
        if (e.code === 'ENOENT') return [];
        throw e;
      });
    return entries
      .filter(e => e.isDirectory() && !e.name.startsWith('.kratix'))
      .map(e => e.name)
      .sort();
  }

  /** Puts `files` in place of the folder `target`, in one rename. */
  private async replaceFolder(target: string, files: StoreFile[]) {
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
    } finally {
      await fs.rm(staging, { recursive: true, force: true });
      await fs.rm(retired, { recursive: true, force: true });
    }
  }

  /** Writes one file through a rename, so readers never see half of it. */
  private async writeFileAtomic(target: string, content: Buffer | string) {
    await this.assertNoSymlinkEscape(path.dirname(target));
    const tmpRoot = path.join(this.root, TMP_DIR);
    await fs.mkdir(tmpRoot, { recursive: true });
    await fs.mkdir(path.dirname(target), { recursive: true });
    const tmp = path.join(tmpRoot, `file-${randomUUID()}`);
    try {
      await fs.writeFile(tmp, content, { flag: 'wx' });
      await fs.rename(tmp, target);
    } finally {
      await fs.rm(tmp, { force: true });
    }
  }

  /** Removes a file of a Destination, and the folders it leaves empty. */
  private async removeFile(destination: string, relative: string[]) {
    const destinationDir = this.folderOf(destination);
    const target = path.join(destinationDir, ...relative);
    await this.assertNoSymlinkEscape(path.dirname(target));
    await fs.rm(target, { force: true });
    await pruneEmptyParents(path.dirname(target), destinationDir);
  }

  /** `none`: the workload's state file, as upstream's `.kratix/<id>.yaml`. */
  private stateFileOf(workload: string[]): string[] {
    const last = workload.length - 1;
    return [STATE_DIR, ...workload.slice(0, last), `${workload[last]}.yaml`];
  }

  private async readStateFile(destination: string, file: string[]) {
    const text = await fs
      .readFile(path.join(this.folderOf(destination), ...file), 'utf8')
      .catch((e: NodeJS.ErrnoException) => {
        if (e.code === 'ENOENT') return undefined;
        throw e;
      });
    const listed = text === undefined ? [] : parse(text)?.files ?? [];
    return (Array.isArray(listed) ? listed : [])
      .filter((f): f is string => typeof f === 'string')
      .map(f => assertInside('file path (state file)', f));
  }

  /**
   * `none`: the files straight into the Destination folder; the state file
   * lists them, so that the next write or a delete removes the old ones.
   */
  private async writeFlat(
    destination: string,
    workload: string[],
    files: StoreFile[],
  ) {
    const destinationDir = this.folderOf(destination);
    if (files.some(f => f.segments[0] === STATE_DIR)) {
      throw new Error(`an output file may not be in ${STATE_DIR}/`);
    }
    const stateFile = this.stateFileOf(workload);
    const before = await this.readStateFile(destination, stateFile);
    for (const file of files) {
      await this.writeFileAtomic(
        path.join(destinationDir, ...file.segments),
        file.content,
      );
    }
    const now = new Set(files.map(f => f.segments.join('/')));
    for (const old of before) {
      if (!now.has(old.join('/'))) await this.removeFile(destination, old);
    }
    if (files.length === 0) {
      await this.removeFile(destination, stateFile);
    } else {
      await this.writeFileAtomic(
        path.join(destinationDir, ...stateFile),
        stringify({ files: [...now] }),
      );
    }
  }

  /** `none`: removes what the workload, or those under it, wrote. */
  private async deleteFlat(destination: string, workload: string[]) {
    const stateDir = path.join(this.folderOf(destination), STATE_DIR);
    const under = path.join(stateDir, ...workload);
    const stateFiles = [this.stateFileOf(workload)];
    const nested = await fs
      .readdir(under, { recursive: true, withFileTypes: true })
      .catch(() => []);
    for (const entry of nested) {
      if (entry.isFile() && entry.name.endsWith('.yaml')) {
        const full = path.join(entry.parentPath, entry.name);
        stateFiles.push([
          STATE_DIR,
          ...path.relative(stateDir, full).split(path.sep),
        ]);
      }
    }
    for (const stateFile of stateFiles) {
      for (const file of await this.readStateFile(destination, stateFile)) {
        await this.removeFile(destination, file);
      }
      await this.removeFile(destination, stateFile);
    }
  }

  /**
   * `aggregatedYAML`: keeps the workload aside (`files` undefined: removes
   * it, with those under it), then rebuilds the Destination's one file from
   * every workload kept, in path order, documents joined by `---`, as
   * upstream. No workloads, no file.
   */
  private async writeAggregated(
    destination: string,
    workload: string[],
    files: StoreFile[] | undefined,
  ) {
    const aside = path.join(this.root, AGGREGATED_DIR, destination);
    const target = path.join(aside, ...workload);
    if (files) {
      await this.replaceFolder(target, files);
    } else {
      await fs.rm(target, { recursive: true, force: true });
      await pruneEmptyParents(path.dirname(target), aside);
    }
    const kept = await fs
      .readdir(aside, { recursive: true, withFileTypes: true })
      .catch(() => []);
    const paths = kept
      .filter(e => e.isFile())
      .map(e => path.join(e.parentPath, e.name))
      .sort((a, b) => {
        const [x, y] = [a, b].map(p => path.relative(aside, p));
        if (x === y) return 0;
        return x < y ? -1 : 1;
      });
    const contents = await Promise.all(paths.map(p => fs.readFile(p, 'utf8')));
    const filename =
      this.destinations.get(destination)?.filepath?.filename ??
      DEFAULT_AGGREGATED_FILENAME;
    const output = assertInside('aggregated file name', filename);
    if (contents.length === 0) {
      await this.removeFile(destination, output);
    } else {
      await this.writeFileAtomic(
        path.join(this.folderOf(destination), ...output),
        contents.join('\n---\n'),
      );
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
