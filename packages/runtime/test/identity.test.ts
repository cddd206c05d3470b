import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './support/testServer.js';
import { invoiceWithChairPrice } from './support/fixtures.js';
import { httpClient } from './support/http.js';

/** A real (small) OIDC issuer: discovery document, JWKS, and tokens signed with its key. */
async function startFakeIssuer() {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  let url = '';
  const server: Server = createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.url === '/.well-known/openid-configuration') res.end(JSON.stringify({ issuer: url, jwks_uri: `${url}/jwks` }));
    else if (req.url === '/jwks') res.end(JSON.stringify({ keys: [jwk] }));
    else res.writeHead(404).end('{}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const sign = (claims: Record<string, unknown>, audience = 'exflow-api') =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setIssuer(url)
      .setAudience(audience)
      .setSubject('ext-user-1')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(privateKey);
  return { url, sign, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe('an external OIDC issuer', () => {
  let issuer: Awaited<ReturnType<typeof startFakeIssuer>>;
  let server: TestServer;

  beforeAll(async () => {
    issuer = await startFakeIssuer();
    server = await startTestServer({ workers: false, oidc: { issuer: issuer.url, audience: 'exflow-api', tenantClaim: 'org', rolesClaim: 'groups' } });
  });
  afterAll(async () => {
    await server?.stop();
    await issuer?.close();
  });

  it('accepts its tokens, mapping the configured tenant and role claims', async () => {
    const token = await issuer.sign({ org: 'demo', groups: ['analyst', 'not-a-role'], email: 'ext@corp.example' });
    const me = await httpClient(server.url, token)('GET', '/api/v1/auth/me');
    expect(me.status).toBe(200);
    expect(me.body).toEqual({ id: 'ext-user-1', email: 'ext@corp.example', name: 'ext@corp.example', roles: ['analyst'], tenantId: 'demo' });
  });

  it('refuses a token for another audience, and tokens of the built-in issuer', async () => {
    expect((await httpClient(server.url, await issuer.sign({ org: 'demo', groups: ['analyst'] }, 'someone-else'))('GET', '/api/v1/auth/me')).status).toBe(401);
    const embedded = await server.issuer.sign({ userId: 'u-analyst', tenantId: 'demo', email: '', name: '', roles: ['analyst'] });
    expect((await httpClient(server.url, embedded)('GET', '/api/v1/auth/me')).status).toBe(401);
  });

  it('turns the built-in sign-in off', async () => {
    const r = await httpClient(server.url)('POST', '/api/v1/auth/login', { email: 'analyst@demo.exflow', password: 'demo' });
    expect(r.status).toBe(404);
    expect(r.body.code).toBe('embedded-sign-in-off');
  });
});

describe('API keys, policies and rate limits', () => {
  let server: TestServer;
  let admin: ReturnType<typeof httpClient>;

  beforeAll(async () => {
    server = await startTestServer({ rateLimits: { auth: 5, intake: 1_000 } });
    admin = httpClient(server.url, await server.login('admin@demo.exflow'));
  });
  afterAll(() => server?.stop());

  it('shows a key once, stores only its hash, scopes it to tenant and role, and revokes it', async () => {
    const created = await admin('POST', '/api/v1/api-keys', { name: 'ERP connector', role: 'integration' });
    expect(created.status).toBe(201);
    const key: string = created.body.key;
    expect(key).toMatch(/^exf_[0-9a-f]{18}_[A-Za-z0-9_-]{43}$/);
    const stored = await server.db('api_keys').where({ id: created.body.id }).first();
    // the secret itself may contain '_' (base64url): cut it after the fixed-length prefix
    const secret = key.slice(`exf_${created.body.id}_`.length);
    expect(secret).toHaveLength(43);
    expect(JSON.stringify(stored)).not.toContain(secret);
    expect((await admin('GET', '/api/v1/api-keys')).body).toEqual([expect.not.objectContaining({ key: expect.anything(), secretHash: expect.anything() })]);

    const integration = httpClient(server.url, key);
    expect((await integration('GET', '/api/v1/auth/me')).body).toMatchObject({ tenantId: 'demo', roles: ['integration'] });
    expect((await integration('POST', '/api/v1/invoices', invoiceWithChairPrice('KEY-1', '120.00'))).status).toBe(201);
    expect((await integration('POST', '/api/v1/definitions', {})).status).toBe(403);
    expect((await httpClient(server.url, `${key.slice(0, -1)}x`)('GET', '/api/v1/auth/me')).status).toBe(401);

    expect((await admin('DELETE', `/api/v1/api-keys/${created.body.id}`)).status).toBe(204);
    const revoked = await integration('GET', '/api/v1/auth/me');
    expect(revoked.status).toBe(401);
    expect(revoked.body.detail).toMatch(/revoked/);
  });

  it('inherits policies from the MSP and lets a client override only what the MSP allows', async () => {
    const acmeAdmin = httpClient(server.url, await server.login('admin@acme.example'));
    const before = (await acmeAdmin('GET', '/api/v1/policies')).body;
    expect(before.effective).toEqual({ priceTolerancePct: 2, fourEyesThreshold: 25_000 });
    const refused = await acmeAdmin('PUT', '/api/v1/policies', { policies: { fourEyesThreshold: 1_000_000 } });
    expect(refused.status).toBe(422);
    expect(refused.body.errors).toEqual([{ path: '/policies/fourEyesThreshold', message: 'not overridable' }]);
    const allowed = await acmeAdmin('PUT', '/api/v1/policies', { policies: { priceTolerancePct: 3.5 } });
    expect(allowed.status).toBe(200);
    expect(allowed.body.effective).toEqual({ priceTolerancePct: 3.5, fourEyesThreshold: 25_000 });
  });

  it('limits sign-in attempts per address', async () => {
    const anonymous = httpClient(server.url);
    const answers = [];
    for (let i = 0; i < 8; i++) answers.push((await anonymous('POST', '/api/v1/auth/login', { email: 'nobody@demo.exflow', password: 'wrong' })).status);
    expect(answers.filter((s) => s === 429).length).toBeGreaterThanOrEqual(3);
    expect(answers.slice(0, 3)).toEqual([401, 401, 401]);
  });

  it('sends security headers', async () => {
    const r = await fetch(`${server.url}/health`);
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    expect(r.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(r.headers.get('x-powered-by')).toBeNull();
  });
});
