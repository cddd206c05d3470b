import type { Invoice } from '@exflow/shared';
import type { Db } from '../store/db.js';

/** What a service is given: the case's invoice and kept results, its parameters, and a key. */
export interface ServiceCall {
  tenantId: string;
  caseId: string;
  nodeId: string;
  params: Record<string, unknown>;
  invoice: Invoice | null;
  vars: Record<string, unknown>;
  /** Stable across retries of this effect: pass it on so the outside world acts once. */
  idempotencyKey: string;
  db: Db;
}

export type ServiceHandler = (call: ServiceCall) => Promise<unknown>;

/** A failure that retrying cannot fix (bad parameters, a 4xx answer): no more attempts. */
export class PermanentServiceError extends Error {}

export type ServiceRegistry = ReadonlyMap<string, ServiceHandler>;

export function createServiceRegistry(entries: Record<string, ServiceHandler>): ServiceRegistry {
  return new Map(Object.entries(entries));
}
