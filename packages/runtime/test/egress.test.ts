import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WorkflowDefinition } from '@exflow/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/config.js';
import { checkEgress, forbiddenRange, parseAllowEntry } from '../src/services/egress.js';
import { startTestServer, testDatabaseKinds, type TestServer } from './support/testServer.js';
import { plainInvoice } from './support/flows.js';
import { eventually, httpClient, PATIENCE_MS, TEST_TIMEOUT_MS } from './support/http.js';

describe('egress policy: address classification', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.254', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['100.64.0.1', 'carrier-grade NAT (100.64/10)'],
    ['0.0.0.0', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fc00::1', 'unique-local (fc00::/7)'],
    ['fd12:3456::1', 'unique-local (fc00::/7)'],
    ['fe80::1', 'link-local'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:169.254.169.254', 'link-local'],
    ['ff02::1', 'multicast'],
  ])('%s is refused as %s', (address, reason) => {
    expect(forbiddenRange(address)).toBe(reason);
  });

  it.each(['8.8.8.8', '172.32.0.1', '100.128.0.1', '2001:4860:4860::8888', '::ffff:8.8.8.8'])('%s is public', (address) => {
    expect(forbiddenRange(address)).toBeNull();
  });

  it('host names are resolved: localhost is loopback; an allow-listed network lets it through', async () => {
    await expect(checkEgress(new URL('http://localhost:9/x'), [])).rejects.toThrow(/^egress\.refused: localhost \((127\.0\.0\.1|::1)\) is loopback/);
    await expect(checkEgress(new URL('http://[::ffff:7f00:1]/'), [])).rejects.toThrow('is loopback');
    await expect(checkEgress(new URL('http://127.0.0.1/'), ['127.0.0.0/8', '::1'])).resolves.toMatchObject({ address: '127.0.0.1' });
    await expect(checkEgress(new URL('http://localhost/'), ['localhost'])).resolves.toBeTruthy();
    await expect(checkEgress(new URL('http://127.0.0.2/'), ['127.0.0.1'])).rejects.toThrow('egress.refused: 127.0.0.2 is loopback');
  });

  it('allow-list entries are host names, addresses or CIDR networks; EXFLOW_EGRESS_ALLOW is read at start', () => {
    for (const ok of ['erp.internal', '10.1.2.3', '10.0.0.0/8', 'fd00::/8', '::ffff:10.0.0.0/104']) expect(parseAllowEntry(ok)).not.toBeNull();
    for (const bad of ['10.0.0.0/33', 'http://x', 'a b', '-x.example', '']) expect(parseAllowEntry(bad)).toBeNull();
    expect(loadConfig({ EXFLOW_EGRESS_ALLOW: ' 127.0.0.1, erp.internal ' }).egressAllow).toEqual(['127.0.0.1', 'erp.internal']);
    expect(() => loadConfig({ EXFLOW_EGRESS_ALLOW: '10.0.0.0/99' })).toThrow(/EXFLOW_EGRESS_ALLOW: "10.0.0.0\/99"/);
  });
});

/** A loopback receiver that answers JSON with a secret, and redirects `/to?url` with 307. */
async function startReceiver() {
  const requests: { method: string; path: string }[] = [];
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const path = req.url ?? '';
      requests.push({ method: req.method ?? '', path });
      if (path.startsWith('/to?')) {
        res.writeHead(307, { location: decodeURIComponent(path.slice(4)) }).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ reference: 'R-1', nested: { id: 7, deep: { x: 1 } }, secret: 'internal-token-s3cr3t', list: [1, 2] }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, requests, close: () => new Promise<void>((r) => server.close(() => r())) };
}

function webhookFlow(key: string, params: Record<string, unknown>): WorkflowDefinition {
  return {
    schemaVersion: 1,
    key,
    name: key,
    nodes: [
      { id: 'start', kind: 'start' },
      { id: 'hook', kind: 'webhook', config: { service: 'webhook', params } },
      { id: 'done', kind: 'end', config: { outcome: 'resolved' } },
      { id: 'broken', kind: 'end', config: { outcome: 'rejected' } },
    ],
    edges: [
      { id: 'e1', source: 'start', target: 'hook' },
      { id: 'e2', source: 'hook', target: 'done', sourcePort: 'done' },
      { id: 'e3', source: 'hook', target: 'broken', sourcePort: 'error' },
    ],
  };
}

