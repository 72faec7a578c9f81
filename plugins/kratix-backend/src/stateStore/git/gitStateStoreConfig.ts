// `kratix.stateStore.git`: upstream's GitStateStore spec (url, branch,
// path, authMethod, gitAuthor), its Secret's keys given in config.
import { Config } from '@backstage/config';

export type GitAuthMethod = 'basicAuth' | 'ssh';

/** The keys of upstream's GitStateStore Secret. */
export interface GitCredentials {
  /** basicAuth */
  username?: string;
  /** basicAuth: a password or token. */
  password?: string;
  /** ssh: the private key, PEM or OpenSSH format. */
  sshPrivateKey?: string;
  /** ssh: known_hosts lines for the server. */
  knownHosts?: string;
}

export interface GitStateStoreConfig {
  url: string;
  branch: string;
  /** Folder in the repository holding the Destinations; '' for its root. */
  path: string;
  authMethod: GitAuthMethod;
  credentials: GitCredentials;
  author: { name: string; email: string };
}

const KEY = 'kratix.stateStore.git';

function fail(key: string, why: string): never {
  throw new Error(`Invalid config ${KEY}.${key}: ${why}`);
}

/** The URL's kind; plain paths and other transports are refused. */
export function urlKind(url: string): 'file' | 'http' | 'ssh' | undefined {
  if (/^file:\/\/\//.test(url)) return 'file';
  if (/^https?:\/\/[^/]/.test(url)) return 'http';
  if (/^ssh:\/\/[^/]/.test(url)) return 'ssh';
  // scp-like: [user@]host:path, the host without '/'
  if (/^([^@/:\s]+@)?[^@/:\s]+:[^/:]/.test(url) && !url.includes('://')) {
    return 'ssh';
  }
  return undefined;
}

function readUrl(git: Config): string {
  const url = git.getString('url').trim();
  const kind = urlKind(url);
  if (!kind) {
    fail(
      'url',
      `'${url}' is not a file:///, https://, http://, ssh:// or user@host:path URL`,
    );
  }
  if (kind === 'http' && /^https?:\/\/[^/@]*:[^/@]*@/.test(url)) {
    // Never echo it: it holds a secret.
    fail(
      'url',
      'it holds a password; give it in kratix.stateStore.git.credentials',
    );
  }
  return url;
}

/** A folder of the repository: relative, no `.` or `..` segments. */
function readRepoPath(git: Config): string {
  const raw = git.getOptionalString('path') ?? '';
  const segments = raw.split('/').filter(s => s !== '' && s !== '.');
  if (
    segments.some(s => s === '..' || s.toLowerCase() === '.git') ||
    raw.includes('\\')
  ) {
    fail('path', `'${raw}' must stay inside the repository`);
  }
  return segments.join('/');
}

function readCredentials(git: Config): GitCredentials {
  const c = git.getOptionalConfig('credentials');
  const credentials: GitCredentials = {
    username: c?.getOptionalString('username'),
    password: c?.getOptionalString('password'),
    sshPrivateKey: c?.getOptionalString('sshPrivateKey'),
    knownHosts: c?.getOptionalString('knownHosts'),
  };
  for (const key of ['username', 'password'] as const) {
    if (/[\r\n\0]/.test(credentials[key] ?? '')) {
      fail(`credentials.${key}`, 'it holds a line break or NUL');
    }
  }
  return credentials;
}

function checkAuth(
  url: string,
  method: GitAuthMethod,
  credentials: GitCredentials,
): void {
  const kind = urlKind(url);
  const { username, password, sshPrivateKey, knownHosts } = credentials;
  const basic = username !== undefined || password !== undefined;
  const ssh = sshPrivateKey !== undefined || knownHosts !== undefined;
  if (method === 'basicAuth') {
    if (ssh) {
      fail('credentials', 'sshPrivateKey and knownHosts need authMethod: ssh');
    }
    if (basic && (!username || !password)) {
      fail('credentials', 'basicAuth needs both username and password');
    }
    if (basic && kind !== 'http') {
      fail('credentials', `basicAuth is for https:// URLs, not '${url}'`);
    }
  } else {
    if (basic) {
      fail('credentials', 'username and password need authMethod: basicAuth');
    }
    if (!sshPrivateKey || !knownHosts) {
      fail('credentials', 'authMethod ssh needs sshPrivateKey and knownHosts');
    }
    if (kind !== 'ssh') {
      fail('authMethod', `ssh needs an ssh:// or user@host:path URL`);
    }
  }
}

/** Reads `kratix.stateStore.git` (the `git` config given). */
export function readGitStateStoreConfig(git: Config): GitStateStoreConfig {
  const url = readUrl(git);
  const branch = git.getOptionalString('branch') ?? 'main';
  if (
    !/^[A-Za-z0-9._/-]+$/.test(branch) ||
    /(^[-/.]|\.\.|\/\/|[/.]$)/.test(branch)
  ) {
    fail('branch', `'${branch}' is not a branch name`);
  }
  const method = git.getOptionalString('authMethod') ?? 'basicAuth';
  if (method !== 'basicAuth' && method !== 'ssh') {
    fail('authMethod', `'${method}': expected 'basicAuth' or 'ssh'`);
  }
  const credentials = readCredentials(git);
  checkAuth(url, method, credentials);
  const author = git.getOptionalConfig('gitAuthor');
  return {
    url,
    branch,
    path: readRepoPath(git),
    authMethod: method,
    credentials,
    author: {
      name: author?.getOptionalString('name') || 'kratix',
      email: author?.getOptionalString('email') ?? '',
    },
  };
}

/**
 * `kratix.stateStore.type` (the `kratix` config given): `filesystem`
 * (default: undefined) or `git`, read from `stateStore.git`.
 */
export function readStateStoreGit(c: Config): GitStateStoreConfig | undefined {
  const type = c.getOptionalString('stateStore.type') ?? 'filesystem';
  const git = c.getOptionalConfig('stateStore.git');
  if (type === 'git') {
    if (!git) {
      throw new Error(
        'Invalid config kratix.stateStore: type git needs kratix.stateStore.git.url',
      );
    }
    return readGitStateStoreConfig(git);
  }
  if (type !== 'filesystem') {
    throw new Error(
      `Invalid config kratix.stateStore.type '${type}': expected 'filesystem' or 'git'`,
    );
  }
  if (git) {
    throw new Error(
      "Invalid config kratix.stateStore.git: it is set but kratix.stateStore.type is not 'git'",
    );
  }
  return undefined;
}
