import { ConfigReader } from '@backstage/config';
import { readStateStoreGit, urlKind } from './gitStateStoreConfig';

const read = (stateStore: object) =>
  readStateStoreGit(
    new ConfigReader({ kratix: { stateStore } }).getConfig('kratix'),
  );

describe('readStateStoreGit', () => {
  it('is undefined for the filesystem store (the default)', () => {
    expect(read({})).toBeUndefined();
    expect(read({ type: 'filesystem', path: 'x' })).toBeUndefined();
  });

  it("reads upstream's GitStateStore fields, with its defaults", () => {
    expect(
      read({ type: 'git', git: { url: 'file:///srv/state.git' } }),
    ).toEqual({
      url: 'file:///srv/state.git',
      branch: 'main',
      path: '',
      authMethod: 'basicAuth',
      credentials: {},
      author: { name: 'kratix', email: '' },
    });
    expect(
      read({
        type: 'git',
        git: {
          url: 'https://git.example.com/platform/state.git',
          branch: 'kratix/state',
          path: '/clusters/./',
          credentials: { username: 'bot', password: 'token' },
          gitAuthor: { name: 'Bot', email: 'bot@example.com' },
        },
      }),
    ).toMatchObject({
      branch: 'kratix/state',
      path: 'clusters',
      credentials: { username: 'bot', password: 'token' },
      author: { name: 'Bot', email: 'bot@example.com' },
    });
    expect(
      read({
        type: 'git',
        git: {
          url: 'git@github.com:org/state.git',
          authMethod: 'ssh',
          credentials: { sshPrivateKey: 'k', knownHosts: 'h' },
        },
      }),
    ).toMatchObject({ authMethod: 'ssh' });
  });

  it.each([
    [{ type: 'bucket' }, /kratix\.stateStore\.type 'bucket': expected/],
    [{ type: 'git' }, /type git needs kratix\.stateStore\.git\.url/],
    [{ git: { url: 'file:///x' } }, /stateStore\.type is not 'git'/],
    [
      { type: 'git', git: { url: '/srv/state.git' } },
      /git\.url: '\/srv\/state\.git' is not a file:\/\/\//,
    ],
    [
      { type: 'git', git: { url: 'ext::sh -c x' } },
      /git\.url: 'ext::sh -c x' is not/,
    ],
    [
      { type: 'git', git: { url: 'https://bot:s3cret@git.example.com/x.git' } },
      /git\.url: it holds a password/,
    ],
    [
      { type: 'git', git: { url: 'file:///x', branch: '-x' } },
      /git\.branch: '-x' is not a branch name/,
    ],
    [
      { type: 'git', git: { url: 'file:///x', branch: 'a..b' } },
      /not a branch name/,
    ],
    [
      { type: 'git', git: { url: 'file:///x', path: 'a/../../b' } },
      /git\.path: 'a\/\.\.\/\.\.\/b' must stay inside/,
    ],
    [
      { type: 'git', git: { url: 'file:///x', path: 'a/.git' } },
      /git\.path: 'a\/\.git' must stay inside/,
    ],
    [
      { type: 'git', git: { url: 'file:///x', authMethod: 'githubApp' } },
      /authMethod: 'githubApp': expected 'basicAuth' or 'ssh'/,
    ],
    [
      {
        type: 'git',
        git: { url: 'https://h/x.git', credentials: { password: 'p' } },
      },
      /basicAuth needs both username and password/,
    ],
    [
      {
        type: 'git',
        git: {
          url: 'file:///x',
          credentials: { username: 'u', password: 'p' },
        },
      },
      /basicAuth is for https:\/\/ URLs/,
    ],
    [
      {
        type: 'git',
        git: {
          url: 'https://h/x.git',
          credentials: { username: 'u', password: 'p\nx' },
        },
      },
      /credentials\.password: it holds a line break/,
    ],
    [
      {
        type: 'git',
        git: { url: 'git@h:x.git', credentials: { sshPrivateKey: 'k' } },
      },
      /sshPrivateKey and knownHosts need authMethod: ssh/,
    ],
    [
      {
        type: 'git',
        git: {
          url: 'git@h:x.git',
          authMethod: 'ssh',
          credentials: { sshPrivateKey: 'k' },
        },
      },
      /authMethod ssh needs sshPrivateKey and knownHosts/,
    ],
    [
      {
        type: 'git',
        git: {
          url: 'https://h/x.git',
          authMethod: 'ssh',
          credentials: { sshPrivateKey: 'k', knownHosts: 'h' },
        },
      },
      /authMethod: ssh needs an ssh:\/\/ or user@host:path URL/,
    ],
  ])('refuses %j', (stateStore, error) => {
    expect(() => read(stateStore)).toThrow(error);
  });

  it('never puts a password of the URL in its error', () => {
    expect(() =>
      read({ type: 'git', git: { url: 'https://bot:s3cret@h/x.git' } }),
    ).toThrow(
      expect.objectContaining({
        message: expect.not.stringContaining('s3cret'),
      }),
    );
  });
});

describe('urlKind', () => {
  it.each([
    ['file:///srv/x.git', 'file'],
    ['https://h/x.git', 'http'],
    ['http://127.0.0.1:8080/x.git', 'http'],
    ['ssh://git@h:22/x.git', 'ssh'],
    ['git@github.com:org/x.git', 'ssh'],
    ['h:x.git', 'ssh'],
    ['file://relative', undefined],
    ['./x.git', undefined],
    ['C:/x.git', undefined],
  ])('%s is %s', (url, kind) => {
    expect(urlKind(url)).toBe(kind);
  });
});
