import { parseInvoice, type Invoice } from '@exflow/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../src/auth/roles.js';
import type { Engine } from '../src/engine/engine.js';
import { receiveBatch } from '../src/ingest/batchIntake.js';
import { invoiceWithChairPrice } from './support/fixtures.js';
import { startTestServer, testDatabaseKinds, type TestServer } from './support/testServer.js';

const invoice = (number: string): Invoice => {
  const parsed = parseInvoice(invoiceWithChairPrice(number, '250.00'));
  if (!parsed.ok) throw new Error('fixture invoice invalid');
  return parsed.invoice;
};
const principal: Principal = { userId: 'u-integration', tenantId: 'demo', email: 'erp@demo.exflow', name: 'ERP connector', roles: ['integration'] };

describe.each(testDatabaseKinds())('batch intake (%s)', (database) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ database, workers: false });
  });
  afterAll(() => server?.stop());

  it('makes an unexpected error in one invoice that invoice’s error; the others are received', async () => {
    // an engine that breaks on one invoice the way a bug would: not a ProblemError
    const engine: Engine = {
      ...server.engine,
      startCase: (tenantId, input, actor, options) =>
        input.invoice.invoiceNumber === 'BATCH-2' ? Promise.reject(new TypeError('boom')) : server.engine.startCase(tenantId, input, actor, options),
    };
    const logged: Record<string, unknown>[] = [];
    const result = await receiveBatch(server.db, engine, principal, {
      invoices: [invoice('BATCH-1'), invoice('BATCH-2'), invoice('BATCH-3')],
      channel: 'csv',
      definitionKey: 'price-variance',
      log: (_message, context) => logged.push(context),
    });
    expect(result.invoices.map((i) => i.invoiceNumber)).toEqual(['BATCH-1', 'BATCH-3']);
    expect(result.invoices.every((i) => i.caseId)).toBe(true);
    expect(result.errors).toEqual([expect.objectContaining({ invoiceNumber: 'BATCH-2', code: 'internal' })]);
    expect(result).toMatchObject({ received: 2, refused: 1 });
    expect(logged).toEqual([expect.objectContaining({ invoiceNumber: 'BATCH-2', error: 'TypeError: boom' })]);
    // the failed invoice's transaction rolled back: nothing of it was stored
    expect(await server.db('invoices').where({ tenant_id: 'demo' }).where({ invoice_number: 'BATCH-2' })).toEqual([]);
  });
});
