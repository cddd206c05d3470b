import { PermanentServiceError, type ServiceHandler } from './registry.js';

/**
 * POSTs the case to a URL with an `Idempotency-Key` header that stays the same across
 * retries, so a receiver that honours it acts once even when a crash makes us call twice.
 * 5xx and network errors are retried; 4xx are not.
 */
export const webhookService: ServiceHandler = async ({ params, idempotencyKey, caseId, nodeId, invoice, tenantId }) => {
  const url = String(params.url ?? '');
  if (!/^https?:\/\//.test(url)) throw new PermanentServiceError(`params.url "${url}" is not an http(s) URL`);
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': idempotencyKey },
    body: JSON.stringify({ tenantId, caseId, nodeId, invoiceNumber: invoice?.invoiceNumber ?? null, supplier: invoice?.supplier?.name ?? null }),
    signal: AbortSignal.timeout(Math.min(Number(params.timeoutMs ?? 10_000), 20_000)),
  });
  const text = await response.text();
  if (response.status >= 400 && response.status < 500 && response.status !== 429) {
    throw new PermanentServiceError(`${url} answered ${response.status}: ${text.slice(0, 200)}`);
  }
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // a non-JSON answer is kept as text
  }
  return { status: response.status, body };
};
