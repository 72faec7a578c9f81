// The Git state store with the real `git` against bare repositories:
// file://, HTTP with basic auth (git http-backend), ssh (a stand-in ssh).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseDestinations } from '../engine/destinations';
import { GitStateStore, GitStateStoreOptions } from './GitStateStore';
import { GitStateStoreConfig } from './git/gitStateStoreConfig';
import { gitEnvironment } from './git/runGit';
import { BareRepo, createBareRepo } from './__testUtils__/bareRepo';
import { startGitHttpServer } from './__testUtils__/gitHttpServer';

jest.setTimeout(60_000);

const file = (p: string, text: string) => ({
  path: p,
  content: Buffer.from(text),
});
const workloadPath = 'resources/default/db/a/provision/5058f';

describe('GitStateStore', () => {
  let dir: string;
  let repo: BareRepo;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kratix-git-store-'));
    repo = createBareRepo(dir);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  let stores = 0;
  function store(
    git: Partial<GitStateStoreConfig> = {},
    options: Partial<GitStateStoreOptions> = {},
  ) {
    stores += 1;
    return new GitStateStore({
      git: {
        url: repo.url,
        branch: 'main',
        path: '',
        authMethod: 'basicAuth',
        credentials: {},
        author: { name: 'kratix', email: '' },
        ...git,
      },
      workDir: path.join(dir, `store-${stores}`),
      ...options,
    });
  }

  it("commits a workload's files, and removes them in a later commit", async () => {
    const s = store({
      path: 'platform/clusters',
      author: { name: 'Platform Bot', email: 'bot@example.com' },
    });
    await s.writeWorkload({
      destination: 'dev',
      workloadPath,
      files: [file('db.yaml', 'kind: Db\n'), file('nested/cm.yaml', 'cm\n')],
    });
    const base = `platform/clusters/dev/${workloadPath}`;
    expect(repo.files()).toEqual([`${base}/db.yaml`, `${base}/nested/cm.yaml`]);
    expect(repo.show(`${base}/db.yaml`)).toBe('kind: Db\n');
    expect(repo.subjects()).toEqual([`Kratix: update dev/${workloadPath}`]);
    expect(repo.author()).toBe('Platform Bot <bot@example.com>');

    // The same files again: nothing to commit.
    await s.writeWorkload({
      destination: 'dev',
      workloadPath,
      files: [file('db.yaml', 'kind: Db\n'), file('nested/cm.yaml', 'cm\n')],
    });
    expect(repo.subjects()).toHaveLength(1);

    // Replaced: the old file goes, in one commit.
    await s.writeWorkload({
      destination: 'dev',
      workloadPath,
      files: [file('db.yaml', 'kind: Db\nsize: 2\n')],
    });
    expect(repo.files()).toEqual([`${base}/db.yaml`]);

    await s.deleteWorkload({ workloadPath: 'resources/default/db/a' });
    expect(repo.files()).toEqual([]);
    expect(repo.subjects()).toEqual([
      'Kratix: delete resources/default/db/a (every Destination)',
      `Kratix: update dev/${workloadPath}`,
      `Kratix: update dev/${workloadPath}`,
    ]);
  });

  it("leaves the repository's other files and branches alone", async () => {
    await store({ branch: 'other' }).writeWorkload({
      destination: 'x',
      workloadPath,
      files: [file('x.yaml', 'x')],
    });
    const s = store({ path: 'kratix' });
    await s.writeWorkload({
      destination: 'dev',
      workloadPath,
      files: [file('a.yaml', 'a')],
    });
    // Someone else's file beside the store's path, on the same branch.
    await store({ path: 'apps' }).writeWorkload({
      destination: 'team',
      workloadPath,
      files: [file('app.yaml', 'app')],
    });
    await s.deleteWorkload({ workloadPath });
    expect(repo.files()).toEqual([`apps/team/${workloadPath}/app.yaml`]);
    expect(repo.files('other')).toEqual([`x/${workloadPath}/x.yaml`]);
  });

  it('lays out a Destination by its filepath.mode (the filesystem store)', async () => {
    const s = store(
      {},
      {
        destinations: parseDestinations([
          { name: 'one', filepath: { mode: 'aggregatedYAML' } },
        ]),
      },
    );
    await s.writeWorkload({
      destination: 'one',
      workloadPath,
      files: [file('a.yaml', 'a: 1')],
    });
    await s.writeWorkload({
      destination: 'one',
      workloadPath: 'resources/default/db/b/provision/5058f',
      files: [file('b.yaml', 'b: 1')],
    });
    expect(repo.show('one/aggregated.yaml')).toBe('a: 1\n---\nb: 1');
    // A second store, from a fresh clone, rebuilds the file with both.
    await store(
      {},
      {
        destinations: parseDestinations([
          { name: 'one', filepath: { mode: 'aggregatedYAML' } },
        ]),
      },
    ).deleteWorkload({ workloadPath });
    expect(repo.show('one/aggregated.yaml')).toBe('b: 1');
  });

  it('lands the changes of two stores pushing to one branch at once', async () => {
    const [s1, s2] = [store(), store()];
    const names = ['a', 'b', 'c', 'd', 'e', 'f'];
    await Promise.all(
      names.map((n, i) =>
        (i % 2 ? s1 : s2).writeWorkload({
          destination: 'dev',
          workloadPath: `resources/default/db/${n}/provision/5058f`,
          files: [file(`${n}.yaml`, n)],
        }),
      ),
    );
    expect(repo.files()).toEqual(
      names.map(n => `dev/resources/default/db/${n}/provision/5058f/${n}.yaml`),
    );
    expect(repo.subjects()).toHaveLength(names.length);
  });

  it('does a change again on the new tip when another store pushed first', async () => {
    // The first push waits in the server's hook while another one lands.
    const marker = path.join(dir, 'held');
    const hook = path.join(repo.dir, 'hooks', 'pre-receive');
    fs.writeFileSync(
      hook,
      `#!/bin/sh\nif [ ! -e ${marker} ]; then touch ${marker}; sleep 1; fi\n`,
      { mode: 0o755 },
    );
    const info = jest.fn();
    const s1 = store({}, { logger: { info, debug: () => {} } as any });
    const write = (s: GitStateStore, n: string) =>
      s.writeWorkload({
        destination: 'dev',
        workloadPath: `resources/default/db/${n}/provision/5058f`,
        files: [file(`${n}.yaml`, n)],
      });
    const first = write(s1, 'a');
    while (!fs.existsSync(marker)) await new Promise(r => setTimeout(r, 20));
    await write(store(), 'b');
    await first;
    expect(repo.files()).toEqual([
      'dev/resources/default/db/a/provision/5058f/a.yaml',
      'dev/resources/default/db/b/provision/5058f/b.yaml',
    ]);
    expect(repo.subjects()).toHaveLength(2);
    expect(info).toHaveBeenCalledWith(
      expect.stringMatching(
        /^Git state store .*: the branch moved before "Kratix: update dev\/resources\/default\/db\/a\/provision\/5058f" was pushed; doing it again on the new tip \(attempt 2 of 5\)$/,
      ),
    );
  });

  it('starts again on a clone a stopped backend left locked', async () => {
    const workDir = path.join(dir, 'kept');
    const write = (n: string) =>
      store({}, { workDir }).writeWorkload({
        destination: 'dev',
        workloadPath,
        files: [file(`${n}.yaml`, n)],
      });
    await write('a');
    fs.writeFileSync(path.join(workDir, 'clone', '.git', 'index.lock'), '');
    await write('b');
    expect(repo.files()).toEqual([`dev/${workloadPath}/b.yaml`]);
  });

  it('says which store failed, and works once the repository is there', async () => {
    const missing = path.join(dir, 'later.git');
    const s = store({ url: `file://${missing}` });
    const write = () =>
      s.writeWorkload({
        destination: 'dev',
        workloadPath,
        files: [file('a.yaml', 'a')],
      });
    await expect(write()).rejects.toThrow(
      new RegExp(
        `^Git state store file://${missing} \\(branch main\\): could not write dev/${workloadPath}: git fetch failed \\(exit 128\\): .*does not appear to be a git repository`,
        's',
      ),
    );
    const later = createBareRepo(dir, 'later.git');
    await write();
    expect(later.files()).toEqual([`dev/${workloadPath}/a.yaml`]);
  });

  it('refuses what the filesystem store refuses, naming the store', async () => {
    await expect(
      store().writeWorkload({
        destination: '../x',
        workloadPath,
        files: [file('a.yaml', 'a')],
      }),
    ).rejects.toThrow(
      /^Git state store file:\/\/.* \(branch main\): State store: refusing destination "\.\.\/x"/,
    );
    expect(repo.files()).toEqual([]);
    await expect(
      store().writeWorkload({
        destination: 'dev',
        workloadPath,
        files: [file('a.yaml', 'a'), file('x/.Git/config', '[core]')],
      }),
    ).rejects.toThrow(
      /^Git state store .*: refusing file path "x\/\.Git\/config" \(workload dev\/resources\/.*\): git keeps no \.git folder$/,
    );
    expect(repo.files()).toEqual([]);
  });

  it('never follows a symlink of the repository', async () => {
    // Another writer commits a symlink where a Destination would be.
    const other = path.join(dir, 'other');
    fs.mkdirSync(other);
    const run = (args: string[]) =>
      execFileSync('git', args, { cwd: other, env: gitEnvironment({}) });
    run(['init', '-q', '-b', 'main']);
    fs.symlinkSync(os.tmpdir(), path.join(other, 'dev'));
    run(['add', '-A']);
    run(['-c', 'user.name=x', '-c', 'user.email=x', 'commit', '-qm', 'link']);
    run(['push', '-q', repo.url, 'main']);
    await expect(
      store().writeWorkload({
        destination: 'dev',
        workloadPath,
        files: [file('a.yaml', 'a')],
      }),
    ).rejects.toThrow(/could not write dev\//);
    expect(repo.subjects()).toEqual(['link']);
  });

  it('stops a git command that takes too long, with what it started', async () => {
    // An ssh that never answers; the timeout kills it with git.
    const hung = path.join(dir, 'hung-ssh');
    fs.writeFileSync(hung, '#!/bin/sh\nexec sleep 30\n', { mode: 0o755 });
    const started = Date.now();
    await expect(
      store(
        {
          url: `ssh://git@git.example.com${repo.dir}`,
          authMethod: 'ssh',
          credentials: { sshPrivateKey: 'k', knownHosts: 'h' },
        },
        { sshCommand: hung, timeoutMs: 500 },
      ).writeWorkload({
        destination: 'dev',
        workloadPath,
        files: [file('a.yaml', 'a')],
      }),
    ).rejects.toThrow(
      /could not write .*: git fetch failed: timed out after 500 ms/,
    );
    expect(Date.now() - started).toBeLessThan(5000);
  });

  describe('over HTTP with basic auth', () => {
    const username = 'kratix-bot';
    const password = 'pa55-w0rd-that-is-secret';

    it('gives the credentials to git, never in argv, the URL or errors', async () => {
      const server = await startGitHttpServer({
        root: dir,
        username,
        password,
      });
      try {
        const url = `${server.url}/repo.git`;
        const write = (credentials: object) =>
          store({ url, credentials }).writeWorkload({
            destination: 'dev',
            workloadPath,
            files: [file('a.yaml', 'a')],
          });
        await write({ username, password });
        expect(repo.files()).toEqual([`dev/${workloadPath}/a.yaml`]);
        const sent = `Basic ${Buffer.from(`${username}:${password}`).toString(
          'base64',
        )}`;
        expect(server.requests.some(r => r.authorization === sent)).toBe(true);

        const failure = write({ username, password: `${password}-wrong` });
        await expect(failure).rejects.toThrow(
          /^Git state store http:\/\/127\.0\.0\.1:\d+\/repo\.git \(branch main\): could not write .*git fetch failed \(exit 128\): .*Authentication failed/s,
        );
        const message = await failure.catch(e => e.message);
        expect(message).not.toContain(password);

        // Without credentials: refused, and no prompt waits.
        await expect(write({})).rejects.toThrow(/Authentication failed/);
      } finally {
        await server.close();
      }
    });
  });

  describe('over ssh', () => {
    it('uses the private key from a file only this user reads, and the known hosts', async () => {
      const log = path.join(dir, 'ssh.log');
      // Stands in for ssh: records what it gets, runs the command here.
      const fakeSsh = path.join(dir, 'fake-ssh');
      fs.writeFileSync(
        fakeSsh,
        `#!/bin/sh
key=; hosts=; prev=
for a in "$@"; do
  case "$prev" in -i) key=$a;; esac
  case "$a" in UserKnownHostsFile=*) hosts=\${a#UserKnownHostsFile=};; esac
  prev=$a
done
{
  echo "args: $*"
  echo "key mode: $(stat -c %a "$key"), folder mode: $(stat -c %a "$(dirname "$key")")"
  echo "key: $(cat "$key")"
  echo "hosts: $(cat "$hosts")"
} >> ${log}
for last; do :; done
exec sh -c "$last"
`,
        { mode: 0o755 },
      );
      const sshPrivateKey =
        '-----BEGIN KEY-----\nsecret-key-line\n-----END KEY-----';
      await store(
        {
          url: `ssh://git@git.example.com${repo.dir}`,
          authMethod: 'ssh',
          credentials: {
            sshPrivateKey,
            knownHosts: 'git.example.com ssh-ed25519 AAAAC3Nza',
          },
        },
        { sshCommand: fakeSsh },
      ).writeWorkload({
        destination: 'dev',
        workloadPath,
        files: [file('a.yaml', 'a')],
      });
      expect(repo.files()).toEqual([`dev/${workloadPath}/a.yaml`]);
      const text = fs.readFileSync(log, 'utf8');
      expect(text).toContain('key mode: 600, folder mode: 700');
      expect(text).toContain('key: -----BEGIN KEY-----\nsecret-key-line\n');
      expect(text).toContain('hosts: git.example.com ssh-ed25519 AAAAC3Nza');
      expect(text).toMatch(/args: .*StrictHostKeyChecking=yes/);
      expect(text).toMatch(/args: .*git@git\.example\.com git-receive-pack/);
      expect(
        text.split('\n').filter(l => l.startsWith('args:'))[0],
      ).not.toContain('secret-key-line');
    });
  });
});
