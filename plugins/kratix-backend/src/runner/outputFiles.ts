// Reading a pipeline's /kratix/output on the host (spec section 7).
import fs from 'node:fs/promises';
import path from 'node:path';
import { OutputFile } from '../engine/interfaces';
import {
  assertInsideOutput,
  DEFAULT_OUTPUT_LIMITS,
  OutputError,
  OutputLimits,
} from '../engine/outputs';
import { PipelineFileError, readRegularFile } from './pipelineFiles';

/**
 * Reads every file under `outputDir`, paths relative and POSIX, sorted,
 * within `limits`. Anything but directories and regular files is refused,
 * symbolic links included, so no path can lead out of the folder.
 */
export async function collectOutputFiles(
  outputDir: string,
  limits: Partial<OutputLimits> = {},
): Promise<OutputFile[]> {
  const defaults = DEFAULT_OUTPUT_LIMITS;
  const maxBytes = limits.maxBytes ?? defaults.maxBytes;
  const maxEntries = limits.maxEntries ?? defaults.maxEntries;
  const maxDepth = limits.maxDepth ?? defaults.maxDepth;
  const files: OutputFile[] = [];
  let entries = 0;
  let bytes = 0;
  const read = async (rel: string): Promise<Buffer> => {
    try {
      const content = await readRegularFile(outputDir, rel, {
        maxBytes: maxBytes - bytes,
        what: `the output '${rel}'`,
      });
      if (!content) {
        throw new OutputError(`the output '${rel}' vanished while read`);
      }
      return content;
    } catch (e) {
      if (e instanceof PipelineFileError && e.reason === 'too-large') {
        throw new OutputError(
          `the outputs in /kratix/output are more than ${maxBytes} bytes in total (kratix.engine.outputMaxBytes); '${rel}' goes over`,
        );
      }
      throw e;
    }
  };
  const walk = async (relative: string): Promise<void> => {
    // opendir streams: a huge folder is never listed whole.
    for await (const entry of await fs.opendir(
      path.join(outputDir, relative),
    )) {
      const rel = relative ? `${relative}/${entry.name}` : entry.name;
      if (++entries > maxEntries) {
        throw new OutputError(
          `/kratix/output holds more than ${maxEntries} files and directories, the limit`,
        );
      }
      if (rel.split('/').length > maxDepth) {
        throw new OutputError(
          `the output '${rel}' is more than ${maxDepth} levels deep, the limit`,
        );
      }
      if (entry.isSymbolicLink()) {
        throw new OutputError(
          `the output '${rel}' is a symbolic link; write regular files to /kratix/output`,
        );
      } else if (entry.isDirectory()) {
        await walk(rel);
      } else if (entry.isFile()) {
        assertInsideOutput(rel);
        const content = await read(rel);
        bytes += content.length;
        files.push({ path: rel, content });
      } else {
        throw new OutputError(`the output '${rel}' is not a regular file`);
      }
    }
  };
  await walk('');
  return files.sort((a, b) => (a.path < b.path ? -1 : 1));
}
