import type { Facet, InboxFilters, InboxSummary as InboxSummaryWire, InboxTask, TeamMember } from '@exflow/shared';
import type { Knex } from 'knex';
import { createAuditRepository } from './auditRepository.js';
import type { Db } from './db.js';

/** Whose tasks: the caller's own, the unclaimed ones the caller may take, or everyone's (leads). */
export type InboxView = 'mine' | 'unclaimed' | 'team';

export interface InboxFilter extends InboxFilters {
  view: InboxView;
  userId: string;
  /** The caller's worker roles: unclaimed tasks are those whose candidate roles meet them (or have none); none, no unclaimed task. */
  roles: readonly string[];
  /** The last task of the previous page. */
  after?: InboxCursor;
  limit: number;
}

export interface InboxCursor {
  rankAt: string;
  id: string;
}

/** A queue's counts; `canWork`: the caller is a candidate for at least one of its tasks. */
export type QueueCount = InboxSummaryWire['queues'][number];

/** The summary as the store computes it; the route adds `lead`. */
export type InboxSummary = Omit<InboxSummaryWire, 'lead'>;

/** Just enough of a task to check a reassignment or a bulk change before making it. */
export interface TaskRef {
  id: string;
  status: string;
  queue: string;
  candidateRoles: string[];
  assignee: string | null;
  caseId: string;
  title: string;
  priority: number;
}

export type { InboxTask, TeamMember };

const iso = (v: unknown) => (v == null ? null : v instanceof Date ? v.toISOString() : String(v));
const text = (v: unknown) => (v == null ? null : String(v));

const toInboxTask = (r: any): InboxTask => ({
  id: r.id,
  caseId: r.case_id,
  nodeId: r.node_id,
  title: r.title,
  queue: r.queue,
  candidateRoles: r.candidate_roles,
  priority: r.priority,
  assignee: r.assignee,
  assigneeName: r.assignee_name ?? null,
  dueAt: iso(r.due_at),
  createdAt: iso(r.created_at)!,
  claimedAt: iso(r.claimed_at),
  invoiceNumber: r.invoice_number,
  supplierId: r.supplier_id,
  supplierName: r.supplier_name,
  businessUnit: r.business_unit,
  amount: text(r.amount),
  currency: r.currency,
  exceptionKind: r.exception_kind,
  valueAtRisk: text(r.value_at_risk),
  rankAt: r.rank_key,
});

/** The caller may take a task whose candidate roles are empty or include one of theirs; with no worker role, none. */
const candidateSql = (roles: readonly string[]): [string, string[]] =>
  roles.length
    ? [`(t.candidate_roles = '[]'::jsonb OR jsonb_exists_any(t.candidate_roles, ARRAY(SELECT jsonb_array_elements_text(?::jsonb))))`, [JSON.stringify(roles)]]
    : ['false', []];

/** Keeps only the ids given, as a JSON array binding (same on PostgreSQL and PGlite). */
const IDS_SQL = `(SELECT jsonb_array_elements_text(?::jsonb))`;

