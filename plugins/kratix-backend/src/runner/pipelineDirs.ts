// A pipeline run's directories on the host.
import fs from 'node:fs/promises';
import path from 'node:path';

/** A run's `input/`, `output/` and `metadata/` (/kratix/* in its containers). */
export interface RunDirs {
  input: string;
  output: string;
  metadata: string;
}

/**
 * Makes a fresh `input/`, `output/` and `metadata/` under a new folder of
 * `parent`, with `input/object.yaml`. The caller removes `root`.
 */
export async function createPipelineDirs(
  parent: string,
  prefix: string,
  objectYaml: string,
): Promise<{ root: string; dirs: RunDirs }> {
  const root = await fs.mkdtemp(path.join(parent, prefix));
  const dirs = {
    input: path.join(root, 'input'),
    output: path.join(root, 'output'),
    metadata: path.join(root, 'metadata'),
  };
  try {
    await Promise.all(Object.values(dirs).map(d => fs.mkdir(d)));
    await fs.writeFile(path.join(dirs.input, 'object.yaml'), objectYaml);
  } catch (e) {
    await fs.rm(root, { recursive: true, force: true });
    throw e;
  }
  return { root, dirs };
}
