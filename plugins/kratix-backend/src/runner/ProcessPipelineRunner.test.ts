// Real processes, real files, real bubblewrap sandboxes (the tests run as root).
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  DEFAULT_OUTPUT_LIMITS,
  DEFAULT_STATUS_MAX_BYTES,
  PipelineContainer,
  PipelineRunRequest,
  PipelineRunResult,
  RunnerUnavailableError,
} from '../engine';
import { RunDirs } from './pipelineDirs';
import {
  ProcessPipelineRunner,
  ProcessPipelineRunnerOptions,
} from './ProcessPipelineRunner';
import { NO_SANDBOX_WARNING } from './processTree';

jest.setTimeout(30_000);

let base: string;
/** Where the runners make their runs' folders (not under `base`, which containers see). */
let workDir: string;
let runCount = 0;

beforeAll(async () => {
  base = await fs.mkdtemp(path.join(os.tmpdir(), 'kratix-runner-test-'));
  await fs.chmod(base, 0o755); // the sandbox's user reads its scripts
  workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'kratix-runner-work-'));
  await fs.chmod(workDir, 0o711); // and reaches its runs' folders
});
afterAll(async () => {
  await fs.rm(base, { recursive: true, force: true });
  await fs.rm(workDir, { recursive: true, force: true });
});

/** Writes a shell script and returns its path. */
async function script(name: string, body: string): Promise<string> {
  const file = path.join(base, `${name}.sh`);
  await fs.writeFile(file, `set -eu\n${body}\n`);
  return file;
}

/** A request collecting logs; its object.yaml names the run. */
async function request(
  containers: PipelineContainer[],
  extra: Partial<PipelineRunRequest> = {},
) {
  const n = ++runCount;
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
    objectYaml: `name: run-${n}\n`,
    statusMaxBytes: DEFAULT_STATUS_MAX_BYTES,
    outputMaxBytes: DEFAULT_OUTPUT_LIMITS.maxBytes,
    collectOutputs: true,
    signal: new AbortController().signal,
    onLog: (container, chunk) => logs.push([container, chunk]),
    ...extra,
  };
  const logOf = (container: string) =>
    logs
      .filter(([c]) => c === container)
      .map(([, chunk]) => chunk)
      .join('');
  return { req, logOf };
}

const read = (file: string) => fs.readFile(file, 'utf8');

/** The file `name` of /kratix/output that a succeeded run returned. */
function outputOf(result: PipelineRunResult, name: string): string | undefined {
  if (!result.succeeded) throw new Error(`the run failed: ${result.message}`);
  return result.outputs.files.find(f => f.path === name)?.content.toString();
}

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

/**
 * The host dirs of a run under way, found under `parent` by its
 * object.yaml (the runner makes them).
 */
