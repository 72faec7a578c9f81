// Security issue 10: a pipeline is untrusted, so what it leaves in
// /kratix/metadata and /kratix/output is hostile input. The engine reads
// regular files only, never follows a link, never blocks on a FIFO, and
// never reads more than its limits.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTestDatabases } from '../database/__testUtils__/databases';
import {
  configureCondition,
  isConfigured,
  scriptPromise,
} from '../__testUtils__/scriptPromise';
import {
  KratixApi,
  settle,
  specField,
  withKratix,
} from '../__testUtils__/kratixApi';

jest.setTimeout(60_000);

const databases = createTestDatabases();

/** The first pipeline: its status must stay when the second one fails. */
const earlier = {
  name: 'earlier',
  script: "printf 'kept: yes\\n' > /kratix/metadata/status.yaml",
};

/** Promise `files`: pipeline `earlier`, then `hostile` running `script`. */
const filesPromise = (script: string, env: Record<string, string> = {}) =>
  scriptPromise('files', [earlier, { name: 'hostile', script }], env);

/** Waits for the failed workflow of Resource `name`; returns it and the message of `hostile`. */
async function failure(kratix: KratixApi, name: string) {
  const body = await kratix
    .resource('files', name)
    .waitFor(b => configureCondition(b)?.reason === 'ConfigureWorkflowFailed');
  const hostile = body.status.kratix.workflows.pipelines.find(
    (p: any) => p.name === 'hostile',
  );
  expect(hostile.phase).toBe('Failed');
  expect(body.status.kept).toBe('yes');
  return { body, message: hostile.message as string };
}

/**
 * Opens every FIFO under `dir` for writing and closes it: a reader blocked
 * on it gets end-of-file. Only a broken engine needs this, so that the
 * test then fails instead of hanging the suite.
 */
function releaseFifos(dir: string) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) releaseFifos(file);
    if (!entry.isFIFO()) continue;
    try {
      const { O_WRONLY, O_NONBLOCK } = fs.constants;
      fs.closeSync(fs.openSync(file, O_WRONLY | O_NONBLOCK));
    } catch {
      // no reader: nothing blocked on it
    }
  }
}

describe.each(databases.eachSupportedId())('pipeline files on %p', id => {
  let workDir: string;
  beforeEach(() => {
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kratix-hostile-'));
    fs.chmodSync(workDir, 0o755); // the sandbox's user reaches its dirs
  });
  afterEach(() => fs.rmSync(workDir, { recursive: true, force: true }));

  it('fails a FIFO status.yaml at once, and the backend keeps serving', () =>
    withKratix(databases, id, { workDir, concurrency: 8 }, async kratix => {
      try {
        await kratix.promise('files').put(
          filesPromise(
            `[ "${specField('mode')}" = fine ] && exit 0
mkfifo /kratix/metadata/status.yaml && echo made >> "$MARKERS/fifos"`,
            { MARKERS: kratix.markers },
          ),
          201,
        );
        // Four, as many as libuv's threads: a blocked read would take them all.
        const names = ['f1', 'f2', 'f3', 'f4'];
        for (const name of names) {
          await kratix.resource('files', name).put({ mode: 'fifo' }, 201);
        }
        await kratix.waitLines('fifos', 4);
        await settle(300);

        const started = Date.now();
        await kratix.http().get('/api/kratix/health').expect(200);
        expect(Date.now() - started).toBeLessThan(1000);
        await kratix.resource('files', 'fine').put({ mode: 'fine' }, 201);
        await kratix.resource('files', 'fine').waitFor(isConfigured);

        for (const name of names) {
          const { message } = await failure(kratix, name);
          expect(message).toBe(
            '/kratix/metadata/status.yaml is a FIFO (named pipe), not a regular file',
          );
        }
      } finally {
        releaseFifos(workDir);
      }
    }));

  it('refuses a status.yaml that links to a host file', () =>
    withKratix(databases, id, { workDir }, async kratix => {
      const secret = path.join(kratix.markers, 'host-secret.yaml');
      fs.writeFileSync(secret, 'password: hunter2\n');
      await kratix.promise('files').put(
        filesPromise('ln -s "$SECRET" /kratix/metadata/status.yaml', {
          SECRET: secret,
        }),
        201,
      );
      await kratix.resource('files', 'link').put({}, 201);
      const { body, message } = await failure(kratix, 'link');
      expect(message).toBe(
        '/kratix/metadata/status.yaml is a symbolic link, not a regular file',
      );
      expect(JSON.stringify(body)).not.toContain('hunter2');
    }));

  it('refuses a huge sparse status.yaml without reading it', () =>
    withKratix(databases, id, { workDir }, async kratix => {
      await kratix
        .promise('files')
        .put(
          filesPromise('truncate -s 1500M /kratix/metadata/status.yaml'),
          201,
        );
      const before = process.memoryUsage().rss;
      let peak = before;
      const sampler = setInterval(() => {
        peak = Math.max(peak, process.memoryUsage().rss);
      }, 5);
      try {
        await kratix.resource('files', 'sparse').put({}, 201);
        const { message } = await failure(kratix, 'sparse');
        expect(message).toBe(
          '/kratix/metadata/status.yaml is 1572864000 bytes, more than the limit of 1048576 bytes',
        );
      } finally {
        clearInterval(sampler);
      }
      expect(peak - before).toBeLessThan(100 * 1024 * 1024);
    }));

  it('caps the outputs of a pipeline in bytes and in files', () =>
    withKratix(databases, id, { workDir }, async kratix => {
      await kratix.promise('files').put(
        filesPromise(`cd /kratix/output
if [ "${specField('mode')}" = bytes ]; then
  for i in 1 2 3 4 5 6 7 8 9 10 11; do head -c 1048576 /dev/zero > "big$i"; done
else
  i=0; while [ $i -le 1000 ]; do : > "f$i"; i=$((i + 1)); done
fi`),
        201,
      );
      await kratix.resource('files', 'bytes').put({ mode: 'bytes' }, 201);
      await kratix.resource('files', 'count').put({ mode: 'count' }, 201);
      expect((await failure(kratix, 'bytes')).message).toMatch(
        /^the outputs in \/kratix\/output are more than 10485760 bytes in total \(kratix\.engine\.outputMaxBytes\); 'big\d+' goes over$/,
      );
      expect((await failure(kratix, 'count')).message).toBe(
        '/kratix/output holds more than 1000 files and directories, the limit',
      );
    }));
});
