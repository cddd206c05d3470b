import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  attachmentListSchema,
  attachmentViewSchema,
  caseAuditListSchema,
  commentListSchema,
  effectViewSchema,
  commentPostedSchema,
  evidenceSchema,
  storedInvoiceSchema,
  type WorkflowDefinition,
} from '@exflow/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PermanentServiceError } from '../src/services/registry.js';
import { createAttachmentRepository } from '../src/store/attachmentRepository.js';
import { startTestServer, testDatabaseKinds, type TestServer } from './support/testServer.js';
import { invoiceWithChairPrice, priceVarianceFlow } from './support/fixtures.js';
import { plainInvoice, serviceFlow } from './support/flows.js';
import { eventually, httpClient } from './support/http.js';
import { tableCounts } from './support/tableCounts.js';
import { expectWire } from './support/wire.js';
import type { Db } from '../src/store/db.js';

type Call = ReturnType<typeof httpClient>;

/** The price-variance flow with its review task in a queue of its own, so seeded tasks stay out. */
function reviewFlow(key: string, queue: string): WorkflowDefinition {
  const flow = priceVarianceFlow(key);
  return { ...flow, nodes: flow.nodes.map((n) => (n.id === 'procurementReview' ? { ...n, config: { ...n.config, queue } } : n)) };
}

/** Everything a refused request must leave as it was. */
async function digest(db: Db) {
  const tasks = await db('tasks').orderBy('id').select('id', 'assignee', 'priority', 'status', 'rank_at');
  const users = await db('users').orderBy('id').select('id', 'lead');
  const extra: Record<string, number> = {};
  for (const table of ['comments', 'attachments']) extra[table] = Number((await db(table).count({ n: '*' }))[0].n);
  const effects = await db('effects').orderBy('id').select('id', 'status', 'attempts', 'max_attempts');
  return JSON.stringify({ counts: await tableCounts(db), extra, tasks, users, effects });
}