export function createInboxRepository(db: Db) {
  /**
   * The list query: open tasks of a tenant in rank order, one of three partial indexes
   * (tenant, rank), (tenant, assignee, rank), (tenant, queue, rank) serving the order, so the
   * first page reads about as many index entries as it returns, whatever the backlog.
   */
  function listQuery(tenantId: string, f: InboxFilter): Knex.QueryBuilder {
    const q = inboxRows().where('t.tenant_id', tenantId).andWhere('t.status', 'open');
    if (f.view === 'mine') q.andWhere('t.assignee', f.userId);
    if (f.view === 'unclaimed') q.whereNull('t.assignee').andWhereRaw(...candidateSql(f.roles));
    if (f.view === 'team' && f.assignee) q.andWhere('t.assignee', f.assignee);
    if (f.queue) q.andWhere('t.queue', f.queue);
    if (f.exceptionKind) q.andWhere('t.exception_kind', f.exceptionKind);
    if (f.supplier) q.andWhere((w) => w.where('t.supplier_id', f.supplier!).orWhere('t.supplier_name', f.supplier!));
    if (f.businessUnit) q.andWhere('t.business_unit', f.businessUnit);
    if (f.amountMin !== undefined) q.andWhereRaw('t.amount >= ?::numeric', [f.amountMin]);
    if (f.amountMax !== undefined) q.andWhereRaw('t.amount <= ?::numeric', [f.amountMax]);
    if (f.dueAfter) q.andWhereRaw('t.due_at >= ?::timestamptz', [f.dueAfter]);
    if (f.dueBefore) q.andWhereRaw('t.due_at <= ?::timestamptz', [f.dueBefore]);
    if (f.after) q.andWhereRaw('(t.rank_at, t.id) > (?::timestamptz, ?)', [f.after.rankAt, f.after.id]);
    return q.orderBy([{ column: 't.rank_at' }, { column: 't.id' }]).limit(f.limit);
  }

  const inboxRows = () =>
    db('tasks as t')
      .leftJoin('users as u', function () {
        this.on('u.tenant_id', 't.tenant_id').andOn('u.id', 't.assignee');
      })
      .select(
        't.id',
        't.case_id',
        't.node_id',
        't.title',
        't.queue',
        't.candidate_roles',
        't.priority',
        't.assignee',
        't.due_at',
        't.created_at',
        't.claimed_at',
        't.invoice_number',
        't.supplier_id',
        't.supplier_name',
        't.business_unit',
        't.amount',
        't.currency',
        't.exception_kind',
        't.value_at_risk',
        'u.name as assignee_name',
      )
      // as text: a JavaScript Date would drop the microseconds the cursor needs
      .select(db.raw(`to_char(t.rank_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as rank_key`));

  return {
    listQuery,

    async list(tenantId: string, filter: InboxFilter): Promise<InboxTask[]> {
      return (await listQuery(tenantId, filter)).map(toInboxTask);
    },

    async get(tenantId: string, id: string): Promise<InboxTask | undefined> {
      const row = await inboxRows().where({ 't.tenant_id': tenantId, 't.id': id }).first();
      return row ? toInboxTask(row) : undefined;
    },

    /** Counts per queue and per view, and the values the filters can take, over open tasks. */
    async summary(tenantId: string, userId: string, roles: readonly string[], lead: boolean): Promise<InboxSummary> {
      const [candidate, candidateBindings] = candidateSql(roles);
      const queueRows = await db('tasks as t')
        .where({ 't.tenant_id': tenantId, 't.status': 'open' })
        .groupBy('t.queue')
        .orderBy('t.queue')
        .select('t.queue')
        .select(
          db.raw('count(*)::int as open'),
          db.raw(`count(*) filter (where t.assignee is null and ${candidate})::int as unclaimed`, candidateBindings),
          db.raw('count(*) filter (where t.assignee = ?)::int as mine', [userId]),
          db.raw('count(*) filter (where t.due_at < now())::int as overdue'),
          db.raw(`bool_or(${candidate}) as can_work`, candidateBindings),
        );
      const queues: QueueCount[] = queueRows
        .map((r: any) => ({ queue: r.queue, open: r.open, unclaimed: r.unclaimed, mine: r.mine, overdue: r.overdue, canWork: !!r.can_work }))
        .filter((q: QueueCount) => lead || q.canWork || q.mine > 0);
      const visible = db('tasks as t').where({ 't.tenant_id': tenantId, 't.status': 'open' });
      if (!lead) visible.andWhere((w) => w.where('t.assignee', userId).orWhere((u) => u.whereNull('t.assignee').andWhereRaw(candidate, candidateBindings)));
      const facetRows = await visible
        .select(
          db.raw(`coalesce(t.exception_kind, '') as exception_kind`),
          db.raw(`coalesce(t.supplier_id, t.supplier_name, '') as supplier`),
          db.raw(`coalesce(t.business_unit, '') as business_unit`),
        )
        .select(db.raw('max(t.supplier_name) as supplier_name'), db.raw('count(*)::int as n'))
        .groupByRaw(`grouping sets ((coalesce(t.exception_kind, '')), (coalesce(t.supplier_id, t.supplier_name, '')), (coalesce(t.business_unit, '')))`);
      const facet = (key: string, label?: string) => {
        const out: (Facet & { label?: string })[] = [];
        for (const r of facetRows as any[]) {
          if (r[key] === null || r[key] === '') continue;
          const other = ['exception_kind', 'supplier', 'business_unit'].filter((k) => k !== key);
          if (other.some((k) => r[k] !== null)) continue; // a row of another grouping set
          out.push({ value: r[key], count: r.n, ...(label ? { label: r[label] } : {}) });
        }
        return out.sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
      };
      const sum = (k: 'mine' | 'unclaimed' | 'open') => queueRows.reduce((n: number, r: any) => n + r[k], 0);
      return {
        views: { mine: sum('mine'), unclaimed: sum('unclaimed'), team: lead ? sum('open') : 0 },
        queues,
        facets: { exceptionKinds: facet('exception_kind'), suppliers: facet('supplier', 'supplier_name'), businessUnits: facet('business_unit') },
      };
    },

    /**
     * Gives open tasks to `assignee`. Returns the ids changed; fewer than asked means some
     * closed meanwhile (the caller rolls back).
     */
    async assign(tenantId: string, ids: readonly string[], assignee: string): Promise<string[]> {
      const rows = await db('tasks')
        .where({ tenant_id: tenantId, status: 'open' })
        .whereRaw(`id IN ${IDS_SQL}`, [JSON.stringify(ids)])
        .update({ assignee, claimed_at: db.fn.now() })
        .returning('id');
      return rows.map((r: any) => r.id);
    },

    /** Sets the priority (1 highest … 5) of open tasks; their rank follows (trigger). */
    async setPriority(tenantId: string, ids: readonly string[], priority: number): Promise<string[]> {
      const rows = await db('tasks')
        .where({ tenant_id: tenantId, status: 'open' })
        .whereRaw(`id IN ${IDS_SQL}`, [JSON.stringify(ids)])
        .update({ priority })
        .returning('id');
      return rows.map((r: any) => r.id);
    },

    /**
     * Open and closed tasks by id, for checking a request before changing anything; their rows
     * locked until the transaction `db` ends (in id order, so two bulk requests never deadlock).
     */
    async lockByIds(tenantId: string, ids: readonly string[]): Promise<TaskRef[]> {
      const rows = await db('tasks')
        .where({ tenant_id: tenantId })
        .whereRaw(`id IN ${IDS_SQL}`, [JSON.stringify(ids)])
        .orderBy('id')
        .forUpdate()
        .select('id', 'status', 'queue', 'candidate_roles', 'assignee', 'case_id', 'title', 'priority');
      return rows.map((r: any) => ({
        id: r.id,
        status: r.status,
        queue: r.queue,
        candidateRoles: r.candidate_roles,
        assignee: r.assignee,
        caseId: r.case_id,
        title: r.title,
        priority: r.priority,
      }));
    },

    async team(tenantId: string): Promise<TeamMember[]> {
      const rows = await db('users').where({ tenant_id: tenantId }).orderBy('name').select('id', 'name', 'email', 'roles', 'lead');
      return rows.map((r: any) => ({ id: r.id, name: r.name, email: r.email, roles: r.roles, lead: r.lead }));
    },

    async member(tenantId: string, userId: string): Promise<TeamMember | undefined> {
      const r = await db('users').where({ tenant_id: tenantId, id: userId }).first('id', 'name', 'email', 'roles', 'lead');
      return r ? { id: r.id, name: r.name, email: r.email, roles: r.roles, lead: r.lead } : undefined;
    },

    /** Marks a user as a lead or not and audits it, in one transaction; false (nothing written) when there is no such user. */
    async setLead(tenantId: string, userId: string, lead: boolean, actor: string): Promise<boolean> {
      return db.transaction(async (trx) => {
        if ((await trx('users').where({ tenant_id: tenantId, id: userId }).update({ lead })) !== 1) return false;
        await createAuditRepository(trx).record(tenantId, {
          caseId: null,
          actor,
          action: lead ? 'user.lead.granted' : 'user.lead.revoked',
          entity: 'user',
          entityId: userId,
          data: { lead },
        });
        return true;
      });
    },
  };
}
