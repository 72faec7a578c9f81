// Real processes, real files, real bubblewrap sandboxes (the tests run as root).
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PipelineContainer, PipelineRunRequest } from '../engine/interfaces';
import { createPipelineDirs } from '../engine/pipelineDirs';
import {
  ProcessPipelineRunner,
  ProcessPipelineRunnerOptions,
} from './ProcessPipelineRunner';
import { NO_SANDBOX_WARNING } from './processTree';

jest.setTimeout(30_000);

let base: string;
let runCount = 0;

beforeAll(async () => {
  base = await fs.mkdtemp(path.join(os.tmpdir(), 'kratix-runner-test-'));
  await fs.chmod(base, 0o755); // the sandbox's user reads its scripts
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
  const n = ++runCount;
  const { dirs } = await createPipelineDirs(
    base,
    `run-${n}-`,
    `name: run-${n}\n`,
  );
  const logs: Array<[string, string]> = [];
  const req: PipelineRunRequest = {
    runId: `run-${n}`,
    pipeline: { name: 'instance-configure', containers },
    env: {
      KRATIX_TEST_RUN: `run-${n}`,
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

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/** True once `pid` no longer runs (gone, or a zombie waiting for init). */
async function waitGone(pid: number): Promise<boolean> {
  for (let i = 0; i < 50; i++) {
    const stat = await read(`/proc/${pid}/stat`).catch(() => '');
    if (!stat || / Z /.test(stat)) return true;
    await sleep(50);
  }
  return false;
}

/** Polls `probe` until it returns a value; throws after 10 s. */
async function until<T>(probe: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const value = await probe();
    if (value !== undefined) return value;
    await sleep(50);
  }
  throw new Error('timed out waiting');
}

/** A live process of a run: host pid, pid in the run's PID namespace. */
interface RunProcess {
  pid: number;
  nsPid: number;
  name: string;
}

/**
 * The live processes of a run, found by the KRATIX_TEST_RUN in their
 * environment (containers see their own PID namespace, so the pids they
 * write are not the host's).
 */
async function runProcesses(run: { runId: string }): Promise<RunProcess[]> {
  const needle = `\0KRATIX_TEST_RUN=${run.runId}\0`;
  const found: RunProcess[] = [];
  for (const pid of await fs.readdir('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    const env = await read(`/proc/${pid}/environ`).catch(() => '');
    if (!`\0${env}`.includes(needle)) continue;
    const status = await read(`/proc/${pid}/status`).catch(() => '');
    if (!status || /^State:\s*Z/m.test(status)) continue;
    const nsPids = /^NSpid:\s*(.*)$/m.exec(status)![1].trim().split(/\s+/);
    found.push({
      pid: Number(pid),
      nsPid: Number(nsPids[nsPids.length - 1]),
      name: /^Name:\s*(.*)$/m.exec(status)![1],
    });
  }
  return found;
}

/** The run's process whose pid (in its namespace) is in `file`. */
async function runProcess(
  run: { runId: string },
  file: string,
): Promise<RunProcess> {
  return until(async () => {
    const nsPid = Number(await read(file).catch(() => ''));
    if (!nsPid) return undefined;
    return (await runProcesses(run)).find(p => p.nsPid === nsPid);
  });
}

/** Waits until all `processes` are gone; the pids of those still there. */
async function survivors(processes: RunProcess[]): Promise<number[]> {
  const gone = await Promise.all(processes.map(p => waitGone(p.pid)));
  return processes.filter((_, i) => !gone[i]).map(p => p.pid);
}

/**
 * Runs `req` with a runner in a Node process of its own, the "backend",
 * which the test can SIGKILL.
 */
function backendProcess(
  options: ProcessPipelineRunnerOptions,
  req: PipelineRunRequest,
) {
  const { signal: _signal, onLog: _onLog, ...plain } = req;
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(__dirname, '__testUtils__/runnerProcess.ts')],
    {
      cwd: path.resolve(__dirname, '../..'), // where tsx is found
      env: {
        ...process.env,
        KRATIX_RUNNER_TEST: JSON.stringify({ options, request: plain }),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout.on('data', d => (output += d));
  child.stderr.on('data', d => (output += d));
  const exited = new Promise(resolve => child.once('exit', resolve));
  return {
    /** Dies as in a crash (SIGKILL), without a chance to clean up. */
    crash: async () => {
      child.kill('SIGKILL');
      await exited;
    },
    output: () => output,
  };
}

/**
 * Runs, in a backend process, a container that starts `sleep 300` in the
 * background (and `setsid sleep 301` when `setsid`), then SIGKILLs the
 * backend; resolves with the processes seen before, and those left after.
 */
async function crashMidRun(
  options: ProcessPipelineRunnerOptions,
  { setsid }: { setsid: boolean },
) {
  const { req, dirs } = await request([
    {
      name: 'c',
      image: 'i',
      command: [
        'sh',
        '-c',
        // $KRATIX_OUTPUT_DIR: also without a sandbox
        `cd "$KRATIX_OUTPUT_DIR"
sleep 300 & echo $! > child.pid
${setsid ? 'setsid sleep 301 & echo $! > setsid.pid' : ''}
echo $$ > main.pid
wait`,
      ],
    },
  ]);
  const backend = backendProcess(options, req);
  try {
    const main = await runProcess(req, path.join(dirs.output, 'main.pid'));
    const child = await runProcess(req, path.join(dirs.output, 'child.pid'));
    const detached = setsid
      ? await runProcess(req, path.join(dirs.output, 'setsid.pid'))
      : undefined;
    const all = await runProcesses(req);
    await backend.crash();
    return { main, child, detached, left: await survivors(all), req };
  } catch (e) {
    await backend.crash();
    throw new Error(`${e}; backend output: ${backend.output()}`);
  }
}

describe('ProcessPipelineRunner in its bubblewrap sandbox', () => {
  let sandboxed: ProcessPipelineRunnerOptions;
  beforeAll(() => {
    sandboxed = { sandbox: { readOnlyPaths: [base] } };
  });

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
id -u > /kratix/metadata/uid
stat -f -c %T / > /kratix/metadata/rootfs
ls /proc | grep -c '^[0-9]' > /kratix/metadata/processes`,
    );
    const runner = new ProcessPipelineRunner({
      ...sandboxed,
      images: { 'write-output:v1': ['sh', writeOutput] },
    });
    const { req, dirs, logOf } = await request([
      {
        name: 'create-db',
        image: 'create-db:v1',
        command: ['sh', createDb],
        env: [
          { name: 'DB_SIZE', value: '10Gb' },
          { name: 'FROM_FIELD', valueFrom: { other: ['fieldRef'] } },
        ],
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
        'input=/kratix/input output=/kratix/output metadata=/kratix/metadata\n' +
        'args=one two\n',
    );
    expect(logOf('create-db')).toMatch(
      /env FROM_FIELD skipped: valueFrom fieldRef/,
    );
    // an unprivileged user, in a root of its own
    expect(await read(path.join(dirs.metadata, 'uid'))).toBe('65534\n');
    expect(await read(path.join(dirs.metadata, 'rootfs'))).toBe('tmpfs\n');
    // its own PID namespace and /proc: bwrap's init, sh, ls, grep
    const processes = Number(await read(path.join(dirs.metadata, 'processes')));
    expect(processes).toBeGreaterThan(0);
    expect(processes).toBeLessThan(10);
  });

  it("never lets two parallel runs see each other's files", async () => {
    const probe = await script(
      'isolation',
      `echo "$RUN" > "/kratix/output/$RUN"
sleep 0.5
ls /kratix/output > /kratix/metadata/seen
cat /kratix/input/object.yaml >> /kratix/metadata/seen`,
    );
    const runner = new ProcessPipelineRunner(sandboxed);
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

  it('kills all its processes when the backend is killed', async () => {
    expect(await ProcessPipelineRunner.probe(sandboxed)).toMatchObject({
      processTree: 'pidNamespace',
      warnings: [],
    });
    const { main, child, detached, left, req } = await crashMidRun(sandboxed, {
      setsid: true,
    });
    expect(main.name).toBe('sh');
    expect(child.pid).not.toBe(main.pid);
    expect(detached!.pid).not.toBe(child.pid);
    expect(left).toEqual([]);
    expect(await runProcesses(req)).toEqual([]);
  });
});

describe('ProcessPipelineRunner', () => {
  let runner: ProcessPipelineRunner;
  beforeAll(() => {
    runner = new ProcessPipelineRunner({ sandbox: { readOnlyPaths: [base] } });
  });

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
      sandbox: { readOnlyPaths: [base] },
      timeoutMs: 500,
      killGraceMs: 300,
    });
    const { req, dirs } = await request([
      { name: 'slow', image: 'i', command: ['sh', slow] },
    ]);
    const started = Date.now();
    const running = timed.run(req);
    const child = await runProcess(req, path.join(dirs.output, 'child.pid'));
    const all = await runProcesses(req);
    const result = await running;
    expect(Date.now() - started).toBeLessThan(5000);
    expect(result).toMatchObject({
      succeeded: false,
      failedContainer: 'slow',
      message: 'Container slow timed out after 0.5s',
    });
    expect(all.map(p => p.pid)).toContain(child.pid);
    expect(await survivors(all)).toEqual([]);
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
    const running = runner.run(req);
    const main = await runProcess(req, path.join(dirs.output, 'pid'));
    controller.abort();
    const result = await running;
    expect(result).toMatchObject({
      succeeded: false,
      failedContainer: 'waits',
      message: 'cancelled',
    });
    expect(await survivors([main])).toEqual([]);

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

  it('reports a sandbox that cannot be set up clearly', async () => {
    const gone = await fs.mkdtemp(path.join(base, 'gone-'));
    const broken = new ProcessPipelineRunner({
      sandbox: { readOnlyPaths: [gone] },
    });
    await broken.probe();
    await fs.rm(gone, { recursive: true });
    const { req, logOf } = await request([
      { name: 'c', image: 'i', command: ['true'] },
    ]);
    const result = await broken.run(req);
    expect(result).toMatchObject({
      succeeded: false,
      failedContainer: 'c',
      message: expect.stringMatching(
        /^Container c could not start in its sandbox: bwrap: .*gone-/,
      ),
    });
    expect(logOf('c')).toContain('bwrap: ');

    const { req: noDirs } = await request([
      { name: 'c', image: 'i', command: ['true'] },
    ]);
    noDirs.dirs = { ...noDirs.dirs, output: path.join(base, 'no-such-dir') };
    expect(await runner.run(noDirs)).toMatchObject({
      succeeded: false,
      message: expect.stringMatching(
        /sandbox could not be prepared.*no-such-dir/,
      ),
    });
    await broken.close();
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

  it('reads env valueFrom its configured Secrets and ConfigMaps, and never logs them', async () => {
    const withSecrets = new ProcessPipelineRunner({
      sandbox: { readOnlyPaths: [base] },
      secrets: { 'db-creds': { password: 'hunter2' } },
      configMaps: { settings: { region: 'eu-west-1' } },
    });
    const container = (env: any[]) => ({
      name: 'c',
      image: 'i',
      command: [
        'sh',
        '-c',
        'echo "$REGION" > /kratix/output/region; [ "$PASSWORD" = hunter2 ]',
      ],
      env,
    });
    const password = {
      name: 'PASSWORD',
      valueFrom: { secretKeyRef: { name: 'db-creds', key: 'password' } },
    };
    const region = {
      name: 'REGION',
      valueFrom: { configMapKeyRef: { name: 'settings', key: 'region' } },
    };
    const ok = await request([container([password, region])]);
    expect(await withSecrets.run(ok.req)).toEqual({
      succeeded: true,
      exitCode: 0,
    });
    expect(await read(path.join(ok.dirs.output, 'region'))).toBe('eu-west-1\n');
    expect(ok.logOf('c')).not.toContain('hunter2');

    const missing = await request([
      container([
        region,
        {
          name: 'TOKEN',
          valueFrom: { secretKeyRef: { name: 'db-creds', key: 'token' } },
        },
      ]),
    ]);
    expect(await withSecrets.run(missing.req)).toEqual({
      succeeded: false,
      exitCode: 1,
      failedContainer: 'c',
      message:
        'Container c could not start: env TOKEN: Secret "db-creds" has no key "token"; set kratix.runner.process.secrets["db-creds"]["token"]',
    });
    await withSecrets.close();
  });

  it('without a sandbox, gives the host dirs in the KRATIX_*_DIR variables, and warns', async () => {
    const plain = new ProcessPipelineRunner({ sandbox: { type: 'none' } });
    await expect(
      ProcessPipelineRunner.probe({ sandbox: { type: 'none' } }),
    ).resolves.toEqual({
      processTree: 'pidNamespace',
      warnings: [NO_SANDBOX_WARNING],
      sandbox: expect.stringMatching(/^none/),
    });
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

  it('without a sandbox, still kills all its processes when the backend is killed', async () => {
    const { child, detached, left } = await crashMidRun(
      { sandbox: { type: 'none' } },
      { setsid: true },
    );
    expect(child.pid).not.toBe(detached!.pid);
    expect(left).toEqual([]);
  });

  describe('without a sandbox or PID namespaces', () => {
    let noPid: ProcessPipelineRunnerOptions;
    beforeAll(async () => {
      // An unshare that refuses PID namespaces.
      const unshare = path.join(base, 'unshare-without-pid');
      await fs.writeFile(
        unshare,
        `#!/bin/sh
for a; do
  [ "$a" = --pid ] && { echo "unshare: unshare failed: Invalid argument" >&2; exit 1; }
done
exec unshare "$@"
`,
        { mode: 0o755 },
      );
      noPid = { unshare, sandbox: { type: 'none' } };
    });

    it('runs containers, and warns that only their process group dies with the backend', async () => {
      const probe = await ProcessPipelineRunner.probe(noPid);
      expect(probe.processTree).toBe('processGroup');
      expect(probe.warnings).toHaveLength(2);
      expect(probe.warnings[1]).toMatch(/Invalid argument/);
      expect(probe.warnings[1]).toMatch(/process group \(setsid/);
      const { req, dirs } = await request([
        {
          name: 'c',
          image: 'i',
          command: [
            'sh',
            '-c',
            'cat "$KRATIX_INPUT_DIR/object.yaml" > "$KRATIX_OUTPUT_DIR/x"',
          ],
        },
      ]);
      expect(await new ProcessPipelineRunner(noPid).run(req)).toEqual({
        succeeded: true,
        exitCode: 0,
      });
      expect(await read(path.join(dirs.output, 'x'))).toBe(
        `name: ${req.runId}\n`,
      );
    });

    it('kills the process group of a container when the backend is killed', async () => {
      const { main, child, left } = await crashMidRun(noPid, {
        setsid: false,
      });
      expect(main.nsPid).toBe(main.pid); // no PID namespace
      expect(child.pid).not.toBe(main.pid);
      expect(left).toEqual([]);
    });
  });

  describe('probe', () => {
    it('passes here', async () => {
      await expect(ProcessPipelineRunner.probe()).resolves.toEqual({
        processTree: 'pidNamespace',
        warnings: [],
        sandbox: 'bubblewrap (/usr/bin/bwrap), as uid 65534',
      });
    });

    it("names the fix when the sandbox's user cannot reach workDir", async () => {
      const hidden = await fs.mkdtemp(path.join(base, 'private-'));
      await fs.chmod(hidden, 0o700);
      await expect(
        ProcessPipelineRunner.probe({ workDir: hidden }),
      ).rejects.toThrow(
        /uid 65534\) must be able to reach .*private-.* \(chmod o\+x\), or set kratix\.engine\.workDir/,
      );
    });

    it('names the fix when bubblewrap does not work', async () => {
      const fake = path.join(base, 'fake-bwrap');
      await fs.writeFile(
        fake,
        '#!/bin/sh\necho "bwrap: setting up uid map: Permission denied" >&2\nexit 1\n',
        { mode: 0o755 },
      );
      const options = { sandbox: { bwrap: fake } };
      const probe = ProcessPipelineRunner.probe(options);
      await expect(probe).rejects.toThrow(/uid map: Permission denied/);
      await expect(probe).rejects.toThrow(/install bubblewrap/);
      await expect(probe).rejects.toThrow(/user\.max_user_namespaces/);
      await expect(probe).rejects.toThrow(
        /kratix\.runner\.process\.sandbox\.type: none/,
      );
      await expect(
        ProcessPipelineRunner.probe({ sandbox: { bwrap: '/nope/bwrap' } }),
      ).rejects.toThrow(/bwrap/);

      // A run with a broken namespace fails with the same message, no throw.
      const { req } = await request([
        { name: 'c', image: 'i', command: ['true'] },
      ]);
      const result = await new ProcessPipelineRunner(options).run(req);
      expect(result.succeeded).toBe(false);
      expect(result.message).toMatch(/install bubblewrap/);
    });
  });
});
