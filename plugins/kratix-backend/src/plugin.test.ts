import { startTestBackend } from '@backstage/backend-test-utils';
import request from 'supertest';
import { kratixPlugin } from './plugin';

describe('kratixPlugin', () => {
  it('answers /health without authentication', async () => {
    const { server } = await startTestBackend({ features: [kratixPlugin] });
    const res = await request(server).get('/api/kratix/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });
});
