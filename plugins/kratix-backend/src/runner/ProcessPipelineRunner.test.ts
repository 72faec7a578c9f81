// Real processes, real files, real mount namespaces (the tests run as root).
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PipelineContainer, PipelineRunRequest } from '../engine/interfaces';
import {
  ProcessPipelineRunner,
  ProcessPipelineRunnerOptions,
} from './ProcessPipelineRunner';

jest.setTimeout(30_000);

let base: string;
let runCount = 0;

beforeAll(async () => {
  base = await fs.mkdtemp(path.join(os.tmpdir(), 'kratix-runner-test-'));
});
afterAll(() => fs.rm(base, { recursive: true, force: true }));

/** Writes a shell script and returns its path. */
async function script(name: string, body: string): Promise<string> {
  const file = path.join(base, `${name}.sh`);
  await fs.writeFile(file, `set -eu\n${body}\n`);
  return file;
}

/** Fresh run dirs with input/object.yaml, and a request collecting logs. */
async function request(
  containers: PipelineContainer[],
  extra: Partial<PipelineRunRequest> = {},
) {
  runCount += 1;
  const runDir = path.join(base, `run-${runCount}`);
  const dirs = {
    input: path.join(runDir, 'input'),
    output: path.join(runDir, 'output'),
    metadata: path.join(runDir, 'metadata'),
  };
  await Promise.all(
    Object.values(dirs).map(d => fs.mkdir(d, { recursive: true })),
  );
  await fs.writeFile(
    path.join(dirs.input, 'object.yaml'),
    `name: run-${runCount}\n`,
  );
  const logs: Array<[string, string]> = [];
  const req: PipelineRunRequest = {
    runId: `run-${runCount}`,
    pipeline: { name: 'instance-configure', containers },
    env: {
      KRATIX_WORKFLOW_ACTION: 'configure',
      KRATIX_WORKFLOW_TYPE: 'resource',
      KRATIX_PROMISE_NAME: 'database',
      KRATIX_PIPELINE_NAME: 'instance-configure',
    },
    dirs,
    signal: new AbortController().signal,
    onLog: (container, chunk) => logs.push([container, chunk]),
    ...extra,
  };
  const logOf = (container: string) =>
    logs
      .filter(([c]) => c === container)
      .map(([, chunk]) => chunk)
      .join('');
  return { req, dirs, logOf };
}

const read = (file: string) => fs.readFile(file, 'utf8');

/** True once `pid` no longer runs (gone, or a zombie waiting for init). */
async function waitGone(pid: number): Promise<boolean> {
  for (let i = 0; i < 50; i++) {
    const stat = await read(`/proc/${pid}/stat`).catch(() => '');
    if (!stat || / Z /.test(stat)) return true;
    await new Promise(r => setTimeout(r, 50));
  }
  return false;
}

