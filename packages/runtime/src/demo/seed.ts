import { parseInvoice } from '@exflow/shared';
import { hashPassword } from '../auth/passwords.js';
import type { Role } from '../auth/roles.js';
import type { Engine } from '../engine/engine.js';
import { receiveInvoice } from '../ingest/intake.js';
import { stableHash } from '../ingest/stableHash.js';
import { installPack, type TemplatePack } from '../packs/templatePack.js';
import type { Db } from '../store/db.js';
import { createInvoiceRepository } from '../store/invoiceRepository.js';
import { createUserRepository } from '../store/userRepository.js';

export const DEMO_TENANT = 'demo';
export const DEMO_PASSWORD = 'demo';

export const DEMO_USERS: { id: string; email: string; name: string; roles: Role[] }[] = [
  { id: 'u-owner', email: 'owner@demo.exflow', name: 'Olivia Owner', roles: ['process_owner'] },
  { id: 'u-analyst', email: 'analyst@demo.exflow', name: 'Ari Analyst', roles: ['analyst'] },
  { id: 'u-analyst2', email: 'analyst2@demo.exflow', name: 'Bea Analyst', roles: ['analyst'] },
  { id: 'u-approver', email: 'approver@demo.exflow', name: 'Pat Approver', roles: ['approver'] },
  { id: 'u-admin', email: 'admin@demo.exflow', name: 'Ada Admin', roles: ['tenant_admin'] },
  { id: 'u-integration', email: 'erp@demo.exflow', name: 'ERP connector', roles: ['integration'] },
  { id: 'u-auditor', email: 'auditor@demo.exflow', name: 'Aud Itor', roles: ['auditor'] },
];

/**
 * The demo tenant: users (password "demo"), the given packs published with their reference
 * data, and their sample invoices received once. Safe to run at every start.
 */
export async function seedDemo(db: Db, engine: Engine, packs: TemplatePack[]): Promise<void> {
  const users = createUserRepository(db);
  await users.upsertTenant(DEMO_TENANT, 'Demo Corp');
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  for (const user of DEMO_USERS) {
    const existing = await users.byEmail(user.email);
    await users.upsert({ tenantId: DEMO_TENANT, ...user, passwordHash: existing?.passwordHash ?? passwordHash });
  }
  for (const pack of packs) await installPack(db, DEMO_TENANT, pack, { publish: true, referenceData: true, actor: 'u-owner' });
  if ((await createInvoiceRepository(db).count(DEMO_TENANT)) > 0) return;
  const integration = { userId: 'u-integration', tenantId: DEMO_TENANT, email: 'erp@demo.exflow', name: 'ERP connector', roles: ['integration' as Role] };
  for (const pack of packs) {
    for (const sample of pack.samples) {
      const parsed = parseInvoice(sample.invoice);
      if (!parsed.ok) throw new Error(`Sample ${pack.name}/${sample.file} is invalid: ${parsed.problems.map((p) => p.message).join('; ')}`);
      await receiveInvoice(db, engine, integration, {
        invoice: parsed.invoice,
        channel: 'api',
        idempotencyKey: `demo:${pack.name}:${sample.file}`,
        requestHash: stableHash(sample.invoice),
        definitionKey: sample.flow,
      });
    }
  }
}
