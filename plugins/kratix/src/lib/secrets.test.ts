import { MASK, SecretMasker } from './secrets';

describe('SecretMasker', () => {
  const masker = new SecretMasker();

  it.each([
    'password',
    'dbPassword',
    'DB_PASSWORD',
    'token',
    'accessToken',
    'secret',
    'clientSecret',
    'apiKey',
    'private_key',
    'credentials',
  ])('masks %s by default', key => {
    expect(masker.isSecretKey(key)).toBe(true);
  });

  it.each([
    'passwordSecretName',
    'secretRef',
    'tokenSecretName',
    'dbSecretName',
    'user',
    'host',
    'secretNamespace',
  ])('does not mask %s (a name of a secret, or no secret) by default', key => {
    expect(masker.isSecretKey(key)).toBe(false);
  });

  it('takes the configured patterns instead of the defaults', () => {
    const custom = new SecretMasker(['^user$']);
    expect(custom.isSecretKey('user')).toBe(true);
    expect(custom.isSecretKey('password')).toBe(false);
  });

  it('says which configured pattern is not a regular expression', () => {
    expect(() => new SecretMasker(['ok', '(unclosed'])).toThrow(
      /kratix\.frontend\.secretKeyPatterns\[1\] is not a valid regular expression/,
    );
  });

  it('masks values under secret keys, deep, and leaves their names', () => {
    expect(
      masker.maskValue({
        iam: { user: 'admin', password: 'p4ss', passwordSecretName: 'db' },
        tokens: [{ token: 't0k3n' }],
      }),
    ).toEqual({
      iam: { user: 'admin', password: MASK, passwordSecretName: 'db' },
      tokens: [{ token: MASK }],
    });
  });

  it('masks key=value and key: value in logs, and known secret values', () => {
    const known = masker.secretValues({ iam: { password: 'hunter22' } });
    expect([...known]).toEqual(['hunter22']);
    const log = [
      'export DB_PASSWORD=p4ss',
      '"token": "abc123"',
      'passwordSecretName: db-creds',
      'connecting with hunter22',
      'user=admin',
    ].join('\n');
    expect(masker.maskLog(log, known)).toBe(
      [
        `export DB_PASSWORD=${MASK}`,
        `"token": "${MASK}"`,
        'passwordSecretName: db-creds',
        `connecting with ${MASK}`,
        'user=admin',
      ].join('\n'),
    );
  });
});
