// Runs the `git` CLI: no shell, bounded output and time, isolated from the
// host's git configuration, with secrets kept out of argv and errors.
import { execFile } from 'node:child_process';

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
    readonly exitCode: number | string | undefined,
    readonly output: string,
  ) {
    const tail = output.trim().slice(-MESSAGE_TAIL_CHARS);
    super(
      `git ${command} failed${
        typeof exitCode === 'number' ? ` (exit ${exitCode})` : ''
      }${tail ? `: ${tail}` : ''}`,
    );
    this.name = 'GitCommandError';
  }
}

/**
 * The environment git runs with: the backend's, without GIT_* variables
 * (a hook's GIT_DIR, say) and without the user's or system's git config
 * (credential helpers, signing), never prompting.
 */
export function gitEnvironment(
  extra: Record<string, string>,
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('GIT_')) env[key] = value;
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

/** Like runGit, but a failing exit code resolves: for `diff --quiet`. */
export function runGitStatus(
  context: GitContext,
  args: string[],
): Promise<{ exitCode: number; stdout: string; error?: GitCommandError }> {
  const command = args[0];
  return new Promise(resolve => {
    execFile(
      'git',
      [...context.configArgs, ...args],
      {
        cwd: context.cwd,
        env: gitEnvironment(context.env),
        timeout: context.timeoutMs,
        killSignal: 'SIGKILL',
        maxBuffer: MAX_OUTPUT_BYTES,
        encoding: 'utf8',
        windowsHide: true,
      },
      (error, stdout, stderr) => {
        if (!error) {
          resolve({ exitCode: 0, stdout });
          return;
        }
        const e = error as NodeJS.ErrnoException & {
          code?: number | string;
          killed?: boolean;
        };
        let output = context.redact(`${stderr}\n${stdout}`);
        if (e.killed) {
          output = `timed out after ${context.timeoutMs} ms\n${output}`;
        } else if (e.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') {
          output = `more than ${MAX_OUTPUT_BYTES} bytes of output\n${output}`;
        } else if (e.code === 'ENOENT') {
          output = `the git command was not found on PATH\n${output}`;
        }
        const exitCode = typeof e.code === 'number' ? e.code : -1;
        resolve({
          exitCode,
          stdout,
          error: new GitCommandError(command, e.code, output),
        });
      },
    );
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
