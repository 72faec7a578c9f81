// Hands the credentials to git without putting them in argv or the URL:
// basicAuth through a credential helper reading the environment, ssh
// through a key file (mode 0600) in a private folder.
import fs from 'node:fs/promises';
import path from 'node:path';
import { GitStateStoreConfig } from './gitStateStoreConfig';
import { redactor } from './runGit';

export interface GitAuth {
  env: Record<string, string>;
  configArgs: string[];
  redact(text: string): string;
}

/**
 * A shell function git runs as its credential helper (`get` only): it
 * prints the username and password from the environment git gets.
 */
const HELPER =
  '!f() { test "$1" = get || exit 0; ' +
  'printf "username=%s\\npassword=%s\\n" ' +
  '"$KRATIX_GIT_USERNAME" "$KRATIX_GIT_PASSWORD"; }; f';

const withNewline = (s: string) => (s.endsWith('\n') ? s : `${s}\n`);

/** Single-quoted for the shell that runs GIT_SSH_COMMAND. */
const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * What git needs for the store's credentials; the ssh files are written
 * to `dir` (made private). `sshCommand` is the ssh program (tests).
 */
export async function prepareGitAuth(
  config: GitStateStoreConfig,
  dir: string,
  sshCommand = 'ssh',
): Promise<GitAuth> {
  const { username, password, sshPrivateKey, knownHosts } = config.credentials;
  const redact = redactor([password, sshPrivateKey]);
  // No helper of anyone else's: the list is reset first.
  const configArgs = ['-c', 'credential.helper='];
  if (config.authMethod === 'basicAuth') {
    if (!username || !password) return { env: {}, configArgs, redact };
    return {
      env: { KRATIX_GIT_USERNAME: username, KRATIX_GIT_PASSWORD: password },
      configArgs: [...configArgs, '-c', `credential.helper=${HELPER}`],
      redact,
    };
  }
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  await fs.chmod(dir, 0o700);
  const keyFile = path.join(dir, 'id');
  const hostsFile = path.join(dir, 'known_hosts');
  await writePrivate(keyFile, withNewline(sshPrivateKey!));
  await writePrivate(hostsFile, withNewline(knownHosts!));
  const ssh = [
    sshCommand,
    '-F /dev/null',
    `-i ${quote(keyFile)}`,
    '-o IdentitiesOnly=yes',
    '-o IdentityAgent=none',
    `-o UserKnownHostsFile=${quote(hostsFile)}`,
    '-o StrictHostKeyChecking=yes',
    '-o BatchMode=yes',
  ].join(' ');
  return {
    env: { GIT_SSH_COMMAND: ssh, GIT_SSH_VARIANT: 'ssh' },
    configArgs,
    redact,
  };
}

/** Replaces the file, readable by this user only from its creation. */
async function writePrivate(file: string, content: string): Promise<void> {
  await fs.rm(file, { force: true });
  await fs.writeFile(file, content, { mode: 0o600, flag: 'wx' });
}
