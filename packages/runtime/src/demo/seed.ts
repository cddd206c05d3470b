import { parseInvoice } from '@exflow/shared';
import { hashPassword } from '../auth/passwords.js';
import type { Role } from '../auth/roles.js';
import type { Engine } from '../engine/engine.js';
import { receiveInvoice } from '../ingest/intake.js';
import { stableHash } from '../ingest/stableHash.js';
import { installPack, type TemplatePack } from '../packs/templatePack.js';
import type { Db } from '../store/db.js';
import { createInvoiceRepository } from '../store/invoiceRepository.js';
import { createTenantRepository } from '../store/tenantRepository.js';
import { createUserRepository } from '../store/userRepository.js';

export const DEMO_TENANT = 'demo';
export const DEMO_PASSWORD = 'demo';

interface SeedUser {
  id: string;
  email: string;
  name: string;
  roles: Role[];
  tenantId?: string;
}

/** Two MSPs with a client each, to show tenancy and white-label branding. */
export const DEMO_MSPS = [
  {
    id: 'msp-north',
    name: 'NorthLedger Services',
    branding: { productName: 'NorthLedger Flow', primaryColor: '#0b6e4f', accentColor: '#f4d35e', supportEmail: 'help@northledger.example' },
    client: { id: 'acme', name: 'Acme Manufacturing' },
  },
  {
    id: 'msp-south',
    name: 'SouthBooks BPO',
    branding: { productName: 'SouthBooks Exceptions', primaryColor: '#7a1f5c', accentColor: '#ffb703', supportEmail: 'care@southbooks.example' },
    client: { id: 'globex', name: 'Globex Retail' },
  },
];

/**
 * The demo tenant's authority matrix: analysts approve up to 5,000, approvers up to 50,000,
 * tenant admins up to 1,000,000; above 10,000 two different people must approve.
 */
export const DEMO_POLICIES = {
  fourEyesThreshold: 10_000,
  approvalLimits: [
    { role: 'analyst' as Role, maxAmount: 5_000 },
    { role: 'approver' as Role, maxAmount: 50_000 },
    { role: 'tenant_admin' as Role, maxAmount: 1_000_000 },
  ],
};

export const DEMO_USERS: SeedUser[] = [
  { id: 'u-owner', email: 'owner@demo.exflow', name: 'Olivia Owner', roles: ['process_owner'] },
  { id: 'u-analyst', email: 'analyst@demo.exflow', name: 'Ari Analyst', roles: ['analyst'] },
  { id: 'u-analyst2', email: 'analyst2@demo.exflow', name: 'Bea Analyst', roles: ['analyst'] },
  { id: 'u-approver', email: 'approver@demo.exflow', name: 'Pat Approver', roles: ['approver'] },
  { id: 'u-admin', email: 'admin@demo.exflow', name: 'Ada Admin', roles: ['tenant_admin'] },
  { id: 'u-integration', email: 'erp@demo.exflow', name: 'ERP connector', roles: ['integration'] },
  { id: 'u-auditor', email: 'auditor@demo.exflow', name: 'Aud Itor', roles: ['auditor'] },
  { id: 'u-approver2', email: 'approver2@demo.exflow', name: 'Quinn Approver', roles: ['approver'] },
  { id: 'u-north-admin', email: 'platform@northledger.example', name: 'Nora North', roles: ['platform_admin'], tenantId: 'msp-north' },
  { id: 'u-south-admin', email: 'platform@southbooks.example', name: 'Sam South', roles: ['platform_admin'], tenantId: 'msp-south' },
  { id: 'u-acme-analyst', email: 'analyst@acme.example', name: 'Ann Acme', roles: ['analyst'], tenantId: 'acme' },
  { id: 'u-acme-admin', email: 'admin@acme.example', name: 'Art Acme', roles: ['tenant_admin'], tenantId: 'acme' },
  { id: 'u-globex-analyst', email: 'analyst@globex.example', name: 'Gil Globex', roles: ['analyst'], tenantId: 'globex' },
];

/**
 * The demo tenant: users (password "demo"), the given packs published with their reference
 * data, and their sample invoices received once. Safe to run at every start.
 */
export async function seedDemo(db: Db, engine: Engine, packs: TemplatePack[]): Promise<void> {
  const users = createUserRepository(db);
  const tenants = createTenantRepository(db);
  await users.upsertTenant(DEMO_TENANT, 'Demo Corp');
  await tenants.setPolicies(DEMO_TENANT, DEMO_POLICIES);
  for (const msp of DEMO_MSPS) {
    await tenants.upsert({
      id: msp.id,
      name: msp.name,
      kind: 'msp',
      branding: msp.branding,
      policies: { priceTolerancePct: 2, fourEyesThreshold: 25_000 },
      overridable: ['priceTolerancePct'],
    });
    await tenants.upsert({ id: msp.client.id, name: msp.client.name, kind: 'client', parentId: msp.id });
  }
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  for (const { tenantId, ...user } of DEMO_USERS) {
    const existing = await users.byEmail(user.email);
    await users.upsert({ tenantId: tenantId ?? DEMO_TENANT, ...user, passwordHash: existing?.passwordHash ?? passwordHash });
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
