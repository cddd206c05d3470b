import { Type, type Static } from '@sinclair/typebox';
import { Count, Id, List, Nullable, OneOf, OpenObject, Text, Timestamp } from './wire.js';

/** One row of the append-only, hash-chained audit trail (`GET /audit`). */
export const auditRecordSchema = Type.Object({
  seq: Count(),
  id: Id(),
  caseId: Nullable(Id()),
  actor: Nullable(Id()),
  action: Id(),
  entity: Id(),
  entityId: Text(500),
  data: OpenObject('What the action changed or decided'),
  createdAt: Timestamp(),
  chain: Id(),
  prevHash: Nullable(Text(128)),
  hash: Text(128),
});
export type AuditRecordView = Static<typeof auditRecordSchema>;
export const auditListSchema = List(auditRecordSchema, 10_000_000, 'Oldest first');

/** `GET /audit/verify`: the recomputed chains, every break and finding, the checkpoints counted. */
export const auditVerificationSchema = Type.Object({
  intact: Type.Boolean(),
  rows: Count(),
  chains: Count(),
  checkpoints: Count(),
  breaks: List(
    Type.Object({ seq: Count(), id: Id(), chain: Id(), caseId: Nullable(Id()), action: Id(), problem: OneOf(['hash', 'link', 'head'] as const) }),
    100_000,
  ),
  findings: List(
    Type.Object(
      {
        problem: OneOf([
          'missing',
          'truncated',
          'head',
          'rolled-back',
          'checkpoint',
          'checkpoint-signature',
          'event-changed',
          'event-missing',
          'event-unanchored',
        ] as const),
      },
      { description: 'With the figures of its problem: from/to, expected/found, rows, checkpointAt, caseId/seq' },
    ),
    100_000,
  ),
});
export type AuditVerificationView = Static<typeof auditVerificationSchema>;
