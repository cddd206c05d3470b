import type { Db } from '../../src/store/db.js';

/**
 * Writes cases straight through SQL in the shape the engine writes them (benchmarks only), for
 * the flow of `bench/cases.ts`: match → variance → review task → approval task → post → end.
 * Every case has its invoice (with triage's findings), its snapshot, its event log, its effects
 * (the local match, the outbox posting), its tasks and the audit rows the engine writes with each
 * transition and claim (through the audit trigger, so the hash chains are real). A case is one
 * of:
 *
 * - touchless: within tolerance, match → post → end, no task (about 30 %);
 * - resolved: review accepted, approval approved, posted (the rest of the closed cases);
 * - open: the first `openCases` of the run, waiting in review (even) or approval (odd), with the
 *   most recent received-at; with `dueTimers`, the first of them waiting in review also hold a
 *   pending `review:sla` timer already due (the flow needs a `dueIn` on review for it to fire).
 *
 * Rows are made by `INSERT … SELECT` over `generate_series`, `chunk` cases per transaction, so a
 * million cases load in minutes on PostgreSQL; it runs on PGlite too (the shape test uses it).
 * Attributes come from `hashtext` of the case's index, so a run is reproducible: received-at
 * spread over `days` before `now`, 5 channels, `suppliers` suppliers, 8 business units (through
 * `purchaseOrders` generated POs), 8 exception kinds, task durations from minutes to weeks.
 */
export interface GenerateOptions {
  tenantId: string;
  definitionId: string;
  definitionVersion: number;
  cases: number;
  /** index of the first case (to add to an earlier run); default 0 */
  start?: number;
  /** how many of the cases stay open (the first ones); default 0 */
  openCases?: number;
  /** how many open cases in review hold a due SLA timer; default 0 */
  dueTimers?: number;
  /** received-at spread over this many days before `now`; default 365 */
  days?: number;
  now?: Date;
  suppliers?: number;
  purchaseOrders?: number;
  /** write the audit rows (through the hash-chain trigger); default true */
  audit?: boolean;
  chunk?: number;
  onChunk?: (done: number) => void;
}

export const GENERATED_KINDS = [
  'priceVariance',
  'quantityVariance',
  'missingGoodsReceipt',
  'suspectedDuplicate',
  'taxLineMismatch',
  'bankAccountChanged',
  'unknownSupplier',
  'missingPo',
];
const CHANNELS = ['api', 'api', 'ubl', 'ubl', 'csv', 'email', 'portal'];
const UNITS = ['Operations', 'Facilities', 'IT', 'Marketing', 'Sales', 'R&D', 'Logistics', 'Finance'];
const sqlList = (xs: string[]) => `ARRAY[${xs.map((x) => `'${x}'`).join(',')}]::text[]`;

/** `u(salt)`: a reproducible number in [0, 1) per case index and salt. */
const u = (salt: string) => `((hashtext(g.i::text || '${salt}') & 2147483647)::float8 / 2147483648.0)`;

/** The purchase orders the generated invoices point at (each with its business unit and two lines). */
export async function generatePurchaseOrders(db: Db, tenantId: string, count = 2000): Promise<void> {
  await db.raw(
    `INSERT INTO purchase_orders (tenant_id, po_number, supplier_id, currency, kind, business_unit)
     SELECT ?, 'PO-G-' || lpad(n::text, 5, '0'), NULL, 'EUR', 'goods', (${sqlList(UNITS)})[1 + n % ${UNITS.length}]
     FROM generate_series(0, ? - 1) n ON CONFLICT DO NOTHING`,
    [tenantId, count],
  );
}

export async function generateCases(db: Db, o: GenerateOptions): Promise<void> {
  const start = o.start ?? 0;
  const chunk = o.chunk ?? 5000;
  const now = (o.now ?? new Date()).toISOString();
  await generatePurchaseOrders(db, o.tenantId, o.purchaseOrders ?? 2000);
  for (let from = start; from < start + o.cases; from += chunk) {
    const to = Math.min(start + o.cases, from + chunk) - 1;
    await db.transaction(async (trx) => {
      await planChunk(trx, o, from, to, now);
      await writeChunk(trx, o);
    });
    o.onChunk?.(to - start + 1);
  }
}

