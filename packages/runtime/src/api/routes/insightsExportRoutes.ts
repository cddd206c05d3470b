import { OCEL_EVENT_TYPES, OCEL_OBJECT_TYPES, ocelPage, XES_FOOTER, XES_HEADER, xesTraces, type EventLogPage, type OcelLog } from '@exflow/shared';
import { writeOcelSqlite } from '../../insights/ocelSqlite.js';
import { createEventLogRepository, type LoggedCase } from '../../store/eventLogRepository.js';
import type { Db } from '../../store/db.js';
import { defineRoutes } from '../route.js';
import { streamExport } from '../streamedExport.js';
import { INSIGHT_READERS, QUERY_DOCS, readQuery, requireInsightReader } from './insightsRoutes.js';

/** Cases read per page: a log of any size streams in pages of this many cases. */
const PAGE = 200;

async function* pages(db: Db, tenantId: string, cases: LoggedCase[]): AsyncGenerator<EventLogPage> {
  const repo = createEventLogRepository(db);
  for (let i = 0; i < cases.length; i += PAGE) yield repo.page(tenantId, cases.slice(i, i + PAGE));
}

const list = (items: unknown[], first: boolean) => items.map((x, i) => (first && i === 0 ? '' : ',') + JSON.stringify(x)).join('');

const INCOMPLETE = 'The export failed part-way and this file is cut short: export again';
const quoted = (requestId: string | undefined) => (requestId ? ` (the error is logged under request id ${requestId})` : '');

/** Ends an OCEL JSON file cut short: a line that is no part of any JSON document, naming the failure. */
export const ocelFailed = (requestId: string | undefined) =>
  `\n${JSON.stringify({ 'exflow-export-error': { status: 'incomplete', detail: `${INCOMPLETE}${quoted(requestId)}` } })}\n`;

/** Ends an XES file cut short: a comment, and no closing </log>, so no XML reader takes it for a whole log. */
export const xesFailed = (requestId: string | undefined) => `\n<!-- exflow-export-error: ${`${INCOMPLETE}${quoted(requestId)}`.replace(/-{2,}/g, '-')} -->\n`;

/** The OCEL JSON log's objects, then its events: two passes over the pages, as OCEL's JSON holds every object before every event. */
async function* ocelJsonBody(db: Db, tenantId: string, cases: LoggedCase[]): AsyncGenerator<string> {
  let first = true;
  const seen = new Set<string>();
  for await (const page of pages(db, tenantId, cases)) {
    const { objects } = ocelPage(page, seen);
    yield list(objects, first);
    first &&= objects.length === 0;
  }
  yield '],"events":[';
  first = true;
  const seenAgain = new Set<string>();
  for await (const page of pages(db, tenantId, cases)) {
    // what happened between the passes (a task opened then) has no object in the log: leave it out
    const events = ocelPage(page, seenAgain).events.filter((e) => e.relationships.every((r) => seen.has(r.objectId)));
    yield list(events, first);
    first &&= events.length === 0;
  }
}

async function* xesBody(db: Db, tenantId: string, cases: LoggedCase[]): AsyncGenerator<string> {
  const seen = new Set<string>();
  for await (const page of pages(db, tenantId, cases)) yield xesTraces(page, ocelPage(page, seen));
}

const EXPORT_RESPONSES = {
  '403': 'An analyst or approver who is not a lead',
  '422': 'A bad query parameter (named in errors[].path)',
};

export const insightsExportRoutes = defineRoutes([
  {
    method: 'get',
    path: '/insights/export/ocel.json',
    summary:
      'Process-mining export, OCEL 2.0 JSON: invoices, cases, tasks, suppliers and purchase orders, their events and relations, for the cases opened in the period that match the filters (streamed)',
    tag: 'insights',
    roles: INSIGHT_READERS,
    query: QUERY_DOCS,
    responses: {
      '200': 'An OCEL 2.0 JSON log (application/json, a file download); the trailer Exflow-Export-Status says complete, or error when the file is cut short',
      ...EXPORT_RESPONSES,
    },
    responseFiles: { '200': ['application/json'] },
    async handler(req, res, ctx) {
      await requireInsightReader(ctx.db, ctx.principal);
      const q = readQuery(req);
      const tenantId = ctx.principal.tenantId;
      const cases = await createEventLogRepository(ctx.db).cases(tenantId, q);
      res.attachment('exflow-ocel.json').type('application/json');
      await streamExport(res, ctx.log, {
        head: `{"objectTypes":${JSON.stringify(OCEL_OBJECT_TYPES)},"eventTypes":${JSON.stringify(OCEL_EVENT_TYPES)},"objects":[`,
        body: ocelJsonBody(ctx.db, tenantId, cases),
        tail: ']}\n',
        failed: ocelFailed,
      });
    },
  },
  {
    method: 'get',
    path: '/insights/export/ocel.sqlite',
    summary: 'Process-mining export, OCEL 2.0 SQLite: the same log as ocel.json in the standard relational format (built in memory, then sent)',
    tag: 'insights',
    roles: INSIGHT_READERS,
    query: QUERY_DOCS,
    responses: { '200': 'An OCEL 2.0 SQLite database (application/vnd.sqlite3, a file download)', ...EXPORT_RESPONSES },
    responseFiles: { '200': ['application/vnd.sqlite3'] },
    async handler(req, res, ctx) {
      await requireInsightReader(ctx.db, ctx.principal);
      const q = readQuery(req);
      const tenantId = ctx.principal.tenantId;
      const cases = await createEventLogRepository(ctx.db).cases(tenantId, q);
      const log: OcelLog = { objectTypes: OCEL_OBJECT_TYPES, eventTypes: OCEL_EVENT_TYPES, objects: [], events: [] };
      const seen = new Set<string>();
      for await (const page of pages(ctx.db, tenantId, cases)) {
        const { objects, events } = ocelPage(page, seen);
        log.objects.push(...objects);
        log.events.push(...events);
      }
      res
        .attachment('exflow-ocel.sqlite')
        .type('application/vnd.sqlite3')
        .send(Buffer.from(await writeOcelSqlite(log)));
    },
  },
  {
    method: 'get',
    path: '/insights/export/xes',
    summary:
      'Process-mining export, XES (IEEE 1849) with the case as the case notion: one trace per case opened in the period that matches the filters (streamed)',
    tag: 'insights',
    roles: INSIGHT_READERS,
    query: QUERY_DOCS,
    responses: {
      '200': 'An XES log (application/xml, a file download); the trailer Exflow-Export-Status says complete, or error when the file is cut short',
      ...EXPORT_RESPONSES,
    },
    responseFiles: { '200': ['application/xml'] },
    async handler(req, res, ctx) {
      await requireInsightReader(ctx.db, ctx.principal);
      const q = readQuery(req);
      const tenantId = ctx.principal.tenantId;
      const cases = await createEventLogRepository(ctx.db).cases(tenantId, q);
      res.attachment('exflow.xes').type('application/xml');
      await streamExport(res, ctx.log, { head: XES_HEADER, body: xesBody(ctx.db, tenantId, cases), tail: XES_FOOTER, failed: xesFailed });
    },
  },
]);
