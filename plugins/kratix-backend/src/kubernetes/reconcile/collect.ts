// How the engine gets what a pipeline Pod left in /kratix/metadata and
// /kratix/output: the Pod's last container (a public image with a shell,
// tar and base64, e.g. busybox) writes them as a base64 tar to its log,
// between two marker lines; the engine reads that log with `limitBytes`
// and unpacks it with the same limits as a run on the host.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PipelineOutputs, PipelineRunRequest } from '../../engine/interfaces';
import {
  DEFAULT_OUTPUT_LIMITS,
  SELECTORS_MAX_BYTES,
} from '../../engine/outputs';
import { WORKFLOW_CONTROL_MAX_BYTES } from '../../engine/workflowControl';
import { createPipelineDirs } from '../../runner/pipelineDirs';
import { readPipelineOutputs } from '../../runner/pipelineRun';
import { readTar } from './ustar';

export const COLLECT_BEGIN = 'kratix-collect-begin';
export const COLLECT_END = 'kratix-collect-end';
export const COLLECT_TOO_LARGE = 'kratix-collect-too-large';

type Limits = Pick<
  PipelineRunRequest,
  'statusMaxBytes' | 'outputMaxBytes' | 'collectOutputs'
>;

/**
 * Largest archive the engine reads: the files' limits, plus a header and
 * padding per entry, plus tar's end record.
 */
export function archiveMaxBytes(limits: Limits): number {
  const files =
    limits.statusMaxBytes +
    WORKFLOW_CONTROL_MAX_BYTES +
    (limits.collectOutputs ? limits.outputMaxBytes + SELECTORS_MAX_BYTES : 0);
  const entries = archiveMaxEntries(limits);
  return files + entries * 1024 + 10240;
}

function archiveMaxEntries(limits: Limits): number {
  return (limits.collectOutputs ? DEFAULT_OUTPUT_LIMITS.maxEntries : 0) + 4;
}

/** Largest collector log the engine asks for (base64 lines of 76). */
export function collectorLogMaxBytes(limits: Limits): number {
  const base64 = Math.ceil(archiveMaxBytes(limits) / 3) * 4;
  return base64 + Math.ceil(base64 / 76) + 256;
}

/** The collector's shell script (POSIX sh: busybox, dash, bash). */
export function collectorScript(limits: Limits): string {
  const metadata = ['status.yaml', 'workflow-control.yaml'];
  if (limits.collectOutputs) metadata.push('destination-selectors.yaml');
  const files = metadata.map(f => `metadata/${f}`).join(' ');
  return [
    'cd /kratix || exit 1',
    'set --',
    `for f in ${files}; do`,
    '  if [ -e "$f" ] || [ -L "$f" ]; then set -- "$@" "$f"; fi',
    'done',
    ...(limits.collectOutputs ? ['set -- "$@" output'] : []),
    `echo ${COLLECT_BEGIN}`,
    'if [ "$#" -gt 0 ]; then',
    '  size=$(tar -cf - "$@" 2>/dev/null | wc -c)',
    `  if [ "$size" -gt ${archiveMaxBytes(limits)} ]; then`,
    `    echo "${COLLECT_TOO_LARGE} $size"; exit 0`,
    '  fi',
    '  tar -cf - "$@" | base64',
    'fi',
    `echo ${COLLECT_END}`,
  ].join('\n');
}

/**
 * The archive in the collector's log; throws an error saying why when the
 * log is cut short, reports an archive too large, or holds other lines
 * (e.g. tar's errors).
 */
export function archiveFromLog(log: string, limits: Limits): Buffer {
  const lines = log.split('\n').map(l => l.trimEnd());
  const begin = lines.indexOf(COLLECT_BEGIN);
  if (begin < 0) {
    throw new Error(
      `the collector's log does not start its archive: ${lines
        .slice(0, 3)
        .join(' ')}`,
    );
  }
  const body: string[] = [];
  for (const line of lines.slice(begin + 1)) {
    if (line === COLLECT_END) return Buffer.from(body.join(''), 'base64');
    if (line.startsWith(COLLECT_TOO_LARGE)) {
      const size = line.slice(COLLECT_TOO_LARGE.length).trim();
      throw new Error(
        `the pipeline's /kratix/metadata and /kratix/output files make a ${size}-byte archive, more than the ${archiveMaxBytes(
          limits,
        )} bytes the engine reads (kratix.engine.outputMaxBytes, kratix.engine.statusMaxBytes)`,
      );
    }
    if (!/^[A-Za-z0-9+/=]*$/.test(line)) {
      throw new Error(`the collector failed: ${line.slice(0, 500)}`);
    }
    body.push(line);
  }
  throw new Error(
    `the collector's log is cut short: more than the ${collectorLogMaxBytes(
      limits,
    )} bytes the engine reads, or the collector was stopped`,
  );
}

/**
 * What the pipeline left, from the collector's log, with exactly the
 * checks and messages of a run on the host: the archive is unpacked (links
 * refused) into a fresh folder under `workDir`, then read back.
 */
export async function outputsFromCollectorLog(
  log: string,
  limits: Limits,
  workDir = os.tmpdir(),
): Promise<PipelineOutputs> {
  const archive = archiveFromLog(log, limits);
  // No file to collect: the collector wrote no archive.
  const entries = archive.length
    ? readTar(archive, {
        maxBytes: archiveMaxBytes(limits),
        maxEntries: archiveMaxEntries(limits),
      })
    : [];
  const made = await createPipelineDirs(workDir, 'kratix-collected-', '');
  try {
    const root = path.dirname(made.dirs.input);
    for (const entry of entries) {
      const top = entry.path.split('/')[0];
      if (top !== 'metadata' && top !== 'output') continue;
      const target = path.join(root, entry.path);
      if (entry.type === 'directory') {
        await fs.mkdir(target, { recursive: true });
      } else {
        await fs.mkdir(path.dirname(target), { recursive: true });
        await fs.writeFile(target, entry.content, { flag: 'wx' });
      }
    }
    return await readPipelineOutputs(made.dirs, limits);
  } finally {
    await fs.rm(made.root, { recursive: true, force: true });
  }
}
