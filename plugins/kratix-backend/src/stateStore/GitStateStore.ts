// A State Store in a git repository, as upstream's GitStateStore: each
// change is a commit pushed to a branch. The Destinations' layout is the
// filesystem store's, applied to a clone of the branch.
import fs from 'node:fs/promises';
import path from 'node:path';
import { LoggerService } from '@backstage/backend-plugin-api';
import { Destination, OutputFile, StateStore } from '../engine/interfaces';
import { FileSystemStateStore } from './FileSystemStateStore';
import { prepareGitAuth } from './git/gitAuth';
import { GitStateStoreConfig } from './git/gitStateStoreConfig';
import {
  GitCommandError,
  GitContext,
  runGit,
  runGitStatus,
} from './git/runGit';

export interface GitStateStoreOptions {
  git: GitStateStoreConfig;
  /** Local folder of the store: its clone (`clone/`), its ssh files. */
  workDir: string;
  /** For their `filepath`; others are `nestedByMetadata`. */
  destinations?: Destination[];
  logger?: LoggerService;
  /** Longest one git command may run. Default 2 minutes. */
  timeoutMs?: number;
  /** Pushes tried when others push first. Default 5. */
  maxPushAttempts?: number;
  /** The ssh program (tests). */
  sshCommand?: string;
}

/**
 * Config for every command: no hooks, signing or symlinks in the clone;
 * housekeeping in the foreground, never holding a lock behind our back.
 */
const SAFE_CONFIG = [
  'core.hooksPath=/dev/null',
  'commit.gpgSign=false',
  'core.symlinks=false',
  'core.autocrlf=false',
  'gc.autoDetach=false',
  'maintenance.autoDetach=false',
].flatMap(setting => ['-c', setting]);

/** The filesystem store's staging folder: never committed. */
const EXCLUDE = '.kratix-tmp/\n';

/** A path with a `.git` segment, which git would skip or refuse. */
export const isGitPath = (p: string) =>
  p.split('/').some(s => s.toLowerCase() === '.git');

/** A push refused because the branch moved (another writer), to retry. */
function isRaceLost(error: GitCommandError): boolean {
  return /\[rejected\]|fetch first|non-fast-forward|failed to (update|lock)|cannot lock ref/i.test(
    error.output,
  );
}

export class GitStateStore implements StateStore {
  /** Names the store in errors: its URL (never a secret) and branch. */
  readonly name: string;
  private readonly files: FileSystemStateStore;
  private readonly clone: string;
  private context?: GitContext;
  /** One worktree: every change waits for the one before. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: GitStateStoreOptions) {
    const { url, branch, path: repoPath } = options.git;
    this.name = `Git state store ${url} (branch ${branch})`;
    this.clone = path.join(path.resolve(options.workDir), 'clone');
    this.files = new FileSystemStateStore({
      path: path.join(this.clone, repoPath),
      destinations: options.destinations,
    });
  }

  writeWorkload(options: {
    destination: string;
    workloadPath: string;
    files: OutputFile[];
  }): Promise<void> {
    const where = `${options.destination}/${options.workloadPath}`;
    const gitFile = options.files.find(f => isGitPath(f.path));
    if (gitFile) {
      return Promise.reject(
        new Error(
          `${this.name}: refusing file path "${gitFile.path}" (workload ${where}): git keeps no .git folder`,
        ),
      );
    }
    return this.change(`write ${where}`, `Kratix: update ${where}`, files =>
      files.writeWorkload(options),
    );
  }

  deleteWorkload(options: {
    workloadPath: string;
    destination?: string;
  }): Promise<void> {
    const where = options.destination
      ? `${options.destination}/${options.workloadPath}`
      : `${options.workloadPath} (every Destination)`;
    return this.change(`delete ${where}`, `Kratix: delete ${where}`, files =>
      files.deleteWorkload(options),
    );
  }

  private change(
    what: string,
    message: string,
    apply: (files: StateStore) => Promise<void>,
  ): Promise<void> {
    const next = this.queue.then(() => this.commit(what, message, apply));
    this.queue = next.catch(() => {});
    return next;
  }

  /**
   * On the branch's tip: applies the change, commits it when it changed
   * something, and pushes. When another writer pushed first, does it all
   * again on the new tip (the change is re-applied, not rebased).
   */
  private async commit(
    what: string,
    message: string,
    apply: (files: StateStore) => Promise<void>,
  ): Promise<void> {
    const max = this.options.maxPushAttempts ?? 5;
    const branch = this.options.git.branch;
    try {
      const git = await this.prepare();
      for (let attempt = 1; ; attempt++) {
        await this.sync(git);
        await apply(this.files);
        await runGit(git, ['add', '-A', '--', this.options.git.path || '.']);
        const staged = await runGitStatus(git, ['diff', '--cached', '--quiet']);
        if (staged.exitCode === 0) return; // nothing changed
        if (staged.exitCode !== 1) throw staged.error;
        await runGit(git, ['commit', '-q', '--no-verify', '-m', message]);
        const push = await runGitStatus(git, [
          'push',
          '--porcelain',
          'origin',
          `HEAD:refs/heads/${branch}`,
        ]);
        if (push.exitCode === 0) {
          this.options.logger?.debug(`${this.name}: pushed "${message}"`);
          return;
        }
        if (attempt >= max || !isRaceLost(push.error!)) throw push.error;
        this.options.logger?.info(
          `${
            this.name
          }: the branch moved before "${message}" was pushed; doing it again on the new tip (attempt ${
            attempt + 1
          } of ${max})`,
        );
      }
    } catch (e) {
      const why = (e as Error).message;
      throw new Error(
        e instanceof GitCommandError
          ? `${this.name}: could not ${what}: ${why}`
          : `${this.name}: ${why}`,
      );
    }
  }

