import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { pino, stdTimeFunctions, type DestinationStream } from 'pino';

/** Writes one structured log line: a message and its context (ids, figures; never personal data). */
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

/** What every line written while serving one request carries. */
interface RequestScope {
  requestId: string;
  tenantId?: string;
  caseId?: string;
}

const scope = new AsyncLocalStorage<RequestScope>();

/**
 * Names the tenant and the case the current request is about, once known (after sign-in, from
 * the path); later lines of the request, and its access log line, carry them.
 */
export function noteRequestScope(known: { tenantId?: string; caseId?: string }): void {
  const current = scope.getStore();
  if (!current) return;
  if (known.tenantId) current.tenantId = known.tenantId;
  if (known.caseId) current.caseId = known.caseId;
}

/**
 * A {@link Log} writing JSON lines through pino (`time`, `level`, `message`, context), with
 * credentials masked and, inside a request, its `requestId`, `tenantId` and `caseId`. A
 * context with an `error` is logged at level `error`, else `info`.
 */
export function createLog(destination?: DestinationStream): Log {
  const logger = pino(
    {
      base: undefined,
      messageKey: 'message',
      timestamp: stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: label }),
        log: (object) => redact(object) as Record<string, unknown>,
      },
    },
    destination,
  );
  return (message, context) => {
    const line = { ...scope.getStore(), ...context };
    if ('error' in context) logger.error(line, message);
    else logger.info(line, message);
  };
}

/** JSON lines on stdout. */
export const jsonLog: Log = createLog();

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Gives every request an id (the caller's `X-Request-Id` when it is a plain token of up to 128
 * characters, else a new UUID), answers it in `X-Request-Id`, runs the request in a log scope
 * carrying it, and writes one access line when the response is finished: method, the route as
 * declared (never the query string, which may carry names), status, duration, and the ids.
 */
export function requestLogging(log: Log): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const offered = req.get('x-request-id');
    const store: RequestScope = { requestId: offered && REQUEST_ID.test(offered) ? offered : randomUUID() };
    res.setHeader('X-Request-Id', store.requestId);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const route = req.route?.path ? `${req.baseUrl}${String(req.route.path)}` : undefined;
      log('http request', {
        ...store,
        method: req.method,
        route: route ?? 'unmatched',
        status: res.statusCode,
        durationMs: Math.round(Number(process.hrtime.bigint() - started) / 1e4) / 100,
      });
    });
    scope.run(store, next);
  };
}