/** One row per case of the chunk: its ids, its fate and its clocks. */
async function planChunk(trx: Db, o: GenerateOptions, from: number, to: number, now: string) {
  const open = o.openCases ?? 0;
  const days = o.days ?? 365;
  await trx.raw(
    `CREATE TEMP TABLE gen_plan ON COMMIT DROP AS
     WITH g AS (SELECT i FROM generate_series(?::int, ?::int) i),
     a AS (
       SELECT g.i, gen_random_uuid()::text AS case_id, gen_random_uuid()::text AS invoice_id,
         gen_random_uuid()::text AS review_id, gen_random_uuid()::text AS approval_id,
         gen_random_uuid()::text AS match_fx, gen_random_uuid()::text AS post_fx, gen_random_uuid()::text AS timer_id,
         CASE WHEN g.i < ? THEN (CASE WHEN g.i % 2 = 0 THEN 'review' ELSE 'approval' END)
              WHEN ${u('f')} < 0.3 THEN 'touchless' ELSE 'resolved' END AS fate,
         g.i < ? AND g.i % 2 = 0 AND g.i / 2 < ? AS due_timer,
         -- open cases are the recent ones (the last 14 days); closed ones spread over the period
         ?::timestamptz - make_interval(secs => CASE WHEN g.i < ? THEN ${u('t')} * 14 * 86400 ELSE ${u('t')} * ? * 86400 END) AS received_at,
         (${sqlList(CHANNELS)})[1 + floor(${u('c')} * ${CHANNELS.length})::int] AS channel,
         'SUP-G' || lpad(floor(power(${u('s')}, 2) * ?)::int::text, 4, '0') AS supplier_id,
         'PO-G-' || lpad(floor(${u('p')} * ?)::int::text, 5, '0') AS po_number,
         (${sqlList(GENERATED_KINDS)})[1 + floor(power(${u('k')}, 1.5) * ${GENERATED_KINDS.length})::int] AS kind,
         round((10 + ${u('v')} * 4990)::numeric, 2) AS value_at_risk,
         round((100 + ${u('g')} * 49900)::numeric, 2) AS gross,
         make_interval(secs => 60 + power(${u('r')}, 3) * 14 * 86400) AS review_takes,
         make_interval(secs => 60 + power(${u('q')}, 3) * 7 * 86400) AS approval_takes,
         make_interval(secs => 5 + ${u('w')} * 600) AS claim_after
       FROM g)
     SELECT a.*, po.business_unit,
       a.received_at + a.claim_after AS review_claimed_at,
       a.received_at + a.review_takes AS review_done_at,
       a.received_at + a.review_takes + a.claim_after AS approval_claimed_at,
       a.received_at + a.review_takes + a.approval_takes AS approval_done_at,
       a.received_at + a.review_takes + a.approval_takes + interval '150 milliseconds' AS posted_at,
       'GEN-' || a.i AS invoice_number
     FROM a JOIN purchase_orders po ON po.tenant_id = ? AND po.po_number = a.po_number`,
    [from, to, open, open, o.dueTimers ?? 0, now, open, days, o.suppliers ?? 500, o.purchaseOrders ?? 2000, o.tenantId],
  );
}

