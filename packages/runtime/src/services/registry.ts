import type { Invoice } from '@exflow/shared';
import type { Db } from '../store/db.js';

/** What a service is given: the case's invoice and kept results, its parameters, and a key. */
export interface ServiceCall {
  tenantId: string;
  caseId: string;
  nodeId: string;
  params: Record<string, unknown>;
  invoice: Invoice | null;
  /** The case's invoice id (null for a case that did not come from an invoice). */
  invoiceId?: string | null;
  vars: Record<string, unknown>;
  /** Stable across retries of this effect: pass it on so the outside world acts once. */
  idempotencyKey: string;
  db: Db;
}

export type ServiceHandler = (call: ServiceCall) => Promise<unknown>;

/**
 * A failure that retrying cannot fix (bad parameters, a 4xx answer, an egress refusal): no
 * more attempts, whatever the node's retry policy. `code` is matched against the policy's
 * `nonRetryableErrors` too. Any error with `nonRetryable: true` is treated the same.
 */
export class PermanentServiceError extends Error {
  readonly nonRetryable = true;
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'PermanentServiceError';
  }
}

/** Whether a service's error says not to retry: a `PermanentServiceError`, or any error flagged `nonRetryable: true`. */
export const isNonRetryable = (error: unknown): boolean =>
  error instanceof PermanentServiceError || (typeof error === 'object' && error !== null && (error as { nonRetryable?: unknown }).nonRetryable === true);

const LOCAL = Symbol('exflow.localService');

/**
 * Marks a service as local: it only reads the database it is given (`call.db`) and calls
 * nothing outside, so the engine may run it inside the transition's transaction instead of
 * through the outbox. Its answer is recorded as `service.done` as usual.
 */
export const localService = (handler: ServiceHandler): ServiceHandler => Object.assign(async (call: ServiceCall) => handler(call), { [LOCAL]: true });

/** Whether `localService` marked this handler. */
export const isLocalService = (handler: ServiceHandler | undefined): boolean => Boolean(handler && (handler as { [LOCAL]?: boolean })[LOCAL]);

export type ServiceRegistry = ReadonlyMap<string, ServiceHandler>;

export function createServiceRegistry(entries: Record<string, ServiceHandler>): ServiceRegistry {
  return new Map(Object.entries(entries));
}
