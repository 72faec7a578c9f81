// A bare git repository in a folder, and what a branch of it holds.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { gitEnvironment } from '../git/runGit';

export interface BareRepo {
  /** Its folder. */
  dir: string;
  /** `file:///...` */
  url: string;
  /** The files of the branch, sorted; none when it has no branch. */
  files(branch?: string): string[];
  /** A file of the branch. */
  show(file: string, branch?: string): string;
  /** Subjects of the branch's commits, newest first. */
  subjects(branch?: string): string[];
  /** `%an <%ae>` of the newest commit. */
  author(branch?: string): string;
}

function git(dir: string, args: string[]): string {
  return execFileSync('git', ['--git-dir', dir, ...args], {
    env: gitEnvironment({}),
    encoding: 'utf8',
  });
}

/** `git init --bare` in `parent/name`. */
export function createBareRepo(parent: string, name = 'repo.git'): BareRepo {
  const dir = path.join(parent, name);
  execFileSync('git', ['init', '-q', '--bare', dir], {
    env: gitEnvironment({}),
  });
  const has = (branch: string) => {
    try {
      git(dir, ['rev-parse', '-q', '--verify', `refs/heads/${branch}`]);
      return true;
    } catch {
      return false;
    }
  };
  return {
    dir,
    url: `file://${dir}`,
    files: (branch = 'main') =>
      has(branch)
        ? git(dir, ['ls-tree', '-r', '--name-only', branch])
            .split('\n')
            .filter(Boolean)
            .sort()
        : [],
    show: (file, branch = 'main') => git(dir, ['show', `${branch}:${file}`]),
    subjects: (branch = 'main') =>
      has(branch)
        ? git(dir, ['log', '--format=%s', branch]).split('\n').filter(Boolean)
        : [],
    author: (branch = 'main') =>
      git(dir, ['log', '-1', '--format=%an <%ae>', branch]).trim(),
  };
}
