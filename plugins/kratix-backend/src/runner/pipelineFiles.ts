// Reading what a pipeline wrote. A pipeline is untrusted: its files may be
// FIFOs, devices or links, huge, or swapped while the runner reads them.
import fs from 'node:fs/promises';
import { constants, Stats } from 'node:fs';
import path from 'node:path';

/** Opens without following a final link, without blocking on a FIFO. */
const OPEN_FLAGS =
  constants.O_RDONLY |
  (constants.O_NOFOLLOW ?? 0) |
  (constants.O_NONBLOCK ?? 0) |
  (constants.O_NOCTTY ?? 0);
const CHUNK_BYTES = 64 * 1024;

/** A file of a pipeline the runner refuses; the message names it. */
export class PipelineFileError extends Error {
  readonly reason: 'not-regular' | 'too-large' | 'unreadable';

  constructor(reason: PipelineFileError['reason'], message: string) {
    super(message);
    this.name = 'PipelineFileError';
    this.reason = reason;
  }
}

function kindOf(stats: Stats): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  return 'of an unknown type';
}

/**
 * Where the kernel says an open file is, on Linux; undefined elsewhere.
 * Catches a directory of the path swapped for a link (O_NOFOLLOW checks
 * the last part only).
 */
async function openedPath(fd: number): Promise<string | undefined> {
  try {
    return await fs.readlink(`/proc/self/fd/${fd}`);
  } catch {
    return undefined;
  }
}

/** Reads at most `maxBytes + 1` bytes, in chunks. */
async function readBounded(
  file: fs.FileHandle,
  maxBytes: number,
): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const want = Math.min(CHUNK_BYTES, maxBytes + 1 - total);
    const { bytesRead, buffer } = await file.read(Buffer.alloc(want), 0, want);
    if (bytesRead === 0) return Buffer.concat(chunks, total);
    chunks.push(buffer.subarray(0, bytesRead));
    total += bytesRead;
    if (total > maxBytes) return undefined;
  }
}

/**
 * Reads `relativePath` under `dir`, a folder whose parent the runner made.
 * Returns undefined when there is no such file. Throws a PipelineFileError
 * naming it (`what`) when it is not a regular file (a link, FIFO, device,
 * socket or directory), is larger than `maxBytes`, or cannot be read.
 */
export async function readRegularFile(
  dir: string,
  relativePath: string,
  options: { maxBytes: number; what: string },
): Promise<Buffer | undefined> {
  const { maxBytes, what } = options;
  const file = path.join(dir, relativePath);
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, OPEN_FLAGS);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'ENXIO') {
      // A socket, or a device without a driver.
      throw new PipelineFileError(
        'not-regular',
        `${what} is not a regular file`,
      );
    }
    if (code === 'ELOOP') {
      throw new PipelineFileError(
        'not-regular',
        `${what} is a symbolic link, not a regular file`,
      );
    }
    throw new PipelineFileError(
      'unreadable',
      `${what} cannot be read (${code ?? (e as Error).message})`,
    );
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) {
      throw new PipelineFileError(
        'not-regular',
        `${what} is ${kindOf(stats)}, not a regular file`,
      );
    }
    const real = await openedPath(handle.fd);
    const expected = path.join(
      await fs.realpath(path.dirname(dir)),
      path.basename(dir),
      relativePath,
    );
    if (real !== undefined && real !== expected) {
      throw new PipelineFileError(
        'not-regular',
        `${what} is reached through a symbolic link or was moved while read`,
      );
    }
    if (stats.size > maxBytes) {
      throw new PipelineFileError(
        'too-large',
        `${what} is ${stats.size} bytes, more than the limit of ${maxBytes} bytes`,
      );
    }
    const content = await readBounded(handle, maxBytes);
    if (!content) {
      throw new PipelineFileError(
        'too-large',
        `${what} is more than the limit of ${maxBytes} bytes`,
      );
    }
    return content;
  } finally {
    await handle.close();
  }
}
