import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/config.js';
import { startTestServer, type TestServer } from './support/testServer.js';
import { httpClient } from './support/http.js';

// Behind nginx or an ingress every request comes from the proxy's address; the per-address rate
// limits (sign-in: EXFLOW_RATE_LIMIT_AUTH a minute) must count the client's, from X-Forwarded-For.
describe('rate limits behind a proxy (EXFLOW_TRUST_PROXY)', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  const signIns = async (from: string, times: number) => {
    const statuses: number[] = [];
    for (let i = 0; i < times; i++)
      statuses.push(
        (await httpClient(server!.url)('POST', '/api/v1/auth/login', { email: 'nobody@demo.exflow', password: 'wrong' }, { 'x-forwarded-for': from })).status,
      );
    return statuses;
  };

  it('with one trusted hop, counts each client address behind the proxy on its own', async () => {
    server = await startTestServer({ seedDemo: false, rateLimits: { auth: 2, intake: 1000 }, trustProxy: 1 });
    expect(await signIns('203.0.113.7', 3)).toEqual([401, 401, 429]);
    expect(await signIns('198.51.100.9', 1)).toEqual([401]);
  });

  it('by default trusts no proxy: X-Forwarded-For is ignored, so a client cannot dodge the limit by sending it', async () => {
    server = await startTestServer({ seedDemo: false, rateLimits: { auth: 2, intake: 1000 } });
    expect(await signIns('203.0.113.7', 3)).toEqual([401, 401, 429]);
    expect(await signIns('198.51.100.9', 1)).toEqual([429]);
  });

  it('reads EXFLOW_TRUST_PROXY as a hop count, true/false, or addresses and networks', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ EXFLOW_TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(loadConfig({ EXFLOW_TRUST_PROXY: 'false' }).trustProxy).toBe(false);
    expect(loadConfig({ EXFLOW_TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(loadConfig({ EXFLOW_TRUST_PROXY: 'loopback, 10.0.0.0/8' }).trustProxy).toEqual(['loopback', '10.0.0.0/8']);
  });
});