describe.each(testDatabaseKinds())('analyst workspace API on %s', (database) => {
  let server: TestServer;
  let owner: Call;
  let admin: Call;
  let analyst: Call;
  let analyst2: Call;
  let approver: Call;
  const tokens: Record<string, string> = {};
  let serviceUp = false;
  const queue = 'ws-review';

  async function openReview(number: string, chairPrice: string): Promise<{ caseId: string; taskId: string }> {
    const posted = await analyst('POST', '/api/v1/invoices?definition=ws-pv', invoiceWithChairPrice(number, chairPrice));
    expect(posted.status).toBe(201);
    const caseId = posted.body.case.id as string;
    const task = await eventually(async () => (await analyst('GET', `/api/v1/tasks?caseId=${caseId}`)).body[0], 10_000, `task of ${number}`);
    return { caseId, taskId: task.id };
  }

  const inbox = async (who: Call, query: string) => {
    const r = await who('GET', `/api/v1/inbox?queue=${queue}&${query}`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body as { items: any[]; nextCursor: string | null };
  };

  let first: { caseId: string; taskId: string };
  let second: { caseId: string; taskId: string };

  beforeAll(async () => {
    server = await startTestServer({
      database,
      services: {
        portal: async () => {
          if (!serviceUp) throw new PermanentServiceError('supplier portal is down');
          return { ok: true };
        },
      },
    });
    owner = httpClient(server.url, await server.login('owner@demo.exflow'));
    admin = httpClient(server.url, await server.login('admin@demo.exflow'));
    tokens.analyst = await server.login('analyst@demo.exflow');
    tokens.analyst2 = await server.login('analyst2@demo.exflow');
    analyst = httpClient(server.url, tokens.analyst);
    analyst2 = httpClient(server.url, tokens.analyst2);
    approver = httpClient(server.url, await server.login('approver@demo.exflow'));
    for (const flow of [reviewFlow('ws-pv', queue), serviceFlow('ws-portal', 'portal')]) {
      const created = await owner('POST', '/api/v1/definitions', flow);
      expect(created.status).toBe(201);
      expect((await owner('POST', `/api/v1/definitions/${created.body.id}/publish`)).status).toBe(201);
    }
    // 126.00 a chair is 5 % over PO: 60.00 at risk; 140.00 is 16.7 % over: 200.00 at risk
    first = await openReview('WS-1', '126.00');
    second = await openReview('WS-2', '140.00');
  });
  afterAll(() => server?.stop());

  it('copies the invoice facts onto the task when it opens', async () => {
    const { items } = await inbox(analyst, 'view=unclaimed');
    const task = items.find((t) => t.id === first.taskId);
    expect(task).toMatchObject({
      caseId: first.caseId,
      invoiceNumber: 'WS-1',
      supplierId: 'SUP-001',
      supplierName: 'Nordic Office Supplies AB',
      businessUnit: 'Operations', // from PO-1001: the invoice names none
      amount: '3450.00',
      currency: 'EUR',
      exceptionKind: 'priceVariance',
      priority: 2,
      assignee: null,
    });
    expect(Number(task.valueAtRisk)).toBe(60);
    expect(task.dueAt).toEqual(expect.any(String));
  });

  it('sorts by priority: more value at risk ranks first when the SLAs are alike', async () => {
    const { items } = await inbox(analyst, 'view=unclaimed');
    expect(items.map((t) => t.invoiceNumber)).toEqual(['WS-2', 'WS-1']);
    expect(Date.parse(items[0].rankAt)).toBeLessThan(Date.parse(items[1].rankAt));
  });

  it('filters by exception kind, supplier, business unit, amount and due date', async () => {
    const ids = async (q: string) => (await inbox(analyst, `view=unclaimed&${q}`)).items.map((t) => t.invoiceNumber).sort();
    expect(await ids('exceptionKind=priceVariance')).toEqual(['WS-1', 'WS-2']);
    expect(await ids('exceptionKind=missingPo')).toEqual([]);
    expect(await ids('supplier=SUP-001')).toEqual(['WS-1', 'WS-2']);
    expect(await ids('supplier=SUP-002')).toEqual([]);
    expect(await ids('businessUnit=Operations')).toEqual(['WS-1', 'WS-2']);
    expect(await ids('amountMin=3500')).toEqual(['WS-2']); // 140 × 10 + 1500 = 2900 net, 3625 gross
    expect(await ids('amountMax=3500')).toEqual(['WS-1']);
    const tomorrow = new Date(Date.now() + 25 * 3600_000).toISOString();
    expect(await ids(`dueBefore=${tomorrow}`)).toEqual(['WS-1', 'WS-2']);
    expect(await ids(`dueAfter=${tomorrow}`)).toEqual([]);
  });

  it('pages with a cursor', async () => {
    const page1 = await inbox(analyst, 'view=unclaimed&limit=1');
    expect(page1.items).toHaveLength(1);
    expect(page1.nextCursor).toEqual(expect.any(String));
    const page2 = await inbox(analyst, `view=unclaimed&limit=1&cursor=${page1.nextCursor}`);
    expect(page2.items.map((t) => t.id)).toEqual([first.taskId]);
    expect(page1.items[0].id).toBe(second.taskId);
  });

  it('refuses bad query parameters naming them', async () => {
    for (const [query, path] of [
      ['view=everything', 'view'],
      ['amountMin=lots', 'amountMin'],
      ['amountMin=10&amountMax=5', 'amountMax'],
      ['dueBefore=tomorrow', 'dueBefore'],
      ['limit=0', 'limit'],
      ['cursor=garbage', 'cursor'],
      ['view=mine&assignee=u-analyst', 'assignee'],
    ]) {
      const r = await analyst('GET', `/api/v1/inbox?${query}`);
      expect(r.status, query).toBe(422);
      expect(r.headers.get('content-type')).toContain('application/problem+json');
      expect(r.body.errors[0].path, query).toBe(path);
    }
  });

  it("moves a claimed task from everyone's unclaimed list to the claimer's own, and counts per queue", async () => {
    expect((await analyst('POST', `/api/v1/tasks/${first.taskId}/claim`)).status).toBe(200);
    expect((await inbox(analyst2, 'view=unclaimed')).items.map((t) => t.id)).toEqual([second.taskId]);
    const mine = await inbox(analyst, 'view=mine');
    expect(mine.items.map((t) => t.id)).toEqual([first.taskId]);
    expect(mine.items[0]).toMatchObject({ assignee: 'u-analyst', assigneeName: 'Ari Analyst' });
    const summary = (await analyst('GET', '/api/v1/inbox/summary')).body;
    expect(summary.lead).toBe(false);
    expect(summary.queues.find((q: any) => q.queue === queue)).toEqual({ queue, open: 2, unclaimed: 1, mine: 1, overdue: 0, canWork: true });
    expect(summary.facets.exceptionKinds).toEqual(expect.arrayContaining([{ value: 'priceVariance', count: expect.any(Number) }]));
    expect(summary.facets.suppliers.find((s: any) => s.value === 'SUP-001')).toMatchObject({ label: 'Nordic Office Supplies AB' });
  });

  it('audits claiming and releasing a task on its case, and a refused claim not at all', async () => {
    expect((await analyst2('POST', `/api/v1/tasks/${first.taskId}/claim`)).status).toBe(409);
    expect((await analyst2('POST', `/api/v1/tasks/${second.taskId}/claim`)).status).toBe(200);
    expect((await analyst('POST', `/api/v1/tasks/${second.taskId}/release`)).status).toBe(409);
    expect((await analyst2('POST', `/api/v1/tasks/${second.taskId}/release`)).status).toBe(200);
    const held = async (caseId: string) =>
      ((await analyst('GET', `/api/v1/cases/${caseId}/audit`)).body as any[])
        .filter((a) => a.action === 'task.claimed' || a.action === 'task.released')
        .map((a) => [a.action, a.actor, a.entityId]);
    expect(await held(first.caseId)).toEqual([['task.claimed', 'u-analyst', first.taskId]]);
    expect(await held(second.caseId)).toEqual([
      ['task.claimed', 'u-analyst2', second.taskId],
      ['task.released', 'u-analyst2', second.taskId],
    ]);
  });

  it('keeps the team view for leads: tenant admins and users flagged lead', async () => {
    expect((await analyst2('GET', `/api/v1/inbox?view=team`)).status).toBe(403);
    const team = await inbox(admin, 'view=team');
    expect(team.items.map((t) => t.id).sort()).toEqual([first.taskId, second.taskId].sort());
    expect((await inbox(admin, 'view=team&assignee=u-analyst')).items.map((t) => t.id)).toEqual([first.taskId]);
    expect((await analyst('PUT', '/api/v1/team/u-analyst2/lead', { lead: true })).status).toBe(403);
    const granted = await admin('PUT', '/api/v1/team/u-analyst2/lead', { lead: true });
    expect(granted.body).toMatchObject({ id: 'u-analyst2', lead: true });
    expect((await analyst2('GET', `/api/v1/inbox?view=team&queue=${queue}`)).status).toBe(200);
    expect((await admin('PUT', '/api/v1/team/u-analyst2/lead', { lead: false })).body.lead).toBe(false);
    expect((await admin('PUT', '/api/v1/team/nobody/lead', { lead: true })).status).toBe(404);
    const people = (await analyst('GET', '/api/v1/team')).body;
    expect(people.map((p: any) => p.id)).toEqual(expect.arrayContaining(['u-analyst', 'u-analyst2', 'u-approver']));
  });

  it('reassigns within the queue: the holder or a lead, to someone who may work the task', async () => {
    const before = await digest(server.db);
    const notCandidate = await analyst('POST', `/api/v1/tasks/${first.taskId}/reassign`, { assignee: 'u-owner' });
    expect(notCandidate.status).toBe(422);
    expect(notCandidate.body.errors).toEqual([{ path: '/assignee', message: 'not a candidate for this task' }]);
    expect((await analyst('POST', `/api/v1/tasks/${first.taskId}/reassign`, { assignee: 'u-nobody' })).body.errors[0].path).toBe('/assignee');
    expect((await analyst('POST', `/api/v1/tasks/${first.taskId}/reassign`, {})).body.errors[0].path).toBe('/assignee');
    expect((await analyst2('POST', `/api/v1/tasks/${first.taskId}/reassign`, { assignee: 'u-analyst2' })).status).toBe(403);
    expect(await digest(server.db)).toBe(before);

    const handed = await analyst('POST', `/api/v1/tasks/${first.taskId}/reassign`, { assignee: 'u-analyst2', reason: 'Bea knows this supplier' });
    expect(handed.status).toBe(200);
    expect(handed.body).toMatchObject({ id: first.taskId, assignee: 'u-analyst2', assigneeName: 'Bea Analyst' });
    const byLead = await admin('POST', `/api/v1/tasks/${first.taskId}/reassign`, { assignee: 'u-approver' });
    expect(byLead.body.assignee).toBe('u-approver');
    const trail = (await analyst('GET', `/api/v1/cases/${first.caseId}/audit`)).body;
    expect(trail.filter((a: any) => a.action === 'task.reassigned').map((a: any) => [a.actor, a.data.from, a.data.to])).toEqual([
      ['u-analyst', 'u-analyst', 'u-analyst2'],
      ['u-admin', 'u-analyst2', 'u-approver'],
    ]);
    expect(trail[0]).toMatchObject({ action: 'case.started', entity: 'case' });
    expect((await admin('POST', `/api/v1/tasks/${first.taskId}/reassign`, { assignee: 'u-analyst' })).status).toBe(200);
  });

  it('bulk actions are all or nothing, for leads only', async () => {
    const before = await digest(server.db);
    const ids = [second.taskId, first.taskId];
    expect((await analyst('POST', '/api/v1/inbox/bulk/priority', { taskIds: ids, priority: 1 })).status).toBe(403);
    const unknown = await admin('POST', '/api/v1/inbox/bulk/reassign', { taskIds: [second.taskId, 'nope'], assignee: 'u-analyst2' });
    expect(unknown.status).toBe(422);
    expect(unknown.body.errors).toEqual([{ path: '/taskIds/1', message: 'no task nope' }]);
    const twice = await admin('POST', '/api/v1/inbox/bulk/priority', { taskIds: [second.taskId, second.taskId], priority: 1 });
    expect(twice.body.errors[0].path).toBe('/taskIds/1');
    const badPriority = await admin('POST', '/api/v1/inbox/bulk/priority', { taskIds: ids, priority: 9 });
    expect(badPriority.status).toBe(422);
    expect(badPriority.body.errors[0].path).toBe('/priority');
    const notCandidate = await admin('POST', '/api/v1/inbox/bulk/reassign', { taskIds: ids, assignee: 'u-owner' });
    expect(notCandidate.body.errors.map((e: any) => e.path)).toEqual(['/taskIds/0', '/taskIds/1']);
    expect(await digest(server.db)).toBe(before);

    const reassigned = await admin('POST', '/api/v1/inbox/bulk/reassign', { taskIds: ids, assignee: 'u-analyst2', reason: 'covering for Ari' });
    expect(reassigned.body).toEqual({ changed: 2 });
    expect((await inbox(analyst2, 'view=mine')).items.map((t) => t.id).sort()).toEqual([...ids].sort());

    // WS-1 (less at risk) ranks second; priority 1 moves it a day ahead of WS-2's priority 2
    expect((await inbox(admin, 'view=team')).items.map((t) => t.id)).toEqual([second.taskId, first.taskId]);
    const reprioritised = await admin('POST', '/api/v1/inbox/bulk/priority', { taskIds: [first.taskId], priority: 1, reason: 'supplier escalated' });
    expect(reprioritised.body).toEqual({ changed: 1 });
    const team = (await inbox(admin, 'view=team')).items;
    expect(team.map((t) => t.id)).toEqual([first.taskId, second.taskId]);
    expect(team[0].priority).toBe(1);
    const trail = (await admin('GET', `/api/v1/cases/${first.caseId}/audit`)).body;
    expect(trail.at(-1)).toMatchObject({ action: 'task.reprioritised', actor: 'u-admin', data: { from: 2, to: 1, reason: 'supplier escalated' } });
  });

  it('comments mention colleagues and show in the case history; an unknown mention changes nothing', async () => {
    const before = await digest(server.db);
    const unknown = await analyst('POST', `/api/v1/cases/${first.caseId}/comments`, { text: 'Ask @bob about it' });
    expect(unknown.status).toBe(422);
    expect(unknown.body.errors).toEqual([{ path: '/text', message: 'unknown mention @bob' }]);
    const otherCase = await analyst('POST', `/api/v1/cases/${first.caseId}/comments`, { text: 'x', taskId: second.taskId });
    expect(otherCase.body.errors[0].path).toBe('/taskId');
    expect((await analyst('POST', `/api/v1/cases/${first.caseId}/comments`, { text: '   ' })).body.errors[0].path).toBe('/text');
    expect(await digest(server.db)).toBe(before);

    const posted = await analyst('POST', `/api/v1/cases/${first.caseId}/comments`, {
      text: '@analyst2 can you check the surcharge with @approver@demo.exflow? mail me at ari@example.com',
      taskId: first.taskId,
    });
    expect(posted.status).toBe(201);
    expect(posted.body.comment).toMatchObject({ author: 'u-analyst', authorName: 'Ari Analyst', mentions: ['u-analyst2', 'u-approver'], taskId: first.taskId });
    expectWire(commentPostedSchema, posted.body, 'POST /cases/:id/comments');
    const comments = (await analyst2('GET', `/api/v1/cases/${first.caseId}/comments`)).body;
    expect(comments.map((c: any) => c.id)).toEqual([posted.body.comment.id]);
    expectWire(commentListSchema, comments, 'GET /cases/:id/comments');
    const mentions = (await analyst2('GET', '/api/v1/inbox/mentions')).body;
    expectWire(commentListSchema, mentions, 'GET /inbox/mentions');
    expect(mentions[0]).toMatchObject({ id: posted.body.comment.id, caseId: first.caseId });
    expect((await owner('GET', '/api/v1/inbox/mentions')).body).toEqual([]);
    const history = (await analyst('GET', `/api/v1/cases/${first.caseId}/events?after=${posted.body.case.version - 1}`)).body;
    expect(history).toEqual([
      expect.objectContaining({
        seq: posted.body.case.version,
        type: 'case.comment',
        actor: 'u-analyst',
        payload: expect.objectContaining({ commentId: posted.body.comment.id, mentions: ['u-analyst2', 'u-approver'] }),
      }),
    ]);
  });

  it('attaches files: size-limited, content-type checked, downloadable, audited', async () => {
    const upload = (body: Buffer | string, type: string, query = 'filename=note.pdf') =>
      fetch(`${server.url}/api/v1/cases/${first.caseId}/attachments?${query}`, {
        method: 'POST',
        headers: { 'content-type': type, authorization: `Bearer ${tokens.analyst}` },
        body: typeof body === 'string' ? body : new Uint8Array(body),
      }).then(async (r) => ({ status: r.status, body: await r.json(), type: r.headers.get('content-type') }));
    const before = await digest(server.db);
    const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.from('delivery note for PO-1001\n%%EOF\n')]);
    const refused = [
      [await upload('just text', 'application/pdf'), 422, 'body'],
      [await upload(pdf, 'application/x-msdownload'), 415, 'Content-Type'],
      [await upload(pdf, 'application/pdf', 'filename='), 422, 'filename'],
      [await upload(pdf, 'application/pdf', `filename=x.pdf&taskId=${second.taskId}`), 422, 'taskId'],
      [await upload(Buffer.alloc(0), 'text/plain'), 422, 'body'],
      [await upload(Buffer.alloc(10 * 1024 * 1024 + 1, 0x41), 'text/plain'), 413, 'body'],
    ] as const;
    for (const [r, status, path] of refused) {
      expect(r.status).toBe(status);
      expect(r.type).toContain('application/problem+json');
      expect(r.body.errors[0].path).toBe(path);
    }
    expect(await digest(server.db)).toBe(before);

    const stored = await upload(pdf, 'application/pdf', `filename=${encodeURIComponent('../../delivery "note".pdf')}&taskId=${first.taskId}`);
    expect(stored.status).toBe(201);
    expect(stored.body).toMatchObject({
      filename: 'delivery note.pdf',
      contentType: 'application/pdf',
      sizeBytes: pdf.length,
      uploadedBy: 'u-analyst',
      taskId: first.taskId,
    });
    expectWire(attachmentViewSchema, stored.body, 'POST /cases/:id/attachments');
    const list = (await analyst2('GET', `/api/v1/cases/${first.caseId}/attachments`)).body;
    expect(list.map((a: any) => a.id)).toEqual([stored.body.id]);
    expectWire(attachmentListSchema, list, 'GET /cases/:id/attachments');
    const download = await fetch(`${server.url}/api/v1/cases/${first.caseId}/attachments/${stored.body.id}`, {
      headers: { authorization: `Bearer ${tokens.analyst2}` },
    });
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('application/pdf');
    expect(download.headers.get('content-disposition')).toContain('attachment; filename="delivery note.pdf"');
    expect(Buffer.from(await download.arrayBuffer()).equals(pdf)).toBe(true);
    expect((await analyst('GET', `/api/v1/cases/${first.caseId}/attachments/nope`)).status).toBe(404);
    const trail = (await analyst('GET', `/api/v1/cases/${first.caseId}/audit`)).body;
    expectWire(caseAuditListSchema, trail, 'GET /cases/:id/audit');
    expect(trail.at(-1)).toMatchObject({
      action: 'attachment.added',
      entityId: stored.body.id,
      data: { filename: 'delivery note.pdf', sizeBytes: pdf.length },
    });
  });

  it('keeps attachment bytes in a folder when one is configured', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'exflow-attachments-'));
    try {
      const repo = createAttachmentRepository(server.db, folder);
      const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
      const stored = await repo.insert('demo', {
        id: 'att-folder-1',
        caseId: first.caseId,
        taskId: null,
        filename: 'scan.png',
        contentType: 'image/png',
        uploadedBy: 'u-analyst',
        content: png,
      });
      expect(stored.sizeBytes).toBe(png.length);
      expect(readdirSync(join(folder, 'demo'))).toEqual(['att-folder-1']);
      expect(await server.db('attachments').where({ id: 'att-folder-1' }).first('storage', 'content')).toEqual({ storage: 'folder', content: null });
      expect((await repo.content('demo', first.caseId, 'att-folder-1'))!.equals(png)).toBe(true);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('serves the evidence: invoice, PO lines with their goods receipts, supplier master data', async () => {
    const evidence = (await analyst('GET', `/api/v1/cases/${first.caseId}/evidence`)).body;
    expectWire(evidenceSchema, evidence, 'GET /cases/:id/evidence');
    expectWire(storedInvoiceSchema, (await analyst('GET', `/api/v1/invoices/${evidence.invoice.id}`)).body, 'GET /invoices/:id');
    expect(evidence.invoice.body.invoiceNumber).toBe('WS-1');
    expect(evidence.purchaseOrder).toMatchObject({ poNumber: 'PO-1001', businessUnit: 'Operations' });
    expect(evidence.purchaseOrder.lines[0]).toMatchObject({
      lineId: '1',
      unitPrice: '120.00',
      receivedQuantity: '10',
      receipts: [expect.objectContaining({ id: 'GR-5001', quantity: '10' })],
    });
    expect(evidence.supplier).toMatchObject({ id: 'SUP-001', name: 'Nordic Office Supplies AB' });
    expect((await analyst('GET', '/api/v1/cases/nope/evidence')).status).toBe(404);
  });

  it('re-queues a failed effect for those allowed to, and refuses one that is not failed', async () => {
    const posted = await owner('POST', '/api/v1/invoices?definition=ws-portal', plainInvoice('WS-PORTAL-1'));
    const caseId = posted.body.case.id;
    const failed = await eventually(
      async () => {
        const c = (await owner('GET', `/api/v1/cases/${caseId}`)).body;
        return c.status === 'incident' && c;
      },
      10_000,
      'the case to wait in an incident',
    );
    const effect = failed.effects[0];
    expect(effect).toMatchObject({ status: 'failed', attempts: 1, lastError: 'supplier portal is down' });
    const before = await digest(server.db);
    expect((await analyst('POST', `/api/v1/cases/${caseId}/effects/${effect.id}/retry`)).status).toBe(403);
    expect((await owner('POST', `/api/v1/cases/${caseId}/effects/nope/retry`)).status).toBe(404);
    expect(await digest(server.db)).toBe(before);

    serviceUp = true;
    const retried = await owner('POST', `/api/v1/cases/${caseId}/effects/${effect.id}/retry`);
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ id: effect.id, status: 'pending', attempts: 1, policyAttemptsBase: 1 });
    expectWire(effectViewSchema, retried.body, 'POST /cases/:id/effects/:effectId/retry');
    const done = await eventually(
      async () => {
        const c = (await owner('GET', `/api/v1/cases/${caseId}`)).body;
        return c.effects[0].status === 'done' && c;
      },
      10_000,
      'the retried effect to run',
    );
    expect(done.effects[0].attempts).toBe(2);
    // the case waited at the step in an incident: the successful retry moves it on
    expect(await eventually(async () => (await owner('GET', `/api/v1/cases/${caseId}`)).body.status === 'resolved', 10_000, 'the case to move on')).toBe(true);
    const again = await owner('POST', `/api/v1/cases/${caseId}/effects/${effect.id}/retry`);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('effect-not-retryable');
    const trail = (await owner('GET', `/api/v1/cases/${caseId}/audit`)).body;
    expect(trail.filter((a: any) => a.action === 'effect.retried')).toEqual([
      expect.objectContaining({
        actor: 'u-owner',
        entityId: effect.id,
        data: expect.objectContaining({ status: 'failed', lastError: 'supplier portal is down' }),
      }),
    ]);
  });

  it('a completed task leaves every inbox', async () => {
    const done = await analyst2('POST', `/api/v1/tasks/${second.taskId}/complete`, { outcome: 'reject', data: { reason: 'Price not agreed' } });
    expect(done.status).toBe(200);
    expect((await inbox(admin, 'view=team')).items.map((t) => t.id)).toEqual([first.taskId]);
    expect((await inbox(analyst2, 'view=mine')).items.map((t) => t.id)).toEqual([first.taskId]);
    expect((await approver('GET', '/api/v1/inbox/summary')).body.queues.find((q: any) => q.queue === queue)).toMatchObject({ open: 1, unclaimed: 0 });
    const auditor = httpClient(server.url, await server.login('auditor@demo.exflow'));
    expect((await auditor('GET', '/api/v1/inbox?view=unclaimed')).body.items).toEqual([]); // reads, but takes no task
    expect((await auditor('GET', '/api/v1/inbox/summary')).body.views.unclaimed).toBe(0);
  });
});