describe.each<[string, ProcessPipelineRunnerOptions, RegExp, boolean]>([
  ['as root, /kratix mountpoints', {}, /^\s*0\s+0\s+4294967295$/, false],
  [
    'as root, new root',
    { namespaceLayout: 'newRoot' },
    /^\s*0\s+0\s+4294967295$/,
    true,
  ],
  [
    'user namespace, /kratix mountpoints',
    { namespaceModes: ['user'], namespaceLayout: 'host' },
    /^\s*0\s+0\s+1$/,
    false,
  ],
  [
    'user namespace, new root',
    { namespaceModes: ['user'], namespaceLayout: 'newRoot' },
    /^\s*0\s+0\s+1$/,
    true,
  ],
])(
  'ProcessPipelineRunner with /kratix mounts (%s)',
  (_mode, nsOptions, uidMap, tmpfsRoot) => {
    it('runs the containers in order with /kratix paths and env', async () => {
      const createDb = await script(
        'create-db',
        `test "$(cat /kratix/input/object.yaml)" = "$EXPECTED"
cat > /kratix/metadata/status.yaml <<EOF
message: created by $KRATIX_PROMISE_NAME/$KRATIX_PIPELINE_NAME
size: $DB_SIZE
EOF
echo "created $DB_SIZE"`,
      );
      const writeOutput = await script(
        'write-output',
        `cat /kratix/metadata/status.yaml > /kratix/output/x.yaml
echo "input=$KRATIX_INPUT_DIR output=$KRATIX_OUTPUT_DIR metadata=$KRATIX_METADATA_DIR" >> /kratix/output/x.yaml
echo "args=$*" >> /kratix/output/x.yaml
cat /proc/self/uid_map > /kratix/metadata/uid_map
stat -f -c %T / > /kratix/metadata/rootfs`,
      );
      const runner = new ProcessPipelineRunner({
        ...nsOptions,
        images: { 'write-output:v1': ['sh', writeOutput] },
      });
      const { req, dirs, logOf } = await request([
        {
          name: 'create-db',
          image: 'create-db:v1',
          command: ['sh', createDb],
          env: [{ name: 'DB_SIZE', value: '10Gb' }, { name: 'FROM_SECRET' }],
        },
        {
          name: 'write-output',
          image: 'write-output:v1',
          args: ['one', 'two'],
        },
      ]);
      req.pipeline.containers[0].env!.push({
        name: 'EXPECTED',
        value: `name: ${req.runId}`,
      });

      const result = await runner.run(req);

      expect(logOf('create-db')).toContain('created 10Gb');
      expect(result).toEqual({ succeeded: true, exitCode: 0 });
      expect(await read(path.join(dirs.metadata, 'status.yaml'))).toBe(
        'message: created by database/instance-configure\nsize: 10Gb\n',
      );
      expect(await read(path.join(dirs.output, 'x.yaml'))).toBe(
        'message: created by database/instance-configure\nsize: 10Gb\n' +
          `input=${dirs.input} output=${dirs.output} metadata=${dirs.metadata}\n` +
          'args=one two\n',
      );
      expect(logOf('create-db')).toMatch(/env FROM_SECRET skipped.*valueFrom/);
      expect((await read(path.join(dirs.metadata, 'uid_map'))).trim()).toMatch(
        uidMap,
      );
      const rootFs = (await read(path.join(dirs.metadata, 'rootfs'))).trim();
      expect(rootFs === 'tmpfs').toBe(tmpfsRoot);
      // the host's /kratix, if any, stays empty
      await expect(fs.stat('/kratix/input/object.yaml')).rejects.toThrow(
        /ENOENT/,
      );
    });

    it("never lets two parallel runs see each other's files", async () => {
      const probe = await script(
        'isolation',
        `echo "$RUN" > "/kratix/output/$RUN"
sleep 0.5
ls /kratix/output > /kratix/metadata/seen
cat /kratix/input/object.yaml >> /kratix/metadata/seen`,
      );
      const runner = new ProcessPipelineRunner(nsOptions);
      const runs = await Promise.all(
        ['a', 'b'].map(async run =>
          request([
            {
              name: 'c',
              image: 'i',
              command: ['sh', probe],
              env: [{ name: 'RUN', value: run }],
            },
          ]),
        ),
      );
      const results = await Promise.all(runs.map(r => runner.run(r.req)));
      expect(results.map(r => r.succeeded)).toEqual([true, true]);
      for (const [i, run] of ['a', 'b'].entries()) {
        expect(await read(path.join(runs[i].dirs.metadata, 'seen'))).toBe(
          `${run}\nname: ${runs[i].req.runId}\n`,
        );
      }
    });
  },
);