/** The JSON the match check answers (and the snapshot keeps as `vars.match`). */
const MATCH = `jsonb_build_object('mode', '3-way', 'poNumber', p.po_number, 'withinTolerance', p.fate = 'touchless',
  'valueAtRisk', CASE WHEN p.fate = 'touchless' THEN '0' ELSE p.value_at_risk::text END,
  'maxPriceVariancePct', CASE WHEN p.fate = 'touchless' THEN 0 ELSE 5 END, 'maxQuantityVariance', 0,
  'lines', jsonb_build_array(jsonb_build_object('lineId', '1', 'poLineId', '1', 'poUnitPrice', '100', 'orderedQuantity', '10', 'receivedQuantity', '10',
    'invoicedQuantity', '10', 'invoiceUnitPrice', CASE WHEN p.fate = 'touchless' THEN '100' ELSE '105' END, 'quantityVariance', '0',
    'priceVariancePct', CASE WHEN p.fate = 'touchless' THEN 0 ELSE 5 END, 'withinTolerance', p.fate = 'touchless')),
  'findings', CASE WHEN p.fate = 'touchless' THEN '[]'::jsonb ELSE jsonb_build_array(jsonb_build_object('kind', 'priceVariance', 'lineId', '1',
    'message', 'Line 1: unit price 105 is 5 % over PO price 100 (tolerance 2 %)', 'severity', 'high', 'valueAtRisk', p.value_at_risk::text)) END)`;
const SUMMARY = `jsonb_build_object('poFound', true, 'nonPoSpend', false, 'duplicateOf', NULL, 'supplierKnown', true, 'taxMaxDifference', 0,
  'maxPriceVariancePct', CASE WHEN p.fate = 'touchless' THEN 0 ELSE 5 END, 'maxQuantityVariance', 0)`;
const FINDINGS = `CASE WHEN p.fate = 'touchless' THEN '[]'::jsonb ELSE jsonb_build_array(jsonb_build_object('kind', p.kind, 'check', 'threeWayMatch',
  'lineId', '1', 'ruleId', 'EXF-' || p.kind, 'message', 'generated ' || p.kind, 'severity', 'high', 'valueAtRisk', p.value_at_risk::text)) END`;
const INVOICE = `jsonb_build_object('invoiceNumber', p.invoice_number, 'issueDate', to_char(p.received_at, 'YYYY-MM-DD'), 'currency', 'EUR',
  'supplier', jsonb_build_object('id', p.supplier_id, 'name', 'Supplier ' || p.supplier_id), 'poNumber', p.po_number,
  'netTotal', round(p.gross / 1.25, 2)::text, 'taxTotal', (p.gross - round(p.gross / 1.25, 2))::text, 'grossTotal', p.gross::text, 'documentType', 'invoice',
  'lines', jsonb_build_array(jsonb_build_object('lineId', '1', 'description', 'Generated goods', 'quantity', '10', 'unitPrice', round(p.gross / 12.5, 2)::text,
    'netAmount', round(p.gross / 1.25, 2)::text, 'poLineRef', '1')))`;
const VERSION = `CASE p.fate WHEN 'touchless' THEN 3 WHEN 'resolved' THEN 5 WHEN 'review' THEN 2 ELSE 3 END`;
const ACTIVE = `CASE p.fate WHEN 'review' THEN '["review"]' WHEN 'approval' THEN '["approval"]' ELSE '["end"]' END::jsonb`;
const CLOSED_AT = `CASE p.fate WHEN 'touchless' THEN p.received_at + interval '150 milliseconds' WHEN 'resolved' THEN p.posted_at END`;
const TASK_DONE = (who: string) => `jsonb_build_object('by', '${who}', 'data', '{}'::jsonb, 'outcome', ${who === 'bench-analyst' ? `'accept'` : `'approve'`})`;
const SNAPSHOT = `jsonb_build_object('value', CASE WHEN p.fate IN ('review', 'approval') THEN p.fate ELSE 'end' END,
  'status', CASE WHEN p.fate IN ('review', 'approval') THEN 'active' ELSE 'done' END,
  'context', jsonb_build_object(
    'vars', jsonb_strip_nulls(jsonb_build_object('match', ${MATCH},
      'triage', jsonb_build_object('kinds', CASE WHEN p.fate = 'touchless' THEN '[]'::jsonb ELSE jsonb_build_array(p.kind) END,
        'route', jsonb_build_object('by', 'definition', 'flow', 'bench-cases', 'rule', NULL, 'finding', NULL),
        'outcome', CASE WHEN p.fate = 'touchless' THEN 'clean' ELSE 'exception' END, 'findings', ${FINDINGS},
        'summary', ${SUMMARY}, 'valueAtRisk', CASE WHEN p.fate = 'touchless' THEN 0 ELSE p.value_at_risk END),
      'review', CASE WHEN p.fate IN ('resolved', 'approval') THEN ${TASK_DONE('bench-analyst')} END,
      'approval', CASE WHEN p.fate = 'resolved' THEN ${TASK_DONE('bench-approver')} END,
      'post', CASE WHEN p.fate IN ('resolved', 'touchless') THEN jsonb_build_object('posted', true, 'reference', p.post_fx) END)),
    'tasks', jsonb_strip_nulls(jsonb_build_object('review', CASE WHEN p.fate IN ('resolved', 'approval') THEN ${TASK_DONE('bench-analyst')} END,
      'approval', CASE WHEN p.fate = 'resolved' THEN ${TASK_DONE('bench-approver')} END)),
    'errors', '{}'::jsonb, 'invoice', ${INVOICE}, 'comments', 0, 'cancellation', NULL))`;

