import type { CaseChangedMessage, Invoice, MigrationCase, MigrationDryRun, MigrationView, TaskChangedMessage } from '@exflow/shared';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_TENANT } from '../src/demo/seed.js';
import { createTaskRepository } from '../src/store/taskRepository.js';
import { startTestServer, testDatabaseKinds, type TestServer } from './support/testServer.js';
import { invoiceOf } from './support/approvalFlow.js';
import { migratingV1 as v1, migratingV2 as v2 } from './support/migrationFlows.js';
import { eventually, httpClient, PATIENCE_MS, TEST_TIMEOUT_MS } from './support/http.js';
import { tableCounts } from './support/tableCounts.js';

const CASES = 200;

describe.each(testDatabaseKinds())('running-case migration, on %s', { timeout: TEST_TIMEOUT_MS }, (database) => {
  let server: TestServer;
  let owner: ReturnType<typeof httpClient>;
  let definitionId: string;
  const caseIds: string[] = [];
  let held: string;
  let dry: MigrationDryRun;
  let migration: MigrationView;
  /** A real Socket.IO client in the owner's tenant room and the queue the moved tasks go to: what an open case view or inbox hears. */
  let socket: Socket;
  const heard: CaseChangedMessage[] = [];
  const heardTasks: TaskChangedMessage[] = [];
  /** Each case's rows before anything moved, to compare with after a rollback. */
  let original: Map<string, Awaited<ReturnType<typeof rowsOf>>>;

  const rowsOf = async (caseId: string) => {
    const c = await server.db('cases').where({ tenant_id: DEMO_TENANT, id: caseId }).first();
    const tasks = await server
      .db('tasks')
      .where({ tenant_id: DEMO_TENANT, case_id: caseId })
      .orderBy('id')
      .select('id', 'node_id', 'title', 'queue', 'candidate_roles', 'status', 'assignee', 'claimed_at', 'due_at', 'outcomes', 'priority', 'created_at');
    const timers = await server
      .db('timers')
      .where({ tenant_id: DEMO_TENANT, case_id: caseId, status: 'pending' })
      .orderBy('id')
      .select('id', 'node_id', 'timer_id', 'due_at');
    return {
      version: c.version as number,
      definitionVersion: c.definition_version as number,
      snapshot: c.snapshot,
      activeNodes: c.active_nodes,
      tasks,
      timers,
    };
  };
  const iso = (v: unknown) => (v == null ? null : new Date(v as string).toISOString());

  beforeAll(async () => {
    server = await startTestServer({ database, seedDemo: true });
    owner = httpClient(server.url, await server.login('owner@demo.exflow'));
    const created = await owner('POST', '/api/v1/definitions', v1);
    definitionId = created.body.id;
    expect((await owner('POST', `/api/v1/definitions/${definitionId}/publish`)).status).toBe(201);
    expect((await owner('PUT', `/api/v1/definitions/${definitionId}/draft`, v2)).status).toBe(200);
    expect((await owner('POST', `/api/v1/definitions/${definitionId}/publish`)).status).toBe(201);
    const made = performance.now();
    // 200 cases of v1 through the real engine, in process: the first waits at `hold`, the rest at `review`
    for (let i = 0; i < CASES; i++) {
      const invoice = invoiceOf(`MIG-${i}`, i === 0 ? 500 : 2000) as unknown as Invoice;
      const change = await server.engine.startCase(DEMO_TENANT, { definitionId, version: 1, invoiceId: null, invoice }, 'u-owner');
      caseIds.push(change.caseId);
    }
    console.info(`${database}: ${CASES} cases started through the engine in ${Math.round(performance.now() - made)} ms`);
    held = caseIds[0]!;
    // some tasks are held by someone: they keep the holder only where the queue stays
    const tasks = createTaskRepository(server.db);
    for (const caseId of caseIds.slice(1, 11)) {
      const [task] = await tasks.list(DEMO_TENANT, { caseId });
      expect(await tasks.claim(DEMO_TENANT, task!.id, 'u-analyst')).toMatchObject({ assignee: 'u-analyst' });
    }
    original = new Map(await Promise.all(caseIds.map(async (id) => [id, await rowsOf(id)] as const)));
    socket = io(server.url, { path: '/socket.io', auth: { token: await server.login('owner@demo.exflow') }, transports: ['websocket'], reconnection: false });
    socket.on('case.changed', (m: CaseChangedMessage) => heard.push(m));
    socket.on('task.changed', (m: TaskChangedMessage) => heardTasks.push(m));
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    expect(await socket.emitWithAck('join', { room: 'queue:ap-senior' })).toMatchObject({ ok: true });
  });
  afterAll(async () => {
    socket?.disconnect();
    await server?.stop();
  });
  const heardOf = (type: string) => new Map(heard.filter((m) => m.event.type === type).map((m) => [m.caseId, m]));

  it('the dry run predicts every case, reports the blocked one with its reason, and writes nothing', async () => {
    const before = await tableCounts(server.db);
    const started = performance.now();
    const dryRun = () =>
      owner('POST', `/api/v1/definitions/${definitionId}/migrations/dry-run`, { fromVersion: 1, toVersion: 2, mapping: { review: 'check' } });
    // the first call after seconds of in-process engine work may meet a keep-alive socket the
    // server just closed (both timers ran late on the busy event loop); a dry run is safe to repeat
    const r = await dryRun().catch(dryRun);
    console.info(`${database}: dry run of ${CASES} cases in ${Math.round(performance.now() - started)} ms`);
    expect(r.status).toBe(200);
    expect(await tableCounts(server.db)).toEqual(before);
    dry = r.body;
    expect(dry).toMatchObject({ total: CASES, movable: CASES - 1, blocked: 1, unmapped: ['hold'] });
    expect(dry.mapping).toMatchObject({ review: 'check', approve: 'approve' });
    const blocked = dry.cases.find((c) => !c.canMove)!;
    expect(blocked).toMatchObject({ caseId: held, blocks: [{ code: 'node.unmapped', nodeId: 'hold' }] });
    const claimed = dry.cases.find((c) => c.caseId === caseIds[1])!;
    const task = original.get(caseIds[1]!)!.tasks[0]!;
    expect(claimed.tasks[0]).toMatchObject({ nodeId: 'check', queue: 'ap-senior', queueBefore: 'ap-review', assigneeBefore: 'u-analyst', assignee: null });
    // the recomputed SLA: the task's creation plus two days (the old one was its opening plus 8 hours)
    expect(claimed.tasks[0]!.dueAt).toBe(new Date(Date.parse(iso(task.created_at)!) + 48 * 3600_000).toISOString());
    expect(iso(task.due_at)).toBe(claimed.tasks[0]!.dueAtBefore);

    const bad = await owner('POST', `/api/v1/definitions/${definitionId}/migrations/dry-run`, { fromVersion: 1, toVersion: 2, mapping: { review: 'nowhere' } });
    expect(bad.status).toBe(422);
    expect(bad.body).toMatchObject({ code: 'migration-mapping', errors: [{ path: '/mapping/review' }] });
    expect((await owner('POST', `/api/v1/definitions/${definitionId}/migrations/dry-run`, { fromVersion: 2, toVersion: 2 })).body.code).toBe(
      'migration-versions',
    );
  });

  it('applied in batches, every case ends where the dry run said (state, queue, assignee, SLA, timer); a case that moved since is skipped', async () => {
    const created = await owner('POST', `/api/v1/definitions/${definitionId}/migrations`, {
      fromVersion: 1,
      toVersion: 2,
      mapping: { review: 'check' },
      batchSize: 50,
    });
    expect(created.status).toBe(201);
    migration = created.body;
    expect(migration.batches.map((b) => b.cases)).toEqual([50, 50, 50, 49]);
    expect(migration.cases.find((c) => c.caseId === held)).toMatchObject({ batch: 0, status: 'blocked' });

    // one case of batch 2 moves after the plan was made
    const moved = migration.cases.find((c) => c.batch === 2)!.caseId;
    await server.engine.send(DEMO_TENANT, moved, { type: 'case.comment' }, 'u-owner');

    const one = await owner('POST', `/api/v1/definitions/${definitionId}/migrations/${migration.id}/batches/1/apply`);
    expect(one.status).toBe(200);
    expect((await owner('POST', `/api/v1/definitions/${definitionId}/migrations/${migration.id}/batches/1/apply`)).body.code).toBe('migration-batch-state');
    const started = performance.now();
    const all = await owner('POST', `/api/v1/definitions/${definitionId}/migrations/${migration.id}/apply`);
    console.info(`${database}: batches 2-4 (149 cases) applied in ${Math.round(performance.now() - started)} ms`);
    expect(all.status).toBe(200);
    migration = all.body;
    expect(migration.batches.map((b) => [b.status, b.migrated, b.skipped])).toEqual([
      ['applied', 50, 0],
      ['applied', 49, 1],
      ['applied', 50, 0],
      ['applied', 49, 0],
    ]);
    expect(migration.cases.find((c) => c.caseId === moved)).toMatchObject({ status: 'skipped', reason: expect.stringContaining('moved since the dry run') });

    const predicted = new Map<string, MigrationCase>(dry.cases.map((c) => [c.caseId, c]));
    for (const caseId of caseIds.slice(1).filter((id) => id !== moved)) {
      const now = await rowsOf(caseId);
      const p = predicted.get(caseId)!;
      expect(now.definitionVersion).toBe(2);
      expect(now.activeNodes).toEqual(p.toNodes);
      expect(now.snapshot.value).toBe('check');
      expect(now.version).toBe(original.get(caseId)!.version + 1);
      const task = now.tasks[0]!;
      expect({ id: task.id, node: task.node_id, queue: task.queue, roles: task.candidate_roles, assignee: task.assignee, due: iso(task.due_at) }).toEqual({
        id: p.tasks[0]!.taskId,
        node: p.tasks[0]!.nodeId,
        queue: p.tasks[0]!.queue,
        roles: p.tasks[0]!.candidateRoles,
        assignee: p.tasks[0]!.assignee,
        due: p.tasks[0]!.dueAt,
      });
      expect(now.timers.map((t: { timer_id: string; due_at: unknown }) => [t.timer_id, iso(t.due_at)])).toEqual([['check:sla', p.tasks[0]!.dueAt]]);
    }
    // the blocked and the skipped cases are untouched (the skipped one only has its comment)
    expect(await rowsOf(held)).toEqual(original.get(held));
    expect((await rowsOf(moved)).definitionVersion).toBe(1);
    const events = (await owner('GET', `/api/v1/cases/${caseIds[5]}/events`)).body;
    expect(events.at(-1)).toMatchObject({ type: 'case.migrated', payload: { fromVersion: 1, toVersion: 2, mapping: { review: 'check' } } });

    // every moved case was announced on Socket.IO with its new version and steps; its task went to its new queue
    const migratedIds = migration.cases.filter((c) => c.status === 'migrated').map((c) => c.caseId);
    await eventually(async () => heardOf('case.migrated').size === migratedIds.length || undefined, PATIENCE_MS, 'a case.changed for every migrated case');
    expect([...heardOf('case.migrated').keys()].sort()).toEqual([...migratedIds].sort());
    const message = heardOf('case.migrated').get(caseIds[5]!)!;
    expect(message).toMatchObject({ definitionId, status: 'open', activeNodes: ['check'], event: { type: 'case.migrated', seq: message.version } });
    expect(message.version).toBe((await rowsOf(caseIds[5]!)).version);
    await eventually(
      async () => heardTasks.filter((t) => t.change === 'reassigned').length === migratedIds.length || undefined,
      PATIENCE_MS,
      'the moved tasks',
    );
    expect(heardTasks.find((t) => t.caseId === caseIds[5])).toMatchObject({ change: 'reassigned', queue: 'ap-senior', assignee: null, status: 'open' });
    expect(heard.some((m) => m.caseId === moved && m.event.type === 'case.migrated') || heard.some((m) => m.caseId === held)).toBe(false);
  });

  it('rolling back a batch restores each case exactly (snapshot, version, tasks, timers); a migrated case goes on in v2', async () => {
    const batch1 = migration.cases.filter((c) => c.batch === 1).map((c) => c.caseId);
    const started = performance.now();
    const r = await owner('POST', `/api/v1/definitions/${definitionId}/migrations/${migration.id}/batches/1/rollback`);
    console.info(`${database}: batch 1 (50 cases) rolled back in ${Math.round(performance.now() - started)} ms`);
    expect(r.status).toBe(200);
    expect(r.body.batches[0]).toMatchObject({ status: 'rolled-back', rolledBack: 50 });
    for (const caseId of batch1) {
      const { version, ...now } = await rowsOf(caseId);
      const { version: before, ...was } = original.get(caseId)!;
      expect(now).toEqual(was);
      expect(version).toBe(before + 2); // the migration and its rollback are both in the case's history
    }
    const events = (await owner('GET', `/api/v1/cases/${batch1[0]}/events`)).body;
    expect(events.slice(-2).map((e: { type: string }) => e.type)).toEqual(['case.migrated', 'case.migration.rolled-back']);
    // the rollback is announced too: open views go back to the old step
    await eventually(
      async () => heardOf('case.migration.rolled-back').size === batch1.length || undefined,
      PATIENCE_MS,
      'a case.changed for every case put back',
    );
    expect([...heardOf('case.migration.rolled-back').keys()].sort()).toEqual([...batch1].sort());
    expect(heardOf('case.migration.rolled-back').get(batch1[0]!)).toMatchObject({ activeNodes: ['review'], version: (await rowsOf(batch1[0]!)).version });
    const audit = await server.db('audit').where({ tenant_id: DEMO_TENANT, entity: 'migration', entity_id: migration.id }).orderBy('seq').pluck('action');
    expect(audit).toEqual([
      'migration.created',
      'migration.batch.applied',
      'migration.batch.applied',
      'migration.batch.applied',
      'migration.batch.applied',
      'migration.batch.rolled-back',
    ]);

    // another tenant does not see the migration
    const acme = httpClient(server.url, await server.login('admin@acme.example'));
    expect((await acme('GET', `/api/v1/definitions/${definitionId}/migrations/${migration.id}`)).status).toBe(404);

    // a case of batch 3 completes its moved task at `check` and goes on to the approval of v2
    const analyst = httpClient(server.url, await server.login('analyst@demo.exflow'));
    const caseId = migration.cases.find((c) => c.batch === 3)!.caseId;
    const [task] = (await analyst('GET', `/api/v1/tasks?caseId=${caseId}`)).body;
    expect((await analyst('POST', `/api/v1/tasks/${task.id}/complete`, { outcome: 'done' })).status).toBe(200);
    expect((await owner('GET', `/api/v1/cases/${caseId}`)).body.activeNodes).toEqual(['approve']);
  });
});
