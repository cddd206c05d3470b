import { readFileSync } from 'node:fs';
import { routeTaken } from '@exflow/shared';
import { expect } from 'vitest';
import { hashPassword } from '../../src/auth/passwords.js';
import type { Role } from '../../src/auth/roles.js';
import type { PackExpectation, PackSample, PackStep } from '../../src/packs/templatePack.js';
import type { TestServer } from './testServer.js';
import { DEMO_POLICIES } from '../../src/demo/seed.js';
import { createTenantRepository } from '../../src/store/tenantRepository.js';
import { createUserRepository } from '../../src/store/userRepository.js';
import { eventually, httpClient, PATIENCE_MS } from './http.js';

const templates = new URL('../../../../templates/', import.meta.url);

/** A pack's manifest as the tests read it (its samples, in order). */
/** A raw document (UBL or CII) whose intake, by routing alone, must open a case on `flow`; `after` is sent first. */
export interface RoutedSample {
  file: string;
  flow: string;
  after?: string;
}

export const readPackManifest = (pack: string): { name: string; flows: string[]; samples: PackSample[]; routed?: RoutedSample[] } =>
  JSON.parse(readFileSync(new URL(`${pack}/pack.json`, templates), 'utf8'));

export const readSampleDocument = (pack: string, file: string): string => readFileSync(new URL(`${pack}/${file}`, templates), 'utf8');

export const readSampleInvoice = (pack: string, file: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`${pack}/${file}`, templates), 'utf8'));

const ROLES: Role[] = ['tenant_admin', 'process_owner', 'analyst', 'approver', 'integration'];

/**
 * A fresh tenant with one user per role and a second approver (`approver#2`, for four-eyes),
 * password "demo", an HTTP client for each, and the demo tenant's authority matrix.
 */
export async function createTenant(server: TestServer, tenantId: string): Promise<Record<string, ReturnType<typeof httpClient>>> {
  const users = createUserRepository(server.db);
  await users.upsertTenant(tenantId, `Tenant ${tenantId}`);
  await createTenantRepository(server.db).setPolicies(tenantId, DEMO_POLICIES);
  const clients: Record<string, ReturnType<typeof httpClient>> = {};
  for (const role of ROLES) clients[role] = await addUser(server, tenantId, role, [role]);
  clients['approver#2'] = await addUser(server, tenantId, 'approver-2', ['approver']);
  return clients;
}

/** A user of the tenant (password "demo") and an HTTP client signed in as them. */
export async function addUser(server: TestServer, tenantId: string, name: string, roles: Role[]): Promise<ReturnType<typeof httpClient>> {
  const email = `${name}@${tenantId}.test`;
  await createUserRepository(server.db).upsert({
    tenantId,
    id: `${tenantId}-${name}`,
    email,
    name: `${name} of ${tenantId}`,
    roles,
    passwordHash: await demoHash,
  });
  return httpClient(server.url, await server.login(email));
}

const demoHash = hashPassword('demo');

type Client = ReturnType<typeof httpClient>;

/** Waits until the case stops moving by itself: no effect pending, and closed or waiting (task or timer). */
export function settled(client: Client, caseId: string, what = 'the case to settle') {
  return eventually(
    async () => {
      const c = (await client('GET', `/api/v1/cases/${caseId}`)).body;
      const busy = c.effects.some((e: { status: string }) => e.status === 'pending' || e.status === 'running');
      const waiting = c.tasks.length > 0 || c.timers.some((t: { status: string }) => t.status === 'pending');
      return !busy && (c.status !== 'open' || waiting) && c;
    },
    PATIENCE_MS,
    what,
  );
}

/** The route the case took (replayed from its history) and its status. */
export async function routeOf(client: Client, caseId: string): Promise<PackExpectation> {
  const c = (await client('GET', `/api/v1/cases/${caseId}`)).body;
  const version = (await client('GET', `/api/v1/definitions/${c.definitionId}/versions/${c.definitionVersion}`)).body;
  const events = (await client('GET', `/api/v1/cases/${caseId}/events`)).body;
  return { route: routeTaken(version.compiled, c.context.invoice, events), status: c.status };
}

/** Does one step of a sample: a person completes the node's open task, or the node's timer is made due now. */
export async function runStep(server: TestServer, tenantId: string, clients: Record<string, Client>, caseId: string, step: PackStep) {
  const reader = clients.tenant_admin!;
  if ('timeout' in step) {
    const timers = (await reader('GET', `/api/v1/cases/${caseId}`)).body.timers.filter(
      (t: { nodeId: string; status: string }) => t.nodeId === step.timeout && t.status === 'pending',
    );
    expect(timers, `a pending timer on ${step.timeout}`).toHaveLength(1);
    // the SLA runs out now instead of in hours: the timer worker fires it as it would then
    await server.db('timers').where({ tenant_id: tenantId, id: timers[0].id }).update({ due_at: server.db.fn.now() });
    await eventually(
      async () => {
        const c = (await reader('GET', `/api/v1/cases/${caseId}`)).body;
        return c.timers.find((t: { id: string }) => t.id === timers[0].id)?.status === 'fired';
      },
      PATIENCE_MS,
      `the timer of ${step.timeout} to fire`,
    );
  } else {
    const tasks = (await reader('GET', `/api/v1/tasks?caseId=${caseId}`)).body.filter((t: { nodeId: string }) => t.nodeId === step.complete);
    expect(tasks, `an open task on ${step.complete}`).toHaveLength(1);
    // several people in turn (four-eyes): the n-th with a role is `role`, then `role#2`
    const people = (Array.isArray(step.by) ? step.by : [step.by]).map((role, i, all) => {
      const nth = all.slice(0, i).filter((r) => r === role).length;
      return nth ? `${role}#${nth + 1}` : role;
    });
    for (const [i, who] of people.entries()) {
      const done = await clients[who]!('POST', `/api/v1/tasks/${tasks[0].id}/complete`, { outcome: step.outcome, data: step.data ?? {} });
      expect([who, done.status], JSON.stringify(done.body)).toEqual([who, i < people.length - 1 ? 202 : 200]);
    }
  }
  await settled(reader, caseId, `the case to settle after ${JSON.stringify(step)}`);
}
