// Runs the `git` CLI: no shell, bounded output and time, isolated from the
// host's git configuration, with secrets kept out of argv and errors.
import { spawn } from 'node:child_process';

/** Largest stdout or stderr kept from one git command. */
const MAX_OUTPUT_BYTES = 1024 * 1024;
/** Of stderr, what an error message shows. */
const MESSAGE_TAIL_CHARS = 2000;

export interface GitContext {
  /** The worktree. */
  cwd: string;
  /** Added to the environment (credentials, GIT_SSH_COMMAND). */
  env: Record<string, string>;
  /** Put before the command (`-c key=value`, never a secret). */
  configArgs: string[];
  timeoutMs: number;
  /** Hides the secrets in a text before it leaves the store. */
  redact(text: string): string;
}

/** A git command failed; `output` is its stdout and stderr, redacted. */
export class GitCommandError extends Error {
  constructor(
    readonly command: string,
    readonly exitCode: number,
    readonly output: string,
  ) {
    const tail = output.trim().slice(-MESSAGE_TAIL_CHARS);
    super(
      `git ${command} failed${exitCode >= 0 ? ` (exit ${exitCode})` : ''}${
        tail ? `: ${tail}` : ''
      }`,
    );
    this.name = 'GitCommandError';
  }
}

/** GIT_* variables of the backend that git still gets: a private CA. */
const KEPT = new Set(['GIT_SSL_CAINFO', 'GIT_SSL_CAPATH']);

/**
 * The environment git runs with: the backend's, without GIT_* variables
 * (a hook's GIT_DIR, say; but for KEPT) and without the user's or
 * system's git config (credential helpers, signing), never prompting.
 */
export function gitEnvironment(
  extra: Record<string, string>,
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('GIT_') || KEPT.has(key)) env[key] = value;
  }
  return {
    ...env,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
    GIT_ASKPASS: 'true',
    SSH_ASKPASS: 'true',
    LC_ALL: 'C',
    ...extra,
  };
}

/** Runs `git <args>`; resolves with stdout, rejects with a GitCommandError. */
export async function runGit(
  context: GitContext,
  args: string[],
): Promise<string> {
  const result = await runGitStatus(context, args);
  if (result.exitCode !== 0) throw result.error;
  return result.stdout;
}

/**
 * Like runGit, but a failing exit code resolves: for `diff --quiet`. Git
 * runs in a process group of its own (no terminal, so ssh never prompts);
 * a timeout or too much output kills the group, ssh and the remote
 * helpers included, so that nothing holds the answer back.
 */
export function runGitStatus(
  context: GitContext,
  args: string[],
): Promise<{ exitCode: number; stdout: string; error?: GitCommandError }> {
  const command = args[0];
  return new Promise(settle => {
    let settled = false;
    const resolve = (result: Awaited<ReturnType<typeof runGitStatus>>) => {
      if (!settled) settle(result);
      settled = true;
    };
    const child = spawn('git', [...context.configArgs, ...args], {
      cwd: context.cwd,
      env: gitEnvironment(context.env),
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let why: string | undefined;
    const kill = (reason: string) => {
      why ??= reason;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(
      () => kill(`timed out after ${context.timeoutMs} ms`),
      context.timeoutMs,
    );
    const collect = (stream: NodeJS.ReadableStream) => {
      const chunks: Buffer[] = [];
      let bytes = 0;
      stream.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (bytes > MAX_OUTPUT_BYTES) {
          kill(`more than ${MAX_OUTPUT_BYTES} bytes of output`);
        } else chunks.push(chunk);
      });
      return () => Buffer.concat(chunks).toString('utf8');
    };
    const stdout = collect(child.stdout);
    const stderr = collect(child.stderr);
    const fail = (exitCode: number, output: string) =>
      resolve({
        exitCode,
        stdout: stdout(),
        error: new GitCommandError(command, exitCode, output),
      });
    child.on('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      fail(
        -1,
        e.code === 'ENOENT'
          ? 'the git command was not found on PATH'
          : e.message,
      );
    });
    child.on('close', code => {
      clearTimeout(timer);
      if (code === 0 && !why) {
        resolve({ exitCode: 0, stdout: stdout() });
        return;
      }
      const output = context.redact(`${stderr()}\n${stdout()}`);
      fail(code ?? -1, why ? `${why}\n${output}` : output);
    });
  });
}

/** Replaces every secret (and each of its lines) in `text` with `***`. */
export function redactor(secrets: Array<string | undefined>) {
  const parts = secrets
    .flatMap(s => (s ? [s, ...s.split('\n')] : []))
    .map(s => s.trim())
    .filter(s => s.length >= 4)
    .sort((a, b) => b.length - a.length);
  return (text: string) =>
    parts.reduce((t, secret) => t.split(secret).join('***'), text);
}
