import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, request as requests, test } from '@playwright/test';
import { kratixCard, openAs, resourceSection } from './kratixViews';

// Issue 13, defect 3: the badge leaves "Live" when the backend is gone, and
// the data on screen says how old it is. The demo's backend is shared, so
// the test starts a backend of its own (same config, another port and state
// store), sends the page's backend traffic there, then hangs and stops it.

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Signals the backend's whole process group (the backend and its pipelines' spawner). */
function signal(backend: ChildProcess, name: NodeJS.Signals) {
  try {
    process.kill(-backend.pid!, name);
  } catch {
    // Already gone.
  }
}

test('the badge leaves "Live" and says since when the data is stale when the backend stops', async ({
  page,
}) => {
  test.setTimeout(180_000);
  const port = await freePort();
  const base = `http://localhost:${port}`;
  const stateStore = mkdtempSync(join(tmpdir(), 'kratix-e2e-state-'));
  // As `yarn start` runs it, without the watcher that restarts it whenever
  // a source file changes.
  const backend = spawn(
    process.execPath,
    [
      '--enable-source-maps',
      '--require',
      require.resolve('@backstage/cli-node/config/nodeTransform.cjs'),
      'src/index',
    ],
    {
      cwd: join(__dirname, '..', 'packages', 'backend'),
      detached: true,
      stdio: 'ignore',
      env: {
        ...process.env,
        // The demo's guest sign-in is for development only.
        NODE_ENV: 'development',
        APP_CONFIG_backend_listen_port: String(port),
        APP_CONFIG_backend_baseUrl: base,
        APP_CONFIG_kratix_stateStore_path: stateStore,
      },
    },
  );
  try {
    // Ready when its catalog and engine know the demo's search-service.
    const api = await requests.newContext({ baseURL: base });
    await expect
      .poll(
        async () => {
          try {
            const refresh = await api.get('/api/auth/guest/refresh');
            if (!refresh.ok()) return 'no sign-in yet';
            const token = (await refresh.json()).backstageIdentity.token;
            const headers = { Authorization: `Bearer ${token}` };
            const entity = await api.get(
              '/api/catalog/entities/by-name/component/default/search-service',
              { headers },
            );
            const resource = await api.get(
              '/api/kratix/promises/elastic-cloud/resources/default/example',
              { headers },
            );
            if (!entity.ok() || !resource.ok()) return 'not yet';
            return (await resource.json()).status?.message ?? 'no status yet';
          } catch {
            return 'not listening yet';
          }
        },
        { timeout: 150_000, intervals: [1000] },
      )
      .toMatch(/^Instance example provisioned/);
    await api.dispose();

    // The page's backend (7007 in the app's config) is this one.
    await page.route('http://localhost:7007/**', route =>
      route.continue({
        url: route
          .request()
          .url()
          .replace('localhost:7007', `localhost:${port}`),
      }),
    );
    await page.addInitScript(to => {
      const Native = window.WebSocket;
      window.WebSocket = class extends Native {
        constructor(url: string | URL, protocols?: string | string[]) {
          super(
            String(url).replace('localhost:7007', `localhost:${to}`),
            protocols,
          );
        }
      };
    }, port);

    await openAs(page, '/catalog/default/component/search-service', 'light');
    const section = resourceSection(page, 'elastic-cloud/default/example');
    const badge = section.getByRole('status', { name: /^Updates: / });
    await expect(badge).toHaveText('Live');
    const message = kratixCard(page).getByText(
      'Instance example provisioned with preconfigured system metrics',
    );
    await expect(message).toBeVisible();

    // Hung: nothing arrives for longer than a poll interval (10 s).
    signal(backend, 'SIGSTOP');
    await expect(badge).toHaveText(/^Stale since /, {
      timeout: 30_000,
    });

    // Gone: the re-read fails; the data stays, with its age.
    signal(backend, 'SIGKILL');
    await expect(badge).toHaveText(/^Not updating · stale since /, {
      timeout: 30_000,
    });
    await expect(badge).toHaveAttribute('title', /^The last re-read failed: /);
    await expect(message).toBeVisible();
  } finally {
    signal(backend, 'SIGKILL');
    rmSync(stateStore, { recursive: true, force: true });
  }
});
