export type Log = (message: string, context: Record<string, unknown>) => void;

const SECRET_KEY = /(authorization|password|token|secret|api[-_]?key|cookie)/i;
const BEARER = /\b(Bearer\s+)[A-Za-z0-9._~+/=-]+/g;
const API_KEY = /\bexf_[0-9a-f]{18}_[A-Za-z0-9_-]{43}\b/g;
const JWT = /\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/g;

/** A copy of a log context with credentials masked, by key name and by shape (JWTs, API keys). */
export function redact(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return value.replace(BEARER, '$1[redacted]').replace(API_KEY, '[redacted api key]').replace(JWT, '[redacted token]');
  if (!value || typeof value !== 'object' || depth > 6) return value;
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, SECRET_KEY.test(k) ? '[redacted]' : redact(v, depth + 1)]));
}

/** One JSON line per event on stdout, credentials masked. */
export const jsonLog: Log = (message, context) => console.log(JSON.stringify({ time: new Date().toISOString(), message, ...(redact(context) as object) }));