describe.each(testDatabaseKinds())('webhook steps go through the egress policy, on %s', (database) => {
  let server: TestServer;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let owner: ReturnType<typeof httpClient>;
  let platform: ReturnType<typeof httpClient>;
  let n = 0;

  beforeAll(async () => {
    receiver = await startReceiver();
    server = await startTestServer({ database, seedDemo: true });
    owner = httpClient(server.url, await server.login('owner@demo.exflow'));
    platform = httpClient(
      server.url,
      await server.issuer.sign({ userId: 'u-platform', tenantId: 'demo', email: 'platform@probe', name: 'Platform', roles: ['platform_admin'] }),
    );
  });
  afterAll(async () => {
    await server?.stop();
    await receiver?.close();
  });

  async function runCase(params: Record<string, unknown>) {
    const key = `egress-${++n}`;
    const created = await owner('POST', '/api/v1/definitions', webhookFlow(key, params));
    expect(created.status).toBe(201);
    expect((await owner('POST', `/api/v1/definitions/${created.body.id}/publish`)).status).toBe(201);
    const posted = await owner('POST', `/api/v1/invoices?definition=${key}`, plainInvoice(`EGR-${n}`));
    expect(posted.status).toBe(201);
    const caseId = posted.body.case.id as string;
    return eventually(
      async () => {
        const c = (await owner('GET', `/api/v1/cases/${caseId}`)).body;
        return c.status !== 'open' && c;
      },
      PATIENCE_MS,
      `case ${caseId} to close`,
    );
  }

  it('a call to 127.0.0.1 without allow-list takes the error path with the egress error, once, audited; no request arrives', async () => {
    const c = await runCase({ url: `${receiver.url}/hook` });
    expect(c.status).toBe('rejected');
    expect(c.context.errors.hook).toMatch(/^egress\.refused: 127\.0\.0\.1 is loopback/);
    expect(c.effects).toEqual([expect.objectContaining({ status: 'failed', attempts: 1 })]);
    expect(receiver.requests).toEqual([]);
    const audit = (await owner('GET', `/api/v1/cases/${c.id}/audit`)).body as { action: string; data: Record<string, unknown> }[];
    expect(audit.find((a) => a.action === 'egress.refused')?.data).toMatchObject({ nodeId: 'hook', address: '127.0.0.1', reason: 'loopback' });
  });

  it('the allow-list is edited by a platform admin only, and bad entries are refused naming the field', async () => {
    expect((await owner('POST', '/api/v1/egress-allow', { entry: '127.0.0.1' })).status).toBe(403);
    const bad = await platform('POST', '/api/v1/egress-allow', { entry: '10.0.0.0/40' });
    expect(bad.status).toBe(422);
    expect(bad.body.errors).toEqual([expect.objectContaining({ path: '/entry' })]);
    expect((await platform('GET', '/api/v1/egress-allow')).body).toEqual({ entries: [], operator: [] });
  });

  it('with 127.0.0.1 allow-listed the call goes through, and only the status is kept by default', async () => {
    const added = await platform('POST', '/api/v1/egress-allow', { entry: '127.0.0.1', note: 'test receiver' });
    expect(added.status).toBe(201);
    try {
      const c = await runCase({ url: `${receiver.url}/hook` });
      expect(c.status).toBe('resolved');
      expect(c.context.vars.hook).toEqual({ status: 200 });
      expect(JSON.stringify(c)).not.toContain('s3cr3t');
      expect(receiver.requests.at(-1)).toEqual({ method: 'POST', path: '/hook' });

      const none = await runCase({ url: `${receiver.url}/hook`, store: 'none' });
      expect(none.context.vars.hook).toEqual({});

      const fields = await runCase({ url: `${receiver.url}/hook`, store: 'fields', fields: ['reference', 'nested.id', 'nested.deep', 'list', 'missing'] });
      expect(fields.status).toBe('resolved');
      expect(fields.context.vars.hook).toEqual({ status: 200, body: { reference: 'R-1', nested: { id: 7, deep: null }, list: null, missing: null } });
      expect(JSON.stringify(fields)).not.toContain('s3cr3t');
    } finally {
      expect((await platform('DELETE', `/api/v1/egress-allow/${added.body.id}`)).status).toBe(204);
    }
  });

  it('a redirect is followed only to a target that passes the check again', async () => {
    const added = await platform('POST', '/api/v1/egress-allow', { entry: '127.0.0.1' });
    try {
      const before = receiver.requests.length;
      const followed = await runCase({ url: `${receiver.url}/to?${encodeURIComponent(`${receiver.url}/landed`)}` });
      expect(followed.status).toBe('resolved');
      expect(receiver.requests.slice(before).map((r) => `${r.method} ${r.path.split('?')[0]}`)).toEqual(['POST /to', 'POST /landed']);

      const port = new URL(receiver.url).port;
      const refused = await runCase({ url: `${receiver.url}/to?${encodeURIComponent(`http://127.0.0.2:${port}/internal`)}` });
      expect(refused.status).toBe('rejected');
      expect(refused.context.errors.hook).toMatch(/^egress\.refused: 127\.0\.0\.2 is loopback/);
      expect(receiver.requests.filter((r) => r.path === '/internal')).toEqual([]);
    } finally {
      await platform('DELETE', `/api/v1/egress-allow/${added.body.id}`);
    }
  });
});

describe('the operator allow-list (EXFLOW_EGRESS_ALLOW) lets the test server reach its loopback receiver', () => {
  it(
    'works without any platform entry',
    async () => {
      const receiver = await startReceiver();
      const server = await startTestServer({ seedDemo: true, egressAllow: ['127.0.0.0/8'] });
      try {
        const owner = httpClient(server.url, await server.login('owner@demo.exflow'));
        const created = await owner('POST', '/api/v1/definitions', webhookFlow('egress-env', { url: `${receiver.url}/hook` }));
        await owner('POST', `/api/v1/definitions/${created.body.id}/publish`);
        const posted = await owner('POST', '/api/v1/invoices?definition=egress-env', plainInvoice('EGR-ENV'));
        const c = await eventually(
          async () => {
            const found = (await owner('GET', `/api/v1/cases/${posted.body.case.id}`)).body;
            return found.status !== 'open' && found;
          },
          PATIENCE_MS,
          'the case to close',
        );
        expect(c.status).toBe('resolved');
        expect(receiver.requests).toHaveLength(1);
      } finally {
        await server.stop();
        await receiver.close();
      }
    },
    TEST_TIMEOUT_MS,
  );
});
