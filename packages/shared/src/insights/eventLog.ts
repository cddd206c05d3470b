/**
 * The process-mining event log of a set of cases, as OCEL 2.0 (object-centric: invoices,
 * cases, tasks, suppliers and purchase orders, their events and their relations) and as XES
 * (IEEE 1849) for one case notion, the case. Pure: the runtime reads the rows page by page and
 * streams what these functions return (docs/insights.md, "Process-mining export").
 */

/** One page of the rows an event log is built from: some cases and everything they touched. */
export interface EventLogPage {
  cases: {
    id: string;
    invoiceId: string | null;
    definitionId: string;
    definitionVersion: number;
    status: string;
    outcome: string | null;
    exceptionKind: string | null;
    openedAt: string;
    closedAt: string | null;
  }[];
  invoices: {
    id: string;
    invoiceNumber: string;
    /** Supplier id, else the supplier's name (as the metrics group them). */
    supplier: string;
    supplierName: string;
    poNumber: string | null;
    businessUnit: string | null;
    currency: string;
    /** Decimal string. */
    grossTotal: string;
    channel: string;
    receivedAt: string;
    /** What triage stored with the invoice (`invoices.findings`). */
    findings: { kind: string; severity?: string; valueAtRisk?: string; ruleId?: string }[];
  }[];
  tasks: {
    id: string;
    caseId: string;
    nodeId: string;
    queue: string;
    status: string;
    outcome: string | null;
    createdAt: string;
    /** Every time someone claimed it (audit `task.claimed`). */
    claimedAt: string[];
    completedAt: string | null;
  }[];
  stepVisits: { caseId: string; nodeId: string; visit: number; enteredAt: string; leftAt: string | null }[];
}

type AttributeType = 'string' | 'time' | 'integer' | 'float' | 'boolean';
export interface OcelType {
  name: string;
  attributes: { name: string; type: AttributeType }[];
}
export interface OcelRelationship {
  objectId: string;
  qualifier: string;
}
export interface OcelObject {
  id: string;
  type: string;
  attributes?: { name: string; value: string; time: string }[];
  relationships?: OcelRelationship[];
}
export interface OcelEvent {
  id: string;
  type: string;
  time: string;
  attributes: { name: string; value: string }[];
  relationships: OcelRelationship[];
}
export interface OcelLog {
  objectTypes: OcelType[];
  eventTypes: OcelType[];
  objects: OcelObject[];
  events: OcelEvent[];
}

const type = (name: string, attributes: Record<string, AttributeType>): OcelType => ({
  name,
  attributes: Object.entries(attributes).map(([n, t]) => ({ name: n, type: t })),
});

/** The object types of an Exflow event log and their attributes. */
export const OCEL_OBJECT_TYPES: OcelType[] = [
  // money stays a decimal string (never binary floating point)
  type('invoice', { invoiceNumber: 'string', currency: 'string', grossTotal: 'string', channel: 'string' }),
  type('case', { flow: 'string', version: 'integer', status: 'string', outcome: 'string', exceptionKind: 'string' }),
  type('task', { step: 'string', queue: 'string', status: 'string', outcome: 'string' }),
  type('supplier', { name: 'string' }),
  type('purchaseOrder', { businessUnit: 'string' }),
];

/** The event types of an Exflow event log and their attributes. */
export const OCEL_EVENT_TYPES: OcelType[] = [
  type('invoice received', { channel: 'string' }),
  type('finding raised', { kind: 'string', severity: 'string', valueAtRisk: 'string', ruleId: 'string' }),
  type('case opened', { flow: 'string', version: 'integer' }),
  type('step entered', { step: 'string', visit: 'integer' }),
  type('step left', { step: 'string', visit: 'integer' }),
  type('task created', { step: 'string', queue: 'string' }),
  type('task claimed', { step: 'string', queue: 'string' }),
  type('task completed', { step: 'string', queue: 'string', outcome: 'string' }),
  type('case closed', { status: 'string', outcome: 'string' }),
];

/** OCEL's time for a value that holds from the start (the specification's convention). */
const ALWAYS = '1970-01-01T00:00:00Z';

/** Object ids carry their type, so an invoice and a case with the same id never meet. */
export const ocelId = {
  invoice: (id: string) => `invoice:${id}`,
  case: (id: string) => `case:${id}`,
  task: (id: string) => `task:${id}`,
  supplier: (key: string) => `supplier:${key}`,
  purchaseOrder: (poNumber: string) => `purchaseOrder:${poNumber}`,
};

const attrs = (values: Record<string, string | number | null | undefined>) =>
  Object.entries(values)
    .filter((e): e is [string, string | number] => e[1] !== null && e[1] !== undefined)
    .map(([name, value]) => ({ name, value: String(value) }));
const timed = (time: string, values: Record<string, string | number | null | undefined>) => attrs(values).map((a) => ({ ...a, time }));
const rel = (objectId: string, qualifier: string): OcelRelationship => ({ objectId, qualifier });

