// Finding executables the way the runner's containers will.
import { accessSync, constants } from 'node:fs';
import path from 'node:path';

export const DEFAULT_PATH =
  '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Finds an executable on `searchPath` (or checks a path with a slash). */
export function findExecutable(
  name: string,
  searchPath = DEFAULT_PATH,
  cwd = process.cwd(),
): string | undefined {
  const candidates = name.includes('/')
    ? [path.resolve(cwd, name)]
    : searchPath
        .split(':')
        .filter(Boolean)
        .map(dir => path.join(dir, name));
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // try the next one
    }
  }
  return undefined;
}
