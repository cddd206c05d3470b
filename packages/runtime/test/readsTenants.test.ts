import type { AddressInfo } from 'node:net';
import express from 'express';
import { describe, expect, it } from 'vitest';
import type { AppDeps, Route } from '../src/api/route.js';
import { buildRouter } from '../src/api/router.js';

describe('a readsTenants route', () => {
  it('gets no db in its context, so every read goes through readAsTenant', async () => {
    const seen: Record<string, string[]> = {};
    const base = { method: 'get', summary: 's', tag: 't', roles: 'public', responses: { '200': 'ok' } } as const;
    const routes: Route[] = [
      {
        ...base,
        path: '/across',
        readsTenants: true,
        async handler(_req, res, ctx) {
          // @ts-expect-error the router holds no tenant scope around this handler: no unscoped db to read
          void ctx.db;
          seen.across = Object.keys(ctx);
          res.json(await ctx.readAsTenant('acme', async (db) => typeof db));
        },
      },
      {
        ...base,
        path: '/own',
        async handler(_req, res, ctx) {
          seen.own = Object.keys(ctx);
          res.json(typeof ctx.db);
        },
      },
    ];
    const db = (() => undefined) as unknown as AppDeps['db'];
    const app = express().use(buildRouter(routes, { db, scopeReads: false } as AppDeps));
    const server = app.listen(0);
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      // readAsTenant still lends a connection (unscoped here: scopeReads is off)
      expect(await (await fetch(`${url}/across`)).json()).toBe('function');
      expect(await (await fetch(`${url}/own`)).json()).toBe('function');
    } finally {
      server.close();
    }
    expect(seen.across).not.toContain('db');
    expect(seen.across).toEqual(expect.arrayContaining(['readAsTenant', 'principal', 'scopeReads']));
    expect(seen.own).toContain('db');
  });
});
