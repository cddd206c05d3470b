import { OCEL_EVENT_TYPES, OCEL_OBJECT_TYPES, ocelPage, XES_FOOTER, XES_HEADER, xesTraces, type EventLogPage, type OcelLog } from '@exflow/shared';
import type { Response } from 'express';
import { writeOcelSqlite } from '../../insights/ocelSqlite.js';
import { createEventLogRepository, type LoggedCase } from '../../store/eventLogRepository.js';
import type { Db } from '../../store/db.js';
import { defineRoutes } from '../route.js';
import { INSIGHT_READERS, QUERY_DOCS, readQuery, requireInsightReader } from './insightsRoutes.js';

/** Cases read per page: a log of any size streams in pages of this many cases. */
const PAGE = 200;

async function* pages(db: Db, tenantId: string, cases: LoggedCase[]): AsyncGenerator<EventLogPage> {
  const repo = createEventLogRepository(db);
  for (let i = 0; i < cases.length; i += PAGE) yield repo.page(tenantId, cases.slice(i, i + PAGE));
}

/** Writes a chunk, waiting for the socket to drain when its buffer is full. */
async function write(res: Response, chunk: string): Promise<void> {
  if (!res.write(chunk)) await new Promise<void>((drained) => res.once('drain', drained));
}

const list = (items: unknown[], first: boolean) => items.map((x, i) => (first && i === 0 ? '' : ',') + JSON.stringify(x)).join('');

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
    responses: { '200': 'An OCEL 2.0 JSON log (application/json, a file download)', ...EXPORT_RESPONSES },
    async handler(req, res, ctx) {
      await requireInsightReader(ctx.db, ctx.principal);
      const q = readQuery(req);
      const tenantId = ctx.principal.tenantId;
      const cases = await createEventLogRepository(ctx.db).cases(tenantId, q);
      res.attachment('exflow-ocel.json').type('application/json');
      await write(res, `{"objectTypes":${JSON.stringify(OCEL_OBJECT_TYPES)},"eventTypes":${JSON.stringify(OCEL_EVENT_TYPES)},"objects":[`);
      // two passes over the pages: OCEL's JSON holds every object before every event
      let first = true;
      const seen = new Set<string>();
      for await (const page of pages(ctx.db, tenantId, cases)) {
        const { objects } = ocelPage(page, seen);
        await write(res, list(objects, first));
        first &&= objects.length === 0;
      }
      await write(res, '],"events":[');
      first = true;
      const seenAgain = new Set<string>();
      for await (const page of pages(ctx.db, tenantId, cases)) {
        // what happened between the passes (a task opened then) has no object in the log: leave it out
        const events = ocelPage(page, seenAgain).events.filter((e) => e.relationships.every((r) => seen.has(r.objectId)));
        await write(res, list(events, first));
        first &&= events.length === 0;
      }
      res.end(']}\n');
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
    responses: { '200': 'An XES log (application/xml, a file download)', ...EXPORT_RESPONSES },
    async handler(req, res, ctx) {
      await requireInsightReader(ctx.db, ctx.principal);
      const q = readQuery(req);
      const tenantId = ctx.principal.tenantId;
      const cases = await createEventLogRepository(ctx.db).cases(tenantId, q);
      res.attachment('exflow.xes').type('application/xml');
      await write(res, XES_HEADER);
      const seen = new Set<string>();
      for await (const page of pages(ctx.db, tenantId, cases)) await write(res, xesTraces(page, ocelPage(page, seen)));
      res.end(XES_FOOTER);
    },
  },
]);