function runDirs(req: PipelineRunRequest, parent = workDir): Promise<RunDirs> {
  return until(async () => {
    for (const entry of await fs.readdir(parent)) {
      const root = path.join(parent, entry);
      const object = await read(path.join(root, 'input/object.yaml')).catch(
        () => '',
      );
      if (object !== req.objectYaml) continue;
      const dir = (name: string) => path.join(root, name);
      return {
        input: dir('input'),
        output: dir('output'),
        metadata: dir('metadata'),
      };
    }
    return undefined;
  });
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
  const { req } = await request([
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
  const backend = backendProcess({ workDir, ...options }, req);
  try {
    const dirs = await runDirs(req);
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
    sandboxed = { workDir, sandbox: { readOnlyPaths: [base] } };
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
id -u > /kratix/output/uid
stat -f -c %T / > /kratix/output/rootfs
ls /proc | grep -c '^[0-9]' > /kratix/output/processes`,
    );
    const runner = new ProcessPipelineRunner({
      ...sandboxed,
      images: { 'write-output:v1': ['sh', writeOutput] },
    });
    const { req, logOf } = await request([
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
    expect(result).toMatchObject({ succeeded: true, exitCode: 0 });
    expect(result.succeeded && result.outputs.statusFile?.toString()).toBe(
      'message: created by database/instance-configure\nsize: 10Gb\n',
    );
    expect(outputOf(result, 'x.yaml')).toBe(
      'message: created by database/instance-configure\nsize: 10Gb\n' +
        'input=/kratix/input output=/kratix/output metadata=/kratix/metadata\n' +
        'args=one two\n',
    );
    expect(logOf('create-db')).toMatch(
      /env FROM_FIELD skipped: valueFrom fieldRef/,
    );
    // an unprivileged user, in a root of its own
    expect(outputOf(result, 'uid')).toBe('65534\n');
    expect(outputOf(result, 'rootfs')).toBe('tmpfs\n');
    // its own PID namespace and /proc: bwrap's init, sh, ls, grep
    const processes = Number(outputOf(result, 'processes'));
    expect(processes).toBeGreaterThan(0);
    expect(processes).toBeLessThan(10);
  });

  it("never lets two parallel runs see each other's files", async () => {
    const probe = await script(
      'isolation',
      `echo "$RUN" > "/kratix/output/$RUN"
sleep 0.5
ls /kratix/output > /kratix/metadata/status.yaml
cat /kratix/input/object.yaml >> /kratix/metadata/status.yaml`,
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
      const result = results[i];
      expect(result.succeeded && result.outputs.statusFile?.toString()).toBe(
        `${run}\nname: ${runs[i].req.runId}\n`,
      );
      expect(result.succeeded && result.outputs.files.map(f => f.path)).toEqual(
        [run],
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
    runner = new ProcessPipelineRunner({
      workDir,
      sandbox: { readOnlyPaths: [base] },
    });
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
      workDir,
      sandbox: { readOnlyPaths: [base] },
      timeoutMs: 500,
      killGraceMs: 300,
    });
    const { req } = await request([
      { name: 'slow', image: 'i', command: ['sh', slow] },
    ]);
    const started = Date.now();
    const running = timed.run(req);
    const dirs = await runDirs(req);
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
    const { req } = await request(
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
    const dirs = await runDirs(req);
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
    expect(result).toMatchObject({
      succeeded: false,
      failedContainer: 'create-db',
      message: expect.stringContaining(
        'Container create-db (image create-db:v0.1.0)',
      ),
    });
    expect(!result.succeeded && result.message).toContain(
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
      workDir,
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
      const { req } = await request([
        {
          name: 'env',
          image: 'i',
          command: ['sh', '-c', 'env > /kratix/output/env'],
        },
      ]);
      const result = await runner.run(req);
      expect(result.succeeded).toBe(true);
      const env = outputOf(result, 'env');
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
      workDir,
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
    const okResult = await withSecrets.run(ok.req);
    expect(okResult).toMatchObject({ succeeded: true, exitCode: 0 });
    expect(outputOf(okResult, 'region')).toBe('eu-west-1\n');
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
    const plain = new ProcessPipelineRunner({
      workDir,
      sandbox: { type: 'none' },
    });
    await expect(
      ProcessPipelineRunner.probe({ sandbox: { type: 'none' } }),
    ).resolves.toEqual({
      processTree: 'pidNamespace',
      warnings: [NO_SANDBOX_WARNING],
      sandbox: expect.stringMatching(/^none/),
    });
    const { req } = await request([
      {
        name: 'c',
        image: 'i',
        command: [
          'sh',
          '-c',
          'test ! -e /kratix/input/object.yaml && cp "$KRATIX_INPUT_DIR/object.yaml" "$KRATIX_OUTPUT_DIR/copy" && echo "$KRATIX_OUTPUT_DIR" > "$KRATIX_OUTPUT_DIR/where"',
        ],
      },
    ]);
    const result = await plain.run(req);
    expect(result).toMatchObject({ succeeded: true, exitCode: 0 });
    expect(outputOf(result, 'copy')).toBe(`name: ${req.runId}\n`);
    // the run's folder, under workDir, is gone once the run ends
    const where = outputOf(result, 'where')!.trim();
    expect(path.relative(workDir, where)).toMatch(
      /^instance-configure-\w+\/output$/,
    );
    await expect(fs.stat(path.dirname(where))).rejects.toThrow(/ENOENT/);
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
      noPid = { workDir, unshare, sandbox: { type: 'none' } };
    });

    it('runs containers, and warns that only their process group dies with the backend', async () => {
      const probe = await ProcessPipelineRunner.probe(noPid);
      expect(probe.processTree).toBe('processGroup');
      expect(probe.warnings).toHaveLength(2);
      expect(probe.warnings[1]).toMatch(/Invalid argument/);
      expect(probe.warnings[1]).toMatch(/process group \(setsid/);
      const { req } = await request([
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
      const result = await new ProcessPipelineRunner(noPid).run(req);
      expect(result).toMatchObject({ succeeded: true, exitCode: 0 });
      expect(outputOf(result, 'x')).toBe(`name: ${req.runId}\n`);
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
      expect(result).toMatchObject({
        succeeded: false,
        message: expect.stringMatching(/install bubblewrap/),
      });
    });
  });
});

describe("ProcessPipelineRunner's run folders and what it returns", () => {
  /** A workDir of its own: only the sandbox's copy of /etc stays there. */
  let own: string;
  let runner: ProcessPipelineRunner;
  beforeAll(async () => {
    own = await fs.mkdtemp(path.join(os.tmpdir(), 'kratix-runner-own-'));
    await fs.chmod(own, 0o711);
    runner = new ProcessPipelineRunner({
      workDir: own,
      sandbox: { readOnlyPaths: [base] },
    });
  });
  afterAll(async () => {
    await runner.close();
    await fs.rm(own, { recursive: true, force: true });
  });
  const leftOver = async () =>
    (await fs.readdir(own)).filter(entry => entry !== 'sandbox-etc');
  const run = async (body: string, extra: Partial<PipelineRunRequest> = {}) => {
    const { req } = await request(
      [{ name: 'c', image: 'i', command: ['sh', '-c', body] }],
      extra,
    );
    return runner.run(req);
  };

  it('returns status.yaml, destination-selectors.yaml and every output, then removes the run folder', async () => {
    const result = await run(`cd /kratix
printf 'message: hi\\n' > metadata/status.yaml
printf -- '- matchLabels: {env: dev}\\n' > metadata/destination-selectors.yaml
echo ignored > metadata/other
mkdir -p output/platform
echo app > output/app.yaml
echo ns > output/platform/ns.yaml`);
    expect(result).toEqual({
      succeeded: true,
      exitCode: 0,
      outputs: {
        statusFile: Buffer.from('message: hi\n'),
        destinationSelectors: Buffer.from('- matchLabels: {env: dev}\n'),
        files: [
          { path: 'app.yaml', content: Buffer.from('app\n') },
          { path: 'platform/ns.yaml', content: Buffer.from('ns\n') },
        ],
      },
    });
    expect(await leftOver()).toEqual([]);
  });

  it('returns only status.yaml when not asked for the outputs (delete workflows)', async () => {
    const result = await run(
      `printf 'cleaned: true\\n' > /kratix/metadata/status.yaml
mkfifo /kratix/output/pipe /kratix/metadata/destination-selectors.yaml`,
      { collectOutputs: false },
    );
    expect(result).toEqual({
      succeeded: true,
      exitCode: 0,
      outputs: { statusFile: Buffer.from('cleaned: true\n'), files: [] },
    });
    expect(await leftOver()).toEqual([]);
  });

  it.each([
    [
      'a FIFO status.yaml',
      'mkfifo /kratix/metadata/status.yaml',
      '/kratix/metadata/status.yaml is a FIFO (named pipe), not a regular file',
    ],
    [
      'a status.yaml that links to a host file',
      'ln -s /etc/passwd /kratix/metadata/status.yaml',
      '/kratix/metadata/status.yaml is a symbolic link, not a regular file',
    ],
    [
      'a status.yaml over statusMaxBytes',
      "printf 'message: too long\\n' > /kratix/metadata/status.yaml",
      '/kratix/metadata/status.yaml is 18 bytes, more than the limit of 16 bytes',
    ],
    [
      'a link in /kratix/output',
      'ln -s /etc/passwd /kratix/output/x',
      "the output 'x' is a symbolic link; write regular files to /kratix/output",
    ],
    [
      'outputs over outputMaxBytes',
      'echo 12345 > /kratix/output/a; echo 12345 > /kratix/output/b',
      expect.stringMatching(
        /^the outputs in \/kratix\/output are more than 8 bytes in total \(kratix\.engine\.outputMaxBytes\); '(a|b)' goes over$/,
      ),
    ],
    [
      'too many outputs',
      'cd /kratix/output && seq 1001 | xargs touch',
      '/kratix/output holds more than 1000 files and directories, the limit',
    ],
    [
      'a destination-selectors.yaml over 64 KiB',
      'head -c 65537 /dev/zero > /kratix/metadata/destination-selectors.yaml',
      '/kratix/metadata/destination-selectors.yaml is 65537 bytes, more than the limit of 65536 bytes',
    ],
  ])(
    'fails the run for %s, saying what and where, and removes its folder',
    async (_name, body, message) => {
      const result = await run(body, {
        statusMaxBytes: 16,
        outputMaxBytes: 8,
      });
      expect(result).toEqual({
        succeeded: false,
        exitCode: 0,
        message,
      });
      expect(await leftOver()).toEqual([]);
    },
  );

  it('removes the run folder of a failing container', async () => {
    const result = await run('echo x > /kratix/output/x; exit 4');
    expect(result).toMatchObject({ succeeded: false, exitCode: 4 });
    expect(await leftOver()).toEqual([]);
  });

  it('throws RunnerUnavailableError, naming workDir, when it cannot make the run folder', async () => {
    const gone = path.join(own, 'no-such-dir');
    const nowhere = new ProcessPipelineRunner({
      workDir: gone,
      sandbox: { type: 'none' },
    });
    const { req } = await request([
      { name: 'c', image: 'i', command: ['true'] },
    ]);
    const running = nowhere.run(req);
    await expect(running).rejects.toBeInstanceOf(RunnerUnavailableError);
    await expect(running).rejects.toThrow(
      /^the pipeline's directories could not be made in .*no-such-dir: ENOENT/,
    );
    await nowhere.close();
  });
});
