import {
  agreementListSchema,
  aiAlertListSchema,
  llmAnswerSchema,
  taskSuggestionSchema,
  type AgreementRow,
  type AiAlertView,
  type LlmAnswer,
  type TaskSuggestion,
} from '@exflow/shared';
import { ADMINS, READERS, STAFF, WORKERS } from '../../auth/roles.js';
import { notFound, unprocessable } from '../../errors.js';
import { createCaseAssistant, type AssistantTask } from '../../services/caseAssistant.js';
import { loadTask } from '../../tasks/taskWork.js';
import { createAiSuggestionRepository } from '../../store/aiSuggestionRepository.js';
import { param, queryString } from '../params.js';
import { defineRoutes, type Route } from '../route.js';

const ALERT_STATUSES = ['open', 'acknowledged', 'all'] as const;

function instant(value: string | undefined, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (Number.isNaN(Date.parse(value))) {
    throw unprocessable('invalid-filter', `${name} "${value}" is not an ISO 8601 date or date-time`, [{ path: name, message: 'not a date' }]);
  }
  return new Date(value).toISOString();
}

const assistantRoute = (path: string, kind: AssistantTask, what: string): Route => ({
  method: 'post',
  path,
  summary: `${what} by the configured language model (OpenAI-compatible, off by default): personal data masked by the tenant policy llmMaskFields before sending, through the egress policy; prompt and answer are audited against the case. A draft for a person to check.`,
  tag: 'ai',
  roles: WORKERS,
  responses: { '200': what, '404': 'Unknown case', '502': 'The model gave no usable answer', '503': 'No language model is configured' },
  responseSchemas: { '200': llmAnswerSchema },
  async handler(req, res, { db, config, principal }) {
    const answer = await createCaseAssistant({ db, config }).write(principal.tenantId, param(req, 'id'), kind, principal.userId);
    res.json(answer satisfies LlmAnswer);
  },
});

export const aiRoutes = defineRoutes([
  {
    method: 'get',
    path: '/tasks/:id/suggestion',
    summary: "The AI suggestion for the task's step (outcome, probability, top factors, what the gate did), or null when there is none",
    tag: 'ai',
    roles: STAFF,
    responses: { '200': 'The suggestion, or null', '404': 'Unknown task' },
    responseSchemas: { '200': taskSuggestionSchema },
    async handler(req, res, { db, principal }) {
      const task = await loadTask(db, principal, param(req, 'id'));
      const suggestion = await createAiSuggestionRepository(db).forStep(principal.tenantId, task.caseId, task.nodeId);
      res.json({ suggestion: suggestion ?? null } satisfies TaskSuggestion);
    },
  },
  {
    method: 'get',
    path: '/ai/agreement',
    summary: 'How often people agreed with the AI suggestions, per exception kind, over suggestions made in [from, to)',
    tag: 'ai',
    roles: READERS,
    query: {
      from: { type: 'string', description: 'Suggestions made at or after this instant (ISO 8601)', maxLength: 40 },
      to: { type: 'string', description: 'Suggestions made before this instant (ISO 8601)', maxLength: 40 },
    },
    responses: { '200': 'Suggestions, automatic completions, human decisions, agreements and the rate, per kind', '422': 'A date that does not parse' },
    responseSchemas: { '200': agreementListSchema },
    async handler(req, res, { db, principal }) {
      const from = instant(queryString(req, 'from'), 'from');
      const to = instant(queryString(req, 'to'), 'to');
      res.json((await createAiSuggestionRepository(db).agreement(principal.tenantId, { from, to })) satisfies AgreementRow[]);
    },
  },
  {
    method: 'get',
    path: '/ai/alerts',
    summary:
      "Drift alerts: an exception kind whose agreement over the rolling window (policy aiDriftWindow) fell below aiDriftMinAgreement (agreement-drift), or recent invoices whose features moved from the model's training distribution, PSI 0.25 or more (feature-drift)",
    tag: 'ai',
    roles: ADMINS,
    query: { status: { type: 'string', description: 'open (default), acknowledged or all', maxLength: 20 } },
    responses: { '200': 'Alerts, newest first', '422': 'Unknown status' },
    responseSchemas: { '200': aiAlertListSchema },
    async handler(req, res, { db, principal }) {
      const status = queryString(req, 'status') ?? 'open';
      if (!(ALERT_STATUSES as readonly string[]).includes(status)) {
        throw unprocessable('invalid-filter', `status "${status}" is not one of ${ALERT_STATUSES.join(', ')}`, [{ path: 'status', message: 'unknown status' }]);
      }
      res.json((await createAiSuggestionRepository(db).alerts(principal.tenantId, status as (typeof ALERT_STATUSES)[number])) satisfies AiAlertView[]);
    },
  },
  {
    method: 'post',
    path: '/ai/alerts/:id/acknowledge',
    summary: 'Acknowledges an open drift alert (a new one can be raised for the kind after that)',
    tag: 'ai',
    roles: ADMINS,
    responses: { '200': 'The alert, acknowledged', '404': 'No open alert with that id' },
    responseSchemas: { '200': aiAlertListSchema.items },
    async handler(req, res, { db, principal }) {
      const alert = await createAiSuggestionRepository(db).acknowledgeAlert(principal.tenantId, param(req, 'id'), principal.userId);
      if (!alert) throw notFound('open AI alert', param(req, 'id'));
      res.json(alert satisfies AiAlertView);
    },
  },
  assistantRoute('/cases/:id/summary', 'summary', 'A summary of the case'),
  assistantRoute('/cases/:id/supplier-email-draft', 'supplier-email-draft', 'A draft e-mail to the supplier about the case'),
]);