describe('ProcessPipelineRunner', () => {
  const runner = new ProcessPipelineRunner();

  it('stops at a container that exits non-zero and captures its output', async () => {
    const marker = path.join(base, 'second-ran');
    const { req, logOf } = await request([
      {
        name: 'first',
        image: 'i',
        command: ['sh', '-c', 'echo to-stdout; echo to-stderr >&2; exit 3'],
      },
      { name: 'second', image: 'i', command: ['touch', marker] },
    ]);
    const result = await runner.run(req);
    expect(result).toEqual({
      succeeded: false,
      exitCode: 3,
      failedContainer: 'first',
      message: 'Container first exited with code 3',
    });
    expect(logOf('first')).toContain('to-stdout');
    expect(logOf('first')).toContain('to-stderr');
    await expect(fs.stat(marker)).rejects.toThrow(/ENOENT/);
  });

  it('times out, killing the whole process group', async () => {
    const slow = await script(
      'slow',
      `sleep 30 & echo $! > /kratix/output/child.pid
trap '' TERM
sleep 30`,
    );
    const timed = new ProcessPipelineRunner({
      timeoutMs: 500,
      killGraceMs: 300,
    });
    const { req, dirs } = await request([
      { name: 'slow', image: 'i', command: ['sh', slow] },
    ]);
    const started = Date.now();
    const result = await timed.run(req);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(result).toMatchObject({
      succeeded: false,
      failedContainer: 'slow',
      message: 'Container slow timed out after 0.5s',
    });
    const childPid = Number(await read(path.join(dirs.output, 'child.pid')));
    expect(childPid).toBeGreaterThan(0);
    expect(await waitGone(childPid)).toBe(true);
  });

  it('is cancelled by the request signal', async () => {
    const controller = new AbortController();
    const { req, dirs } = await request(
      [
        {
          name: 'waits',
          image: 'i',
          command: ['sh', '-c', 'echo $$ > /kratix/output/pid; sleep 30'],
        },
        { name: 'never', image: 'i', command: ['true'] },
      ],
      { signal: controller.signal },
    );
    setTimeout(() => controller.abort(), 300);
    const result = await runner.run(req);
    expect(result).toMatchObject({
      succeeded: false,
      failedContainer: 'waits',
      message: 'cancelled',
    });
    expect(
      await waitGone(Number(await read(path.join(dirs.output, 'pid')))),
    ).toBe(true);

    const early = await request(
      [{ name: 'x', image: 'i', command: ['true'] }],
      {
        signal: AbortSignal.abort(),
      },
    );
    expect(await runner.run(early.req)).toMatchObject({
      succeeded: false,
      message: 'cancelled',
    });
  });

  it('names the container, image and config key when there is no command', async () => {
    const { req } = await request([
      { name: 'create-db', image: 'create-db:v0.1.0' },
    ]);
    const result = await runner.run(req);
    expect(result.succeeded).toBe(false);
    expect(result.failedContainer).toBe('create-db');
    expect(result.message).toContain(
      'Container create-db (image create-db:v0.1.0)',
    );
    expect(result.message).toContain(
      'kratix.runner.process.images["create-db:v0.1.0"]',
    );
  });

  it('reports a command that cannot be found, without throwing', async () => {
    for (const command of [['no-such-kratix-command'], ['/nope/run.sh']]) {
      const { req } = await request([{ name: 'missing', image: 'i', command }]);
      expect(await runner.run(req)).toMatchObject({
        succeeded: false,
        exitCode: 127,
        failedContainer: 'missing',
        message: expect.stringContaining(`command "${command[0]}" not found`),
      });
    }
  });

  it('reports a failure to mount /kratix clearly', async () => {
    const { req, logOf } = await request([
      { name: 'c', image: 'i', command: ['true'] },
    ]);
    req.dirs = { ...req.dirs, output: path.join(base, 'no-such-dir') };
    const result = await runner.run(req);
    expect(result).toMatchObject({
      succeeded: false,
      failedContainer: 'c',
      message:
        'Container c could not start: mounting /kratix failed (see its log)',
    });
    expect(logOf('c')).toContain('no-such-dir');
  });

  it('rejects an argument that cannot be passed, without throwing', async () => {
    const { req } = await request([
      { name: 'c', image: 'i', command: ['echo', 'a\0b'] },
    ]);
    expect(await runner.run(req)).toMatchObject({
      succeeded: false,
      failedContainer: 'c',
      message: expect.stringContaining('Container c could not start'),
    });
  });

  it('does not pass the backend environment (secrets) to containers', async () => {
    process.env.KRATIX_TEST_BACKEND_SECRET = 'hunter2';
    try {
      const { req, dirs } = await request([
        {
          name: 'env',
          image: 'i',
          command: ['sh', '-c', 'env > /kratix/output/env'],
        },
      ]);
      expect((await runner.run(req)).succeeded).toBe(true);
      const env = await read(path.join(dirs.output, 'env'));
      expect(env).not.toContain('hunter2');
      expect(env).toContain('KRATIX_PROMISE_NAME=database');
      expect(env).toMatch(/^PATH=/m);
      expect(env).not.toMatch(/^(NODE_OPTIONS|JEST_WORKER_ID)=/m);
    } finally {
      delete process.env.KRATIX_TEST_BACKEND_SECRET;
    }
  });

  it('without a mount namespace, gives only the KRATIX_*_DIR variables', async () => {
    const plain = new ProcessPipelineRunner({ mountNamespace: false });
    await expect(
      ProcessPipelineRunner.probe({ mountNamespace: false }),
    ).resolves.toBeUndefined();
    const { req, dirs } = await request([
      {
        name: 'c',
        image: 'i',
        command: [
          'sh',
          '-c',
          'test ! -e /kratix/input/object.yaml && cp "$KRATIX_INPUT_DIR/object.yaml" "$KRATIX_OUTPUT_DIR/copy"',
        ],
      },
    ]);
    expect(await plain.run(req)).toEqual({ succeeded: true, exitCode: 0 });
    expect(await read(path.join(dirs.output, 'copy'))).toBe(
      `name: ${req.runId}\n`,
    );
  });

  describe('probe', () => {
    it('passes here', async () => {
      await expect(ProcessPipelineRunner.probe()).resolves.toBeUndefined();
    });

    it('names the fix when unshare does not work', async () => {
      const fake = path.join(base, 'fake-unshare');
      await fs.writeFile(
        fake,
        '#!/bin/sh\necho "unshare: unshare failed: Operation not permitted" >&2\nexit 1\n',
        { mode: 0o755 },
      );
      const options = { unshare: fake };
      const probe = ProcessPipelineRunner.probe(options);
      await expect(probe).rejects.toThrow(/Operation not permitted/);
      await expect(probe).rejects.toThrow(/run the backend as root/);
      await expect(probe).rejects.toThrow(
        /kernel\.unprivileged_userns_clone=1/,
      );
      await expect(probe).rejects.toThrow(
        /kratix\.runner\.process\.mountNamespace: false/,
      );

      // A run with a broken namespace fails with the same message, no throw.
      const { req } = await request([
        { name: 'c', image: 'i', command: ['true'] },
      ]);
      const result = await new ProcessPipelineRunner(options).run(req);
      expect(result.succeeded).toBe(false);
      expect(result.message).toMatch(/run the backend as root/);
    });
  });
});