/** The events of each case, in the engine's order: seq, type, payload, actor, created-at, state after it. */
const EVENTS = `SELECT p.case_id, e.* FROM gen_plan p CROSS JOIN LATERAL (VALUES
    (1, 'case.started', jsonb_build_object('invoiceId', p.invoice_id), 'bench-erp', p.received_at, 'open', '["match"]'::jsonb),
    (2, 'service.done', jsonb_build_object('nodeId', 'match', 'result', ${MATCH}, 'effectId', p.match_fx), 'system', p.received_at, 'open',
      CASE WHEN p.fate = 'touchless' THEN '["post"]' ELSE '["review"]' END::jsonb),
    (3, CASE WHEN p.fate = 'touchless' THEN 'service.done' ELSE 'task.completed' END,
      CASE WHEN p.fate = 'touchless' THEN jsonb_build_object('nodeId', 'post', 'result', jsonb_build_object('posted', true, 'reference', p.post_fx), 'effectId', p.post_fx)
           ELSE jsonb_build_object('data', '{}'::jsonb, 'nodeId', 'review', 'taskId', p.review_id, 'outcome', 'accept') END,
      CASE WHEN p.fate = 'touchless' THEN 'system' ELSE 'bench-analyst' END,
      CASE WHEN p.fate = 'touchless' THEN p.received_at + interval '150 milliseconds' ELSE p.review_done_at END,
      CASE WHEN p.fate = 'touchless' THEN 'resolved' ELSE 'open' END,
      CASE WHEN p.fate = 'touchless' THEN '["end"]' ELSE '["approval"]' END::jsonb),
    (4, 'task.completed', jsonb_build_object('data', '{}'::jsonb, 'nodeId', 'approval', 'taskId', p.approval_id, 'outcome', 'approve',
      'approvedBy', jsonb_build_array(jsonb_build_object('at', to_char(p.approval_done_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'by', 'bench-approver', 'onBehalfOf', '[]'::jsonb))),
      'bench-approver', p.approval_done_at, 'open', '["post"]'::jsonb),
    (5, 'service.done', jsonb_build_object('nodeId', 'post', 'result', jsonb_build_object('posted', true, 'reference', p.post_fx), 'effectId', p.post_fx),
      'system', p.posted_at, 'resolved', '["end"]'::jsonb)
  ) AS e(seq, type, payload, actor, created_at, status, nodes)
  WHERE e.seq <= ${VERSION}`;

