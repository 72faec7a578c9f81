// A minimal, bounded reader of the tar archives the collector container
// writes (ustar, with GNU long names and pax paths, as GNU tar and busybox
// write them). Directories and regular files only: links and anything else
// are refused, so extracting the entries can never write outside a folder.

/** One entry of an archive, its path relative and POSIX. */
export type TarEntry =
  | { type: 'directory'; path: string }
  | { type: 'file'; path: string; content: Buffer };

export interface TarLimits {
  /** All files' content together, in bytes. */
  maxBytes: number;
  maxEntries: number;
}

const BLOCK = 512;

const TYPE_NAMES: Record<string, string> = {
  '1': 'a hard link',
  '2': 'a symbolic link',
  '3': 'a character device',
  '4': 'a block device',
  '6': 'a FIFO (named pipe)',
};

function field(block: Buffer, offset: number, length: number): string {
  const raw = block.subarray(offset, offset + length);
  const end = raw.indexOf(0);
  return raw.subarray(0, end < 0 ? length : end).toString('utf8');
}

function octal(block: Buffer, offset: number, length: number): number {
  const text = field(block, offset, length).trim();
  if (!/^[0-7]*$/.test(text)) throw new Error(`bad number '${text}'`);
  return text ? parseInt(text, 8) : 0;
}

/** A pax header's `path`, if it has one. */
function paxPath(content: Buffer): string | undefined {
  let at = 0;
  let found: string | undefined;
  while (at < content.length) {
    const space = content.indexOf(0x20, at);
    if (space < 0) break;
    const length = parseInt(content.subarray(at, space).toString(), 10);
    if (!(length > 0)) break;
    const record = content.subarray(space + 1, at + length - 1).toString();
    const eq = record.indexOf('=');
    if (record.slice(0, eq) === 'path') found = record.slice(eq + 1);
    at += length;
  }
  return found;
}

/** `raw` as a relative POSIX path, or an error for one leading out. */
function cleanPath(raw: string): string {
  const parts = raw.split('/').filter(p => p !== '' && p !== '.');
  if (raw.startsWith('/') || parts.includes('..')) {
    throw new Error(`the archive's entry '${raw}' leads out of its folder`);
  }
  return parts.join('/');
}

/**
 * The entries of a tar archive, within `limits`; throws an error naming
 * the entry for a link, device or FIFO, a path leading out, an archive cut
 * short, or one over the limits.
 */
export function readTar(archive: Buffer, limits: TarLimits): TarEntry[] {
  const entries: TarEntry[] = [];
  let bytes = 0;
  let at = 0;
  let longName: string | undefined;
  while (at + BLOCK <= archive.length) {
    const header = archive.subarray(at, at + BLOCK);
    if (header.every(b => b === 0)) return entries; // end of archive
    const size = octal(header, 124, 12);
    const type = String.fromCharCode(header[156] || 0x30);
    const prefix = field(header, 345, 155);
    const name =
      longName ?? (prefix ? `${prefix}/` : '') + field(header, 0, 100);
    longName = undefined;
    const start = at + BLOCK;
    if (start + size > archive.length) {
      throw new Error(`the archive is cut short in '${name}'`);
    }
    const content = archive.subarray(start, start + size);
    at = start + Math.ceil(size / BLOCK) * BLOCK;
    if (type === 'L' || type === 'x') {
      if (size > 64 * 1024) throw new Error('an archive header is too large');
      longName =
        type === 'L' ? field(content, 0, content.length) : paxPath(content);
      continue;
    }
    if (type === 'g') continue; // pax global header: nothing we use
    const path = cleanPath(name);
    if (entries.length >= limits.maxEntries) {
      throw new Error(
        `the archive holds more than ${limits.maxEntries} entries, the limit`,
      );
    }
    if (type === '5') {
      entries.push({ type: 'directory', path });
    } else if (type === '0' || type === '7') {
      bytes += size;
      if (bytes > limits.maxBytes) {
        throw new Error(
          `the archive's files are more than ${limits.maxBytes} bytes in total; '${path}' goes over`,
        );
      }
      entries.push({ type: 'file', path, content: Buffer.from(content) });
    } else {
      const kind = TYPE_NAMES[type] ?? `of tar type '${type}'`;
      throw new Error(
        `'/kratix/${path}' is ${kind}; only regular files and directories are collected`,
      );
    }
  }
  throw new Error('the archive is cut short (no end blocks)');
}
