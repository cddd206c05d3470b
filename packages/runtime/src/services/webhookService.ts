import { createAuditRepository } from '../store/auditRepository.js';
import { createEgressAllowRepository } from '../store/egressAllowRepository.js';
import { EgressRefusedError, egressFetch } from './egress.js';
import { PermanentServiceError, type ServiceHandler } from './registry.js';

/** The most of an answer read, and only when the step declares fields to keep. */
export const WEBHOOK_MAX_ANSWER_BYTES = 64 * 1024;
const MAX_FIELDS = 20;
const MAX_STRING = 1000;
const FIELD_PATH = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;
const UNSAFE_KEY = /(^|\.)(__proto__|constructor|prototype)(\.|$)/;

type Store = { kind: 'none' } | { kind: 'status' } | { kind: 'fields'; fields: string[] };

function storeOf(params: Record<string, unknown>): Store {
  const kind = params.store ?? (params.fields ? 'fields' : 'status');
  if (kind === 'none' || kind === 'status') return { kind };
  if (kind !== 'fields') throw new PermanentServiceError(`params.store "${String(kind)}" is not one of none, status, fields`);
  const fields = params.fields;
  if (
    !Array.isArray(fields) ||
    fields.length === 0 ||
    fields.length > MAX_FIELDS ||
    !fields.every((f) => typeof f === 'string' && FIELD_PATH.test(f) && !UNSAFE_KEY.test(f))
  ) {
    throw new PermanentServiceError(`params.fields must list 1 to ${MAX_FIELDS} field paths like "reference" or "result.id" when params.store is "fields"`);
  }
  return { kind: 'fields', fields };
}

/** A declared field of the answer, kept only as a scalar (strings cut to 1,000 characters); anything else is null. */
function pick(body: unknown, path: string): string | number | boolean | null {
  let value: unknown = body;
  for (const key of path.split('.'))
    value =
      value !== null && typeof value === 'object' && !Array.isArray(value) && Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined;
  if (typeof value === 'string') return value.slice(0, MAX_STRING);
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  return null;
}

export interface WebhookOptions {
  /** Operator allow-list (`EXFLOW_EGRESS_ALLOW`): hosts, addresses, CIDR networks. */
  egressAllow?: string[];
}

/**
 * POSTs the case to a URL with an `Idempotency-Key` header that stays the same across
 * retries, so a receiver that honours it acts once even when a crash makes us call twice.
 * The call goes through the egress policy (a refusal is final and audited). Of the answer only
 * what the step declares is kept: its status (default), nothing, or named fields.
 * 5xx and network errors are retried; 4xx are not.
 */
export function createWebhookService(options: WebhookOptions = {}): ServiceHandler {
  return async ({ params, idempotencyKey, caseId, nodeId, invoice, tenantId, db }) => {
    const url = String(params.url ?? '');
    if (!/^https?:\/\//.test(url)) throw new PermanentServiceError(`params.url "${url}" is not an http(s) URL`);
    const store = storeOf(params);
    const allowList = [...(options.egressAllow ?? []), ...(await createEgressAllowRepository(db).entriesFor(tenantId))];
    let response;
    try {
      response = await egressFetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': idempotencyKey },
        body: JSON.stringify({ tenantId, caseId, nodeId, invoiceNumber: invoice?.invoiceNumber ?? null, supplier: invoice?.supplier?.name ?? null }),
        signal: AbortSignal.timeout(Math.min(Number(params.timeoutMs ?? 10_000), 20_000)),
        allowList,
      });
    } catch (error) {
      if (error instanceof EgressRefusedError) {
        await createAuditRepository(db).record(tenantId, {
          caseId,
          actor: 'system',
          action: 'egress.refused',
          entity: 'case',
          entityId: caseId,
          data: { nodeId, url, host: error.host, address: error.address, reason: error.reason },
        });
      }
      throw error;
    }
    const { status } = response;
    // the answer's text never reaches the case unless declared: an error names only the status
    if (status >= 400 && status < 500 && status !== 429) {
      response.discard();
      throw new PermanentServiceError(`${url} answered ${status}`);
    }
    if (status < 200 || status >= 300) {
      response.discard();
      throw new Error(`${url} answered ${status}`);
    }
    if (store.kind !== 'fields') {
      response.discard();
      return store.kind === 'none' ? {} : { status };
    }
    const text = await response.text(WEBHOOK_MAX_ANSWER_BYTES);
    let body: unknown = null;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: every declared field is null
    }
    const kept: Record<string, unknown> = {};
    for (const field of store.fields) {
      const keys = field.split('.');
      let into = kept;
      for (const key of keys.slice(0, -1)) {
        const next = into[key];
        into = (typeof next === 'object' && next !== null ? next : (into[key] = {})) as Record<string, unknown>;
      }
      into[keys[keys.length - 1]] = pick(body, field);
    }
    return { status, body: kept };
  };
}