async function writeChunk(trx: Db, o: GenerateOptions) {
  const t = o.tenantId;
  await trx.raw(
    `INSERT INTO invoices (tenant_id, id, invoice_number, supplier_id, supplier_name, po_number, currency, gross_total, channel, body, received_at, received_by,
       response, invoice_number_key, issue_date, document_type, findings, triage_outcome, triage)
     SELECT ?, p.invoice_id, p.invoice_number, p.supplier_id, 'Supplier ' || p.supplier_id, p.po_number, 'EUR', p.gross, p.channel, ${INVOICE},
       p.received_at, 'bench-erp',
       jsonb_build_object('case', jsonb_build_object('id', p.case_id, 'status', 'open', 'version', 2, 'activeNodes', CASE WHEN p.fate = 'touchless' THEN '["post"]' ELSE '["review"]' END::jsonb,
         'definitionId', ?::text, 'definitionVersion', ?::int),
         'invoice', jsonb_build_object('id', p.invoice_id, 'channel', p.channel, 'invoiceNumber', p.invoice_number),
         'triage', jsonb_build_object('route', jsonb_build_object('by', 'definition', 'flow', 'bench-cases', 'rule', NULL, 'finding', NULL),
           'outcome', CASE WHEN p.fate = 'touchless' THEN 'clean' ELSE 'exception' END, 'findings', ${FINDINGS},
           'valueAtRisk', CASE WHEN p.fate = 'touchless' THEN '0' ELSE p.value_at_risk::text END)),
       'GEN' || p.i, p.received_at::date, 'invoice', ${FINDINGS}, CASE WHEN p.fate = 'touchless' THEN 'clean' ELSE 'exception' END,
       jsonb_build_object('route', jsonb_build_object('by', 'definition', 'flow', 'bench-cases', 'rule', NULL, 'finding', NULL), 'params', '{"taxCheck": {"lineTolerance": 0.01, "headerTolerance": 0.01}, "supplierCheck": {"recentChangeDays": 30}, "threeWayMatch": {"priceTolerancePct": 2, "quantityTolerancePct": 0}, "duplicateCheck": {"windowDays": 14, "maxEditDistance": 2}, "missingPoCheck": {"nonPoLimit": 0}}'::jsonb,
         'summary', ${SUMMARY},
         'valueAtRisk', CASE WHEN p.fate = 'touchless' THEN '0' ELSE p.value_at_risk::text END)
     FROM gen_plan p`,
    [t, o.definitionId, o.definitionVersion],
  );
  await trx.raw(
    `INSERT INTO cases (tenant_id, id, definition_id, definition_version, invoice_id, status, outcome, version, snapshot, active_nodes, opened_at, updated_at, closed_at)
     SELECT ?, p.case_id, ?, ?, p.invoice_id, CASE WHEN p.fate IN ('review', 'approval') THEN 'open' ELSE 'resolved' END,
       CASE WHEN p.fate IN ('review', 'approval') THEN NULL ELSE 'resolved' END, ${VERSION}, ${SNAPSHOT}, ${ACTIVE}, p.received_at,
       coalesce(${CLOSED_AT}, CASE p.fate WHEN 'review' THEN p.received_at ELSE p.review_done_at END), ${CLOSED_AT}
     FROM gen_plan p`,
    [t, o.definitionId, o.definitionVersion],
  );
  await trx.raw(
    `INSERT INTO case_events (tenant_id, case_id, seq, type, payload, actor, created_at)
     SELECT ?, ev.case_id, ev.seq, ev.type, ev.payload, ev.actor, ev.created_at FROM (${EVENTS}) ev`,
    [t],
  );
  await trx.raw(
    `INSERT INTO effects (tenant_id, id, case_id, case_version, node_id, kind, service, params, status, attempts, max_attempts, run_at, result, created_at, completed_at, on_failure)
     SELECT ?, p.match_fx, p.case_id, 1, 'match', 'service', 'threeWayMatch', '{"priceTolerancePct": 2, "quantityTolerancePct": 0}'::jsonb, 'done', 1, 0,
       p.received_at, ${MATCH}, p.received_at, p.received_at, 'incident'
     FROM gen_plan p
     UNION ALL
     SELECT ?, p.post_fx, p.case_id, CASE WHEN p.fate = 'touchless' THEN 2 ELSE 4 END, 'post', 'service', 'erpPost', '{}'::jsonb, 'done', 1, 0,
       p.posted_at - interval '150 milliseconds', jsonb_build_object('posted', true, 'reference', p.post_fx),
       ${CLOSED_AT} - interval '150 milliseconds', ${CLOSED_AT}, 'incident'
     FROM gen_plan p WHERE p.fate IN ('touchless', 'resolved')`,
    [t, t],
  );
  const task = (node: 'review' | 'approval') => {
    const r = node === 'review';
    const done = r ? `p.fate IN ('resolved', 'approval')` : `p.fate = 'resolved'`;
    return `SELECT ?, p.${node}_id, p.case_id, '${node}', '${r ? 'Review variance' : 'Approve invoice'}', '${r ? 'bench-review' : 'bench-approval'}',
        '["${r ? 'analyst' : 'approver'}"]'::jsonb, '[{"id": "${r ? 'accept' : 'approve'}", "label": "${r ? 'accept' : 'approve'}"}]'::jsonb,
        CASE WHEN ${done} THEN 'completed' ELSE 'open' END, 3,
        CASE WHEN ${done} THEN '${r ? 'bench-analyst' : 'bench-approver'}' END,
        CASE WHEN p.due_timer AND ${r} THEN p.received_at + interval '1 hour' END,
        ${r ? 'p.received_at' : 'p.review_done_at'},
        CASE WHEN ${done} THEN p.${node}_claimed_at END, CASE WHEN ${done} THEN p.${node}_done_at END,
        CASE WHEN ${done} THEN '${r ? 'bench-analyst' : 'bench-approver'}' END, CASE WHEN ${done} THEN '${r ? 'accept' : 'approve'}' END,
        CASE WHEN ${done} THEN '{}'::jsonb END,
        p.invoice_number, p.supplier_id, 'Supplier ' || p.supplier_id, p.business_unit, p.gross, 'EUR', p.kind, p.value_at_risk, '[]'::jsonb
      FROM gen_plan p WHERE p.fate IN ('resolved', ${r ? `'review', 'approval'` : `'approval'`})`;
  };
  await trx.raw(
    `INSERT INTO tasks (tenant_id, id, case_id, node_id, title, queue, candidate_roles, outcomes, status, priority, assignee, due_at, created_at, claimed_at,
       completed_at, completed_by, outcome, data, invoice_number, supplier_id, supplier_name, business_unit, amount, currency, exception_kind, value_at_risk, approvals)
     ${task('review')} UNION ALL ${task('approval')}`,
    [t, t],
  );
  await trx.raw(
    `INSERT INTO timers (tenant_id, id, case_id, node_id, timer_id, due_at, status, created_at)
     SELECT ?, p.timer_id, p.case_id, 'review', 'review:sla', p.received_at + interval '1 hour', 'pending', p.received_at FROM gen_plan p WHERE p.due_timer`,
    [t],
  );
  if (o.audit === false) return;
  // one row per transition (with the event's hash) and per claim, in time order, through the chain trigger
  await trx.raw(
    `INSERT INTO audit (tenant_id, id, case_id, actor, action, entity, entity_id, data, created_at)
     SELECT ?, gen_random_uuid()::text, x.case_id, x.actor, x.action, x.entity, x.entity_id, x.data, x.created_at FROM (
       SELECT ev.case_id, ev.actor, ev.type AS action, 'case' AS entity, ev.case_id AS entity_id, ev.created_at, ev.seq * 2 AS ord,
         jsonb_build_object('event', jsonb_build_object('seq', ev.seq, 'hash', case_event_hash(?, ev.case_id, ev.seq, ev.type, ev.payload, ev.actor, ev.created_at)),
           'status', ev.status, 'version', ev.seq, 'activeNodes', ev.nodes) AS data
       FROM (${EVENTS}) ev
       UNION ALL
       SELECT p.case_id, 'bench-analyst', 'task.claimed', 'task', p.review_id, p.review_claimed_at, 5,
         '{"queue": "bench-review", "nodeId": "review"}'::jsonb FROM gen_plan p WHERE p.fate IN ('resolved', 'approval')
       UNION ALL
       SELECT p.case_id, 'bench-approver', 'task.claimed', 'task', p.approval_id, p.approval_claimed_at, 7,
         '{"queue": "bench-approval", "nodeId": "approval"}'::jsonb FROM gen_plan p WHERE p.fate = 'resolved') x
     ORDER BY x.case_id, x.ord`,
    [t, t],
  );
}
