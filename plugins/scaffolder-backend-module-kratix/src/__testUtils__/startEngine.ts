import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BackendFeature } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
// The tests run the actions against the real engine, not a mock of it.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import kratixPlugin from '@kratix-backstage/plugin-kratix-backend';
import { KratixEngineClient } from '../client/KratixEngineClient';
import { testPromise } from './testPromise';

/**
 * Starts a real backend with the Kratix engine (SQLite in memory, fast
 * timings) and the test Promise installed. `features` are added to it.
 */
export async function startEngine(
  options: {
    features?: Array<BackendFeature | Promise<{ default: BackendFeature }>>;
    config?: object;
  } = {},
) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kratix-actions-'));
  const backend = await startTestBackend({
    features: [
      kratixPlugin,
      mockServices.rootConfig.factory({
        data: {
          backend: {
            database: { client: 'better-sqlite3', connection: ':memory:' },
          },
          kratix: {
            engine: { pollInterval: '50ms', leaseDuration: '2s' },
            stateStore: { path: path.join(dir, 'state') },
          },
          ...options.config,
        },
      }),
      ...(options.features ?? []),
    ],
  });
  const baseUrl = `http://localhost:${backend.server.port()}/api`;
  const discovery = {
    getBaseUrl: async (pluginId: string) => `${baseUrl}/${pluginId}`,
    getExternalBaseUrl: async (pluginId: string) => `${baseUrl}/${pluginId}`,
  };
  const engine = new KratixEngineClient({
    discovery,
    auth: mockServices.auth(),
  });

  /** Calls the REST API as the default mock user. */
  const api = (pluginPath: string, init: RequestInit = {}) =>
    fetch(`${baseUrl}${pluginPath}`, {
      ...init,
      headers: {
        'Content-Type': 'application/json',
        Authorization: mockCredentials.user.header(),
        ...(init.headers as Record<string, string>),
      },
    });

  const installed = await api('/kratix/promises/iam', {
    method: 'PUT',
    body: JSON.stringify(testPromise()),
  });
  if (installed.status !== 201) {
    throw new Error(`Promise not installed: ${await installed.text()}`);
  }
  return {
    baseUrl,
    engine,
    api,
    stop: async () => {
      await backend.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export type TestEngine = Awaited<ReturnType<typeof startEngine>>;
