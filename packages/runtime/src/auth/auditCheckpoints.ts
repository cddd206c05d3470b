import type { Db } from '../store/db.js';
import { auditHeadDigest, createAuditRepository, type AuditCheckpoint, type AuditVerification } from '../store/auditRepository.js';
import type { Issuer } from './issuer.js';

/** The JWS `typ` of a checkpoint, so a checkpoint can never pass for a token or the reverse. */
export const CHECKPOINT_TYPE = 'exflow-audit-checkpoint';

export interface AuditCheckpointer {
  /** Signs the tenant's head if it moved past its latest checkpoint (and never if it moved back). */
  checkpoint(tenantId: string): Promise<AuditCheckpoint | undefined>;
  /** Checkpoints every tenant whose head moved; for a poller. Returns 0 (nothing to run again at once). */
  tick(): Promise<number>;
}

/**
 * Signed checkpoints of the tenants' audit heads, with the runtime's signing key: a head rolled
 * back together with the tail of the trail (by someone past the trigger) no longer matches the
 * latest checkpoint. `db` must be the owner's connection (checkpoints are written outside the
 * read-only tenant scope).
 */
export function createAuditCheckpointer(db: Db, issuer: Issuer): AuditCheckpointer {
  const audit = createAuditRepository(db);
  const checkpointer: AuditCheckpointer = {
    async checkpoint(tenantId) {
      const [head, latest] = await Promise.all([audit.head(tenantId), audit.latestCheckpoint(tenantId)]);
      if (!head || head.rows <= (latest?.rows ?? 0)) return undefined;
      const { keyId, jws } = await issuer.signStatement(CHECKPOINT_TYPE, { tid: tenantId, rows: head.rows, hash: head.hash });
      await audit.insertCheckpoint(tenantId, { rows: head.rows, hash: head.hash, shards: head.shards, keyId, signature: jws });
      return audit.latestCheckpoint(tenantId);
    },
    async tick() {
      for (const tenantId of await audit.tenantsAheadOfCheckpoint()) await checkpointer.checkpoint(tenantId);
      return 0;
    },
  };
  return checkpointer;
}

/** Whether a checkpoint's shard heads are the ones its signed digest covers (none: shard 0's head of before migration 014). */
const shardsMatch = (c: AuditCheckpoint) =>
  c.shards === null || (auditHeadDigest(c.shards) === c.hash && c.shards.reduce((n, s) => n + Number(s.rows), 0) === c.rows);

/**
 * Verifies a tenant's audit trail (see `auditRepository.verify`) and the signature of every
 * checkpoint it holds (which covers its shard heads through their digest). `db` may be the
 * read-only tenant scope.
 */
export async function verifyAuditTrail(
  db: Db,
  issuer: Issuer,
  tenantId: string,
): Promise<Omit<AuditVerification, 'checkpoints'> & { checkpoints: number; intact: boolean }> {
  const { checkpoints, ...result } = await createAuditRepository(db).verify(tenantId);
  for (const c of checkpoints) {
    const signed = await issuer.verifyStatement(CHECKPOINT_TYPE, c.signature);
    if (!signed || signed.tid !== tenantId || signed.rows !== c.rows || signed.hash !== c.hash || !shardsMatch(c)) {
      result.findings.push({ problem: 'checkpoint-signature', rows: c.rows, checkpointAt: c.createdAt });
    }
  }
  return { intact: result.breaks.length === 0 && result.findings.length === 0, ...result, checkpoints: checkpoints.length };
}
