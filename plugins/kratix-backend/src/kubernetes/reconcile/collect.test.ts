// The collector's script run by the real sh, tar and base64, in a folder
// standing for /kratix; its log read back as the engine reads it.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  archiveFromLog,
  collectorScript,
  COLLECT_TOO_LARGE,
  outputsFromCollectorLog,
} from './collect';

const limits = {
  statusMaxBytes: 1024,
  outputMaxBytes: 4096,
  collectOutputs: true,
};
let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kratix-collect-'));
  await fs.mkdir(path.join(dir, 'metadata'));
  await fs.mkdir(path.join(dir, 'output'));
});
afterEach(() => fs.rm(dir, { recursive: true, force: true }));

function collect(options = limits): string {
  const script = collectorScript(options).replace(
    'cd /kratix ',
    `cd '${dir}' `,
  );
  return execFileSync('sh', ['-c', script], { encoding: 'utf8' });
}

const write = async (file: string, content: string | Buffer) => {
  await fs.mkdir(path.dirname(path.join(dir, file)), { recursive: true });
  await fs.writeFile(path.join(dir, file), content);
};

describe('the collector', () => {
  it('hands over the metadata files and the outputs', async () => {
    await write('metadata/status.yaml', 'message: hi\n');
    await write('metadata/destination-selectors.yaml', '- matchLabels: {}\n');
    await write('metadata/other.yaml', 'not: collected\n');
    await write('output/a/b.yaml', 'b: 1\n');
    expect(await outputsFromCollectorLog(collect(), limits)).toEqual({
      statusFile: Buffer.from('message: hi\n'),
      workflowControl: undefined,
      destinationSelectors: Buffer.from('- matchLabels: {}\n'),
      files: [{ path: 'a/b.yaml', content: Buffer.from('b: 1\n') }],
    });
  });

  it('hands over nothing when nothing is written, and no outputs unless asked', async () => {
    const noOutputs = { ...limits, collectOutputs: false };
    await write('output/a.yaml', 'a: 1\n');
    expect(
      await outputsFromCollectorLog(collect(noOutputs), noOutputs),
    ).toEqual({ statusFile: undefined, workflowControl: undefined, files: [] });
  });

  it('refuses links and oversized files with the runner messages', async () => {
    await write('metadata/status.yaml', 'x'.repeat(2000));
    await expect(outputsFromCollectorLog(collect(), limits)).rejects.toThrow(
      /\/kratix\/metadata\/status.yaml.*1024/,
    );
    await fs.rm(path.join(dir, 'metadata/status.yaml'));
    await fs.symlink('/etc/passwd', path.join(dir, 'output/x'));
    await expect(outputsFromCollectorLog(collect(), limits)).rejects.toThrow(
      "'/kratix/output/x' is a symbolic link; only regular files and directories are collected",
    );
  });

  it('reports an archive over the limit instead of writing it', async () => {
    await write('output/big', Buffer.alloc(2 * 1024 * 1024));
    const log = collect();
    expect(log).toContain(COLLECT_TOO_LARGE);
    expect(log.length).toBeLessThan(200);
    expect(() => archiveFromLog(log, limits)).toThrow(
      /^the pipeline's \/kratix\/metadata and \/kratix\/output files make a \d+-byte archive, more than the \d+ bytes the engine reads/,
    );
  });

  it('refuses a log cut short or with other lines', () => {
    expect(() =>
      archiveFromLog('kratix-collect-begin\nAAAA\n', limits),
    ).toThrow(/^the collector's log is cut short/);
    expect(() =>
      archiveFromLog(
        'kratix-collect-begin\ntar: x: Permission denied\n',
        limits,
      ),
    ).toThrow('the collector failed: tar: x: Permission denied');
  });
});
