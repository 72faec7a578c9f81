// Issue 10: whoever may install a Promise runs its pipelines' commands. A
// pipeline must not run as the backend's user (root here), see the host's
// secrets or the backend's files, reach the backend's port, or signal or
// ptrace the backend.
import fs from 'node:fs';
import path from 'node:path';
import { AddressInfo } from 'node:net';
import request from 'supertest';
import { createTestDatabases } from '../database/__testUtils__/databases';
import { eventually, startKratix } from '../__testUtils__/startKratix';
import { isConfigured, scriptPromise } from '../__testUtils__/scriptPromise';

jest.setTimeout(60_000);

const databases = createTestDatabases();

/** Prints `<key>: visible` when `test` succeeds in the sandbox, else hidden. */
const probe = (key: string, test: string) =>
  `echo "${key}: $(if ${test} >/dev/null 2>&1; then echo visible; else echo hidden; fi)"`;

const script = [
  'exec > /kratix/metadata/status.yaml',
  'echo "uid: $(id -u)"',
  'echo "processes: $(ls /proc | grep -c "^[0-9]")"',
  probe('shadow', 'cat /etc/shadow'),
  probe('rootHome', 'ls /root'),
  probe('stateStore', 'ls "$STATE_STORE"'),
  probe('backendDir', 'ls "$BACKEND_DIR"'),
  probe('config', 'cat "$CONFIG_FILE"'),
  probe('signalBackend', 'kill -0 "$BACKEND_PID"'),
  probe('backendEnviron', 'cat "/proc/$BACKEND_PID/environ"'),
  probe(
    'backendPort',
    `perl -MIO::Socket::INET -e 'IO::Socket::INET->new(PeerAddr => "127.0.0.1:$ENV{BACKEND_PORT}", Timeout => 2) or exit 1'`,
  ),
  probe('ownOutput', 'touch /kratix/output/ok'),
].join('\n');

describe.each(databases.eachSupportedId())('Pipeline sandbox on %p', id => {
  it('runs a pipeline as another user, blind to the host and the backend', async () => {
    const kratix = await startKratix(databases, id);
    const api = () => request(kratix.server);
    const url = '/api/kratix/promises/probe/resources/default/one';
    try {
      const config = path.join(kratix.dir, 'app-config.yaml');
      fs.writeFileSync(config, 'secret: hunter2\n', { mode: 0o644 });
      const env = {
        STATE_STORE: path.join(kratix.dir, 'state'),
        BACKEND_DIR: process.cwd(),
        CONFIG_FILE: config,
        BACKEND_PID: String(process.pid),
        BACKEND_PORT: String((kratix.server.address() as AddressInfo).port),
      };
      const promise = scriptPromise('probe', [{ name: 'probe', script }], env);
      await api().put('/api/kratix/promises/probe').send(promise).expect(201);
      await api().put(url).send({ spec: {} }).expect(201);
      const done = await eventually(async () => {
        const res = await api().get(url);
        return isConfigured(res.body) ? res.body : undefined;
      });

      const { status } = done;
      expect(status.uid).not.toBe(0);
      expect(status.uid).not.toBe(process.getuid!());
      // Only its own processes: the PID namespace's init, sh, ls, grep.
      expect(status.processes).toBeLessThan(10);
      expect(status).toMatchObject({
        shadow: 'hidden',
        rootHome: 'hidden',
        stateStore: 'hidden',
        backendDir: 'hidden',
        config: 'hidden',
        signalBackend: 'hidden',
        backendEnviron: 'hidden',
        backendPort: 'hidden',
        ownOutput: 'visible',
      });
    } finally {
      await kratix.stop();
    }
  });
});
