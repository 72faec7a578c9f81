import os from 'node:os';
import { gitEnvironment, redactor, runGit, runGitStatus } from './runGit';

describe('gitEnvironment', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it("drops the backend's GIT_* variables but a private CA's, and the host's config", () => {
    process.env.GIT_DIR = '/elsewhere/.git';
    process.env.GIT_SSL_CAINFO = '/etc/ca.pem';
    const env = gitEnvironment({ GIT_SSH_COMMAND: 'ssh -i key' });
    expect(env.GIT_DIR).toBeUndefined();
    expect(env).toMatchObject({
      GIT_SSL_CAINFO: '/etc/ca.pem',
      GIT_SSH_COMMAND: 'ssh -i key',
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_TERMINAL_PROMPT: '0',
    });
    expect(env.PATH).toBe(process.env.PATH);
  });
});

describe('redactor', () => {
  it('hides each secret, and each line of a multi-line one', () => {
    const redact = redactor([
      't0ken',
      '-----BEGIN-----\nAAAAkeyline\n-----END-----',
      undefined,
    ]);
    expect(redact('fatal: t0ken refused; saw AAAAkeyline')).toBe(
      'fatal: *** refused; saw ***',
    );
  });
});

describe('runGit', () => {
  const context = {
    cwd: os.tmpdir(),
    env: {},
    configArgs: [],
    timeoutMs: 10_000,
    redact: redactor(['s3cret']),
  };

  it('resolves with stdout', async () => {
    expect(await runGit(context, ['--version'])).toMatch(/^git version /);
  });

  it('names the command, its exit code and its redacted stderr', async () => {
    const result = await runGitStatus(context, [
      'config',
      '--file',
      '/nonexistent/s3cret',
      '--list',
    ]);
    expect(result.exitCode).toBe(128);
    expect(result.error?.message).toMatch(
      /^git config failed \(exit 128\): fatal: unable to read config file '\/nonexistent\/\*\*\*'/,
    );
    expect(result.error?.message).toContain('***');
    expect(result.error?.message).not.toContain('s3cret');
  });
});