/**
 * The OCEL 2.0 objects and events of one page. `seen` holds the ids of objects already
 * written by earlier pages (suppliers and purchase orders are shared by many cases), so each
 * object is written once; attribute values are text, as the OCEL 2.0 JSON schema asks, with
 * their types in {@link OCEL_OBJECT_TYPES} and {@link OCEL_EVENT_TYPES}.
 * @example ocelPage({ cases: [], invoices: [], tasks: [], stepVisits: [] }, new Set()) // { objects: [], events: [] }
 */
export function ocelPage(page: EventLogPage, seen: Set<string>): { objects: OcelObject[]; events: OcelEvent[] } {
  const objects: OcelObject[] = [];
  const events: OcelEvent[] = [];
  const add = (o: OcelObject) => {
    if (seen.has(o.id)) return;
    seen.add(o.id);
    objects.push(o);
  };
  const casesOf = new Map<string, string[]>();
  for (const c of page.cases) if (c.invoiceId) casesOf.set(c.invoiceId, [...(casesOf.get(c.invoiceId) ?? []), c.id]);
  const invoiceOfCase = new Map(page.cases.map((c) => [c.id, c.invoiceId]));

  for (const i of page.invoices) {
    // an invoice with cases on two pages is written (with its events) on the first
    if (seen.has(ocelId.invoice(i.id))) continue;
    const supplier = ocelId.supplier(i.supplier);
    const po = i.poNumber ? ocelId.purchaseOrder(i.poNumber) : null;
    add({ id: supplier, type: 'supplier', attributes: timed(ALWAYS, { name: i.supplierName }) });
    if (po)
      add({
        id: po,
        type: 'purchaseOrder',
        attributes: timed(ALWAYS, { businessUnit: i.businessUnit }),
        relationships: [rel(supplier, 'ordered from')],
      });
    add({
      id: ocelId.invoice(i.id),
      type: 'invoice',
      attributes: timed(i.receivedAt, { invoiceNumber: i.invoiceNumber, currency: i.currency, grossTotal: i.grossTotal, channel: i.channel }),
      relationships: [rel(supplier, 'issued by'), ...(po ? [rel(po, 'bills')] : [])],
    });
    events.push({
      id: `received:${i.id}`,
      type: 'invoice received',
      time: i.receivedAt,
      attributes: attrs({ channel: i.channel }),
      relationships: [rel(ocelId.invoice(i.id), 'received'), rel(supplier, 'from'), ...(po ? [rel(po, 'against')] : [])],
    });
    i.findings.forEach((f, n) =>
      events.push({
        id: `finding:${i.id}:${n + 1}`,
        type: 'finding raised',
        time: i.receivedAt,
        attributes: attrs({ kind: f.kind, severity: f.severity, valueAtRisk: f.valueAtRisk, ruleId: f.ruleId }),
        relationships: [rel(ocelId.invoice(i.id), 'about'), ...(casesOf.get(i.id) ?? []).map((c) => rel(ocelId.case(c), 'handled by'))],
      }),
    );
  }

  for (const c of page.cases) {
    const id = ocelId.case(c.id);
    const invoice = c.invoiceId ? [rel(ocelId.invoice(c.invoiceId), 'for invoice')] : [];
    add({
      id,
      type: 'case',
      attributes: [
        ...timed(ALWAYS, { flow: c.definitionId, version: c.definitionVersion, exceptionKind: c.exceptionKind }),
        ...timed(c.openedAt, { status: 'open' }),
        ...(c.closedAt ? timed(c.closedAt, { status: c.status, outcome: c.outcome }) : []),
      ],
      relationships: c.invoiceId ? [rel(ocelId.invoice(c.invoiceId), 'handles')] : [],
    });
    events.push({
      id: `opened:${c.id}`,
      type: 'case opened',
      time: c.openedAt,
      attributes: attrs({ flow: c.definitionId, version: c.definitionVersion }),
      relationships: [rel(id, 'opened'), ...invoice],
    });
    if (c.closedAt)
      events.push({
        id: `closed:${c.id}`,
        type: 'case closed',
        time: c.closedAt,
        attributes: attrs({ status: c.status, outcome: c.outcome }),
        relationships: [rel(id, 'closed'), ...invoice],
      });
  }

  for (const v of page.stepVisits) {
    const step = { step: v.nodeId, visit: v.visit };
    const key = `${v.caseId}:${v.nodeId}:${v.visit}`;
    events.push({ id: `entered:${key}`, type: 'step entered', time: v.enteredAt, attributes: attrs(step), relationships: [rel(ocelId.case(v.caseId), 'in')] });
    if (v.leftAt)
      events.push({ id: `left:${key}`, type: 'step left', time: v.leftAt, attributes: attrs(step), relationships: [rel(ocelId.case(v.caseId), 'in')] });
  }

  for (const t of page.tasks) {
    const id = ocelId.task(t.id);
    const invoiceId = invoiceOfCase.get(t.caseId);
    const related = [rel(id, 'task'), rel(ocelId.case(t.caseId), 'of case'), ...(invoiceId ? [rel(ocelId.invoice(invoiceId), 'about invoice')] : [])];
    add({
      id,
      type: 'task',
      attributes: [
        ...timed(t.createdAt, { step: t.nodeId, queue: t.queue, status: 'open' }),
        ...(t.completedAt ? timed(t.completedAt, { status: t.status, outcome: t.outcome }) : []),
      ],
      relationships: [rel(ocelId.case(t.caseId), 'part of')],
    });
    const where = { step: t.nodeId, queue: t.queue };
    events.push({ id: `created:${t.id}`, type: 'task created', time: t.createdAt, attributes: attrs(where), relationships: related });
    t.claimedAt.forEach((at, n) =>
      events.push({ id: `claimed:${t.id}:${n + 1}`, type: 'task claimed', time: at, attributes: attrs(where), relationships: related }),
    );
    if (t.completedAt)
      events.push({
        id: `completed:${t.id}`,
        type: 'task completed',
        time: t.completedAt,
        attributes: attrs({ ...where, outcome: t.outcome }),
        relationships: related,
      });
  }
  return { objects, events };
}

