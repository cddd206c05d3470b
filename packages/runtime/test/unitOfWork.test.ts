import { compile, parseInvoice, type Invoice } from '@exflow/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type CaseChange } from '../src/engine/engine.js';
import { createEventBus } from '../src/engine/eventBus.js';
import { createDefinitionRepository } from '../src/store/definitionRepository.js';
import { migrate, openDatabase, type Db } from '../src/store/db.js';
import { inUnitOfWork } from '../src/store/unitOfWork.js';
import { invoiceWithChairPrice, priceVarianceFlow } from './support/fixtures.js';

const parsed = parseInvoice(invoiceWithChairPrice('UOW-1', '250.00'));
if (!parsed.ok) throw new Error('fixture invoice invalid');
const invoice: Invoice = parsed.invoice;

describe('unit of work and event bus', () => {
  let db: Db;
  let definitionId: string;

  beforeAll(async () => {
    db = openDatabase({});
    await migrate(db);
    await db('tenants').insert({ id: 'uow', name: 'Unit of work' });
    const flow = priceVarianceFlow('uow-flow');
    const compiled = compile(flow);
    if (!compiled.ok) throw new Error('flow does not compile');
    definitionId = 'def-uow';
    await createDefinitionRepository(db).create('uow', definitionId, flow, null);
    await db.transaction((trx) => createDefinitionRepository(trx).publish('uow', definitionId, flow, compiled.flow, null));
  });
  afterAll(() => db?.destroy());

  it('runs after-commit callbacks only once the transaction committed, and never after a rollback', async () => {
    const seen: string[] = [];
    await inUnitOfWork(db, async (unit) => {
      unit.afterCommit(() => seen.push('after commit'));
      await unit.trx.raw('select 1');
      seen.push('work done');
    });
    expect(seen).toEqual(['work done', 'after commit']);
    await expect(
      inUnitOfWork(db, async (unit) => {
        unit.afterCommit(() => seen.push('must not run'));
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(seen).toEqual(['work done', 'after commit']);
  });

  it('publishes a case started in a unit on the bus after commit, with the work it queued; nothing when it rolls back', async () => {
    const bus = createEventBus();
    const changes: CaseChange[] = [];
    const queued: number[] = [];
    bus.on('case.changed', (c) => changes.push(c));
    bus.on('work.queued', (w) => queued.push(w.effects));
    const engine = createEngine({ db, bus });
    let caseId = '';
    await inUnitOfWork(db, async (unit) => {
      caseId = (await engine.startCase('uow', { definitionId, version: 1, invoiceId: null, invoice }, 'u-1', { unit })).caseId;
      expect(changes).toEqual([]);
    });
    expect(changes.map((c) => [c.caseId, c.event.type, c.version])).toEqual([[caseId, 'case.started', 1]]);
    expect(queued).toEqual([1]); // the match service, through the outbox (no local services given)

    await expect(
      inUnitOfWork(db, async (unit) => {
        await engine.startCase('uow', { definitionId, version: 1, invoiceId: null, invoice }, 'u-1', { unit });
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(changes).toHaveLength(1);
  });
});