  /** The clone, its remote and credentials; again after a failure. */
  private async prepare(): Promise<GitContext> {
    if (this.context) return this.context;
    const { git, workDir } = this.options;
    const auth = await prepareGitAuth(
      git,
      path.join(path.resolve(workDir), 'credentials'),
      this.options.sshCommand,
    );
    const context: GitContext = {
      cwd: this.clone,
      env: {
        ...auth.env,
        GIT_AUTHOR_NAME: git.author.name,
        GIT_AUTHOR_EMAIL: git.author.email,
        GIT_COMMITTER_NAME: git.author.name,
        GIT_COMMITTER_EMAIL: git.author.email,
      },
      configArgs: [...auth.configArgs, ...SAFE_CONFIG],
      timeoutMs: this.options.timeoutMs ?? 120_000,
      redact: auth.redact,
    };
    await fs.mkdir(this.clone, { recursive: true, mode: 0o700 });
    const fresh = await fs.stat(path.join(this.clone, '.git')).then(
      () => false,
      () => true,
    );
    if (fresh) await runGit(context, ['init', '-q']);
    await this.removeStaleLocks();
    await runGit(context, ['config', 'remote.origin.url', git.url]);
    await runGit(context, ['symbolic-ref', 'HEAD', `refs/heads/${git.branch}`]);
    const info = path.join(this.clone, '.git', 'info');
    await fs.mkdir(info, { recursive: true });
    await fs.writeFile(path.join(info, 'exclude'), EXCLUDE);
    this.context = context;
    return context;
  }

  /**
   * Lock files a backend stopped mid-command left: this instance is the
   * clone's only user (one `stateStore.path` each), and has not begun.
   */
  private async removeStaleLocks(): Promise<void> {
    const { branch } = this.options.git;
    const dotGit = path.join(this.clone, '.git');
    const locks = [
      'index.lock',
      'HEAD.lock',
      'config.lock',
      'packed-refs.lock',
      `refs/heads/${branch}.lock`,
      `refs/remotes/origin/${branch}.lock`,
    ];
    for (const lock of locks) {
      await fs.rm(path.join(dotGit, lock), { force: true });
    }
  }

  /** Makes the worktree the branch's tip, or empty when there is no branch. */
  private async sync(git: GitContext): Promise<void> {
    const { branch } = this.options.git;
    const remote = `refs/remotes/origin/${branch}`;
    const fetch = await runGitStatus(git, [
      'fetch',
      '-q',
      '--no-tags',
      'origin',
      `+refs/heads/${branch}:${remote}`,
    ]);
    if (fetch.exitCode === 0) {
      await runGit(git, ['reset', '-q', '--hard', remote]);
    } else if (/couldn't find remote ref/i.test(fetch.error!.output)) {
      // No branch yet: the first push makes it.
      await runGit(git, ['update-ref', '-d', `refs/heads/${branch}`]);
      await runGit(git, ['update-ref', '-d', remote]);
      await runGit(git, ['read-tree', '--empty']);
    } else {
      throw fetch.error;
    }
    await runGit(git, ['clean', '-q', '-ffdx']);
  }
}
