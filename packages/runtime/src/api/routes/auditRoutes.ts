import { auditListSchema, auditVerificationSchema } from '@exflow/shared';
import { AUDITORS } from '../../auth/roles.js';
import { badRequest } from '../../errors.js';
import { verifyAuditTrail } from '../../auth/auditCheckpoints.js';
import { createAuditRepository, type AuditRecord } from '../../store/auditRepository.js';
import { queryString } from '../params.js';
import { defineRoutes } from '../route.js';

const COLUMNS: (keyof AuditRecord)[] = ['seq', 'createdAt', 'actor', 'action', 'entity', 'entityId', 'caseId', 'data', 'chain', 'prevHash', 'hash'];

const csvField = (value: unknown) => {
  const text = value == null ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

function dateParam(value: string | undefined, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (Number.isNaN(Date.parse(value))) throw badRequest(`Query parameter "${name}" must be a date or date-time (ISO 8601); got "${value}"`);
  return new Date(value).toISOString();
}

export const auditRoutes = defineRoutes([
  {
    method: 'get',
    path: '/audit',
    summary: 'Export the audit trail for a date range, as JSON or CSV (format=csv)',
    tag: 'audit',
    roles: AUDITORS,
    query: {
      from: { type: 'string', description: 'Start (inclusive), ISO 8601' },
      to: { type: 'string', description: 'End (exclusive), ISO 8601' },
      caseId: { type: 'string', description: 'Only rows of this case' },
      format: { type: 'string', description: 'json (default) or csv' },
    },
    responses: { '200': 'Audit rows, oldest first', '400': 'Bad date or format' },
    responseSchemas: { '200': auditListSchema },
    async handler(req, res, { db, principal }) {
      const format = queryString(req, 'format') ?? 'json';
      if (format !== 'json' && format !== 'csv') throw badRequest(`format must be json or csv; got "${format}"`);
      const rows = await createAuditRepository(db).list(principal.tenantId, {
        from: dateParam(queryString(req, 'from'), 'from'),
        to: dateParam(queryString(req, 'to'), 'to'),
        caseId: queryString(req, 'caseId'),
      });
      if (format === 'json') {
        res.json(rows);
        return;
      }
      const lines = [COLUMNS.join(','), ...rows.map((r) => COLUMNS.map((c) => csvField(r[c])).join(','))];
      res
        .type('text/csv')
        .set('Content-Disposition', `attachment; filename="audit-${principal.tenantId}.csv"`)
        .send(`${lines.join('\r\n')}\r\n`);
    },
  },
  {
    method: 'get',
    path: '/audit/verify',
    summary:
      'Recompute the audit hash chains, the tenant head, the signed checkpoints and the case events; lists every break and finding, then signs a checkpoint of an intact head',
    tag: 'audit',
    roles: AUDITORS,
    responses: {
      '200':
        '{ intact, rows, chains, checkpoints, breaks: [{ seq, id, chain, caseId, action, problem: hash|link|head }], findings: [{ problem: missing|truncated|head|rolled-back|checkpoint|checkpoint-signature|event-changed|event-missing|event-unanchored, ... }] }',
    },
    responseSchemas: { '200': auditVerificationSchema },
    async handler(_req, res, { db, principal, issuer, auditCheckpoints }) {
      const result = await verifyAuditTrail(db, issuer, principal.tenantId);
      // an intact head is signed now, so a later rollback to before this moment is caught
      if (result.intact) await auditCheckpoints.checkpoint(principal.tenantId);
      res.json(result);
    },
  },
]);