const escapeXml = (s: string) => s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] as string);
const xesAttr = (kind: 'string' | 'date' | 'int', key: string, value: string) => `<${kind} key="${escapeXml(key)}" value="${escapeXml(value)}"/>`;

/** The start of an XES (IEEE 1849) log: its extensions, globals and classifier. */
export const XES_HEADER = [
  '<?xml version="1.0" encoding="UTF-8"?>',
  '<log xes.version="1849-2016" xes.features="nested-attributes" xmlns="http://www.xes-standard.org/">',
  '<extension name="Concept" prefix="concept" uri="http://www.xes-standard.org/concept.xesext"/>',
  '<extension name="Time" prefix="time" uri="http://www.xes-standard.org/time.xesext"/>',
  '<extension name="Lifecycle" prefix="lifecycle" uri="http://www.xes-standard.org/lifecycle.xesext"/>',
  '<extension name="Organizational" prefix="org" uri="http://www.xes-standard.org/org.xesext"/>',
  '<global scope="trace">',
  xesAttr('string', 'concept:name', '__INVALID__'),
  '</global>',
  '<global scope="event">',
  xesAttr('string', 'concept:name', '__INVALID__'),
  xesAttr('date', 'time:timestamp', '1970-01-01T00:00:00.000+00:00'),
  '</global>',
  '<classifier name="Activity" keys="concept:name"/>',
  xesAttr('string', 'concept:name', 'Exflow cases'),
  '',
].join('\n');

export const XES_FOOTER = '</log>\n';

/** Within one instant (one transaction), the order things happen in: a task completes, its step is left, the next entered. */
const SAME_INSTANT: Record<string, number> = {
  'invoice received': 0,
  'finding raised': 1,
  'case opened': 2,
  'task completed': 3,
  'step left': 4,
  'step entered': 5,
  'task created': 6,
  'task claimed': 7,
  'case closed': 8,
};

const LIFECYCLE: Record<string, string> = {
  'task created': 'schedule',
  'task claimed': 'start',
  'task completed': 'complete',
  'step entered': 'start',
  'step left': 'complete',
};

/**
 * The XES traces of one page, one per case (the case notion): the OCEL events related to the
 * case in time order ({@link SAME_INSTANT} orders events of one transaction). An event's activity (`concept:name`) is its type, with the step for step
 * and task events ("task completed: review"); the queue is `org:group`.
 */
export function xesTraces(page: EventLogPage, ocel: { events: OcelEvent[] }): string {
  const byCase = new Map<string, OcelEvent[]>();
  for (const c of page.cases) byCase.set(ocelId.case(c.id), []);
  for (const e of ocel.events) for (const r of e.relationships) byCase.get(r.objectId)?.push(e);
  let out = '';
  for (const c of page.cases) {
    const events = [...(byCase.get(ocelId.case(c.id)) ?? [])].sort(
      (a, b) => Date.parse(a.time) - Date.parse(b.time) || (SAME_INSTANT[a.type] ?? 9) - (SAME_INSTANT[b.type] ?? 9) || a.id.localeCompare(b.id),
    );
    out += `<trace>\n${xesAttr('string', 'concept:name', c.id)}\n${xesAttr('string', 'flow', c.definitionId)}\n${xesAttr('int', 'version', String(c.definitionVersion))}\n`;
    if (c.exceptionKind) out += `${xesAttr('string', 'exceptionKind', c.exceptionKind)}\n`;
    for (const e of events) {
      const a = Object.fromEntries(e.attributes.map((x) => [x.name, x.value]));
      const activity = a.step ? `${e.type}: ${a.step}` : e.type;
      out += `<event>\n${xesAttr('string', 'concept:name', activity)}\n${xesAttr('date', 'time:timestamp', e.time)}\n`;
      if (LIFECYCLE[e.type]) out += `${xesAttr('string', 'lifecycle:transition', LIFECYCLE[e.type])}\n`;
      if (a.queue) out += `${xesAttr('string', 'org:group', a.queue)}\n`;
      for (const x of e.attributes) if (x.name !== 'step' && x.name !== 'queue') out += `${xesAttr('string', x.name, x.value)}\n`;
      out += '</event>\n';
    }
    out += '</trace>\n';
  }
  return out;
}
