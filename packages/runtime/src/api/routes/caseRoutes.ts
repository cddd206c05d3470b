import {
  caseDetailSchema,
  caseEventListSchema,
  caseListSchema,
  eventAcceptedSchema,
  type CaseDetail,
  type CaseEventView,
  type CaseSummary,
  type EventAccepted,
} from '@exflow/shared';
import { READERS, WORKERS } from '../../auth/roles.js';
import { notFound, unprocessable } from '../../errors.js';
import { createCaseRepository, type CaseRecord } from '../../store/caseRepository.js';
import { createEffectRepository } from '../../store/effectRepository.js';
import { createTaskRepository } from '../../store/taskRepository.js';
import { createTimerRepository } from '../../store/timerRepository.js';
import { param, queryInt, queryString } from '../params.js';
import { defineRoutes } from '../route.js';

const summary = (c: CaseRecord): CaseSummary => ({
  id: c.id,
  status: c.status,
  outcome: c.outcome,
  version: c.version,
  activeNodes: c.activeNodes,
  definitionId: c.definitionId,
  definitionVersion: c.definitionVersion,
  invoiceId: c.invoiceId,
  openedAt: c.openedAt,
  updatedAt: c.updatedAt,
  closedAt: c.closedAt,
});

/** Events a person or integration may send to a case directly; the rest come from tasks, services and timers. */
const API_EVENTS: Record<string, { required: string[]; description: string }> = {
  'case.comment': { required: ['text'], description: 'Add a comment to the case history' },
  'case.cancel': { required: ['reason'], description: 'Cancel the case: open tasks close, timers stop' },
};

export const caseRoutes = defineRoutes([
  {
    method: 'get',
    path: '/cases',
    summary: 'List cases, newest first',
    tag: 'cases',
    roles: READERS,
    query: {
      status: { type: 'string', description: 'open, incident, resolved, rejected, cancelled or failed' },
      definitionId: { type: 'string', description: 'Only cases of this definition' },
      invoiceId: { type: 'string', description: 'Only cases of this invoice' },
      limit: { type: 'integer', minimum: 1, maximum: 200, description: '1 to 200, default 50' },
    },
    responses: { '200': 'Cases' },
    responseSchemas: { '200': caseListSchema },
    async handler(req, res, { db, principal }) {
      const status = queryString(req, 'status');
      if (status && !['open', 'incident', 'resolved', 'rejected', 'cancelled', 'failed'].includes(status)) {
        throw unprocessable('invalid-filter', `status "${status}" is not one of open, incident, resolved, rejected, cancelled, failed`, [
          { path: 'status', message: 'unknown status' },
        ]);
      }
      const cases = await createCaseRepository(db).list(principal.tenantId, {
        status,
        definitionId: queryString(req, 'definitionId'),
        invoiceId: queryString(req, 'invoiceId'),
        limit: queryInt(req, 'limit', { min: 1, max: 200, fallback: 50 }),
      });
      res.json(cases.map(summary) satisfies CaseSummary[]);
    },
  },
  {
    method: 'get',
    path: '/cases/:id',
    summary: 'Get a case: current state, context, open tasks, timers and effects',
    tag: 'cases',
    roles: READERS,
    responses: { '200': 'Case', '404': 'Unknown case' },
    responseSchemas: { '200': caseDetailSchema },
    async handler(req, res, { db, principal }) {
      const id = param(req, 'id');
      const found = await createCaseRepository(db).get(principal.tenantId, id);
      if (!found) throw notFound('case', id);
      // one after the other: reads share one connection (the tenant-scoped transaction)
      const tasks = await createTaskRepository(db).list(principal.tenantId, { caseId: id, status: 'open' });
      const timers = await createTimerRepository(db).forCase(principal.tenantId, id);
      const effects = await createEffectRepository(db).forCase(principal.tenantId, id);
      res.json({
        ...summary(found),
        context: found.snapshot.context as CaseDetail['context'],
        stateValue: found.snapshot.value,
        tasks,
        timers,
        effects,
      } satisfies CaseDetail);
    },
  },
  {
    method: 'get',
    path: '/cases/:id/events',
    summary: 'The case history, oldest first; `after` gives only events after that version',
    tag: 'cases',
    roles: READERS,
    query: { after: { type: 'integer', minimum: 0, maximum: 2147483647, description: 'Only events with a higher version (to catch up after a reconnect)' } },
    responses: { '200': 'Events', '404': 'Unknown case' },
    responseSchemas: { '200': caseEventListSchema },
    async handler(req, res, { db, principal }) {
      const id = param(req, 'id');
      const repo = createCaseRepository(db);
      if (!(await repo.get(principal.tenantId, id))) throw notFound('case', id);
      res.json((await repo.events(principal.tenantId, id, queryInt(req, 'after', { min: 0, max: 2 ** 31 - 1, fallback: 0 }))) satisfies CaseEventView[]);
    },
  },
  {
    method: 'post',
    path: '/cases/:id/events',
    summary: 'Send an event to a case (case.comment, case.cancel). Tasks are completed through /tasks.',
    tag: 'cases',
    roles: WORKERS,
    body: {
      type: 'object',
      required: ['type'],
      properties: {
        type: { enum: Object.keys(API_EVENTS) },
        text: { type: 'string', minLength: 1, maxLength: 4000 },
        reason: { type: 'string', minLength: 1, maxLength: 4000 },
      },
      additionalProperties: false,
    },
    responses: {
      '202': 'Accepted: the case moved to the returned version',
      '404': 'Unknown case',
      '409': 'The case does not accept this event now',
      '422': 'Invalid event',
    },
    responseSchemas: { '202': eventAcceptedSchema },
    async handler(req, res, { engine, principal }) {
      const event = req.body as { type: string; [k: string]: unknown };
      const missing = API_EVENTS[event.type].required.filter((f) => event[f] === undefined);
      if (missing.length)
        throw unprocessable(
          'invalid-event',
          `Event "${event.type}" needs ${missing.map((f) => `/${f}`).join(', ')}`,
          missing.map((f) => ({ path: `/${f}`, message: 'is required' })),
        );
      const change = await engine.send(principal.tenantId, param(req, 'id'), event, principal.userId);
      res.status(202).json({ caseId: change.caseId, version: change.version, status: change.status, activeNodes: change.activeNodes } satisfies EventAccepted);
    },
  },
]);
