import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routes } from '../src/api/routes/index.js';
import { ROLES, type Role } from '../src/auth/roles.js';
import { startTestServer, type TestServer } from './support/testServer.js';
import { httpClient } from './support/http.js';

// Generated from the route table: every route, called with each role alone and with no
// token, is allowed or refused (401/403) exactly as the table says.
describe('authorization follows the route table', () => {
  let server: TestServer;
  const tokens = new Map<Role, string>();

  beforeAll(async () => {
    server = await startTestServer({ seedDemo: true, workers: false });
    for (const role of ROLES) {
      tokens.set(role, await server.issuer.sign({ userId: `probe-${role}`, tenantId: 'demo', email: `${role}@probe`, name: role, roles: [role] }));
    }
  });
  afterAll(() => server?.stop());

  // insights let analysts and approvers in only when they lead a team; the probes do not
  const leadsOnly = (path: string, role: Role) => path.startsWith('/insights/') && (role === 'analyst' || role === 'approver');
  const concrete = (path: string) => `/api/v1${path.replace(/:[A-Za-z]+/g, 'probe-id')}`;

  // docs/security.md: integration is intake and reference data. People's work (tasks, inboxes,
  // comments, attachments, the team, delegations) is refused to it, whatever the table says next.
  it("refuses integration the people's work", async () => {
    const peoplesWork = [
      '/tasks',
      '/tasks/:id',
      '/cases/:id/comments',
      '/cases/:id/attachments',
      '/cases/:id/attachments/:attachmentId',
      '/team',
      '/inbox',
      '/inbox/summary',
      '/inbox/mentions',
      '/delegations',
    ];
    for (const path of peoplesWork) {
      const route = routes.find((r) => r.method === 'get' && r.path === path);
      expect(route, path).toBeDefined();
      expect([path, route!.roles]).not.toEqual([path, expect.arrayContaining(['integration'])]);
      const answer = await httpClient(server.url, tokens.get('integration'))('GET', concrete(path));
      expect([path, answer.status, answer.body?.code]).toEqual([path, 403, 'forbidden']);
    }
  });

  for (const route of routes) {
    it(`${route.method.toUpperCase()} ${route.path}`, async () => {
      const body = route.method === 'get' || route.method === 'delete' ? undefined : {};
      const anonymous = await httpClient(server.url)(route.method.toUpperCase(), concrete(route.path), body);
      if (route.roles === 'public') {
        expect(anonymous.status).not.toBe(401);
        return;
      }
      expect(anonymous.status).toBe(401);
      const allowed = route.roles;
      for (const role of ROLES) {
        const answer = await httpClient(server.url, tokens.get(role))(route.method.toUpperCase(), concrete(route.path), body);
        if (allowed.includes(role) && leadsOnly(route.path, role)) expect([role, answer.status, answer.body?.code]).toEqual([role, 403, 'forbidden']);
        else if (allowed.includes(role)) expect([role, answer.status]).not.toEqual([role, 403]);
        else expect([role, answer.status, answer.body?.code]).toEqual([role, 403, 'forbidden']);
        expect(answer.status).not.toBe(401);
      }
    });
  }
});
