import type { ErrorRequestHandler, Response } from 'express';
import { ProblemError, VersionConflict, type ProblemDetail } from '../errors.js';
import { isConnectionLoss } from '../store/connectionLoss.js';

/** Seconds a client is asked to wait after the database connection was lost. */
export const CONNECTION_LOSS_RETRY_AFTER = 2;

export const PROBLEM_TYPE_BASE = 'https://exflow.dev/problems/';

/** Bounds of a problem's texts and of its errors[] (as the OpenAPI document says). */
export const PROBLEM_DETAIL_MAX = 10_000;
export const PROBLEM_TEXT_MAX = 2_000;
export const PROBLEM_ERRORS_MAX = 1_000;

const cut = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

export function sendProblem(res: Response, status: number, code: string, title: string, detail: string, errors?: ProblemDetail[]) {
  const listed = errors?.slice(0, PROBLEM_ERRORS_MAX).map((e) => ({ ...e, message: cut(e.message, PROBLEM_TEXT_MAX), ...(e.path !== undefined ? { path: cut(e.path, PROBLEM_TEXT_MAX) } : {}) }));
  res
    .status(status)
    .type('application/problem+json')
    .send(JSON.stringify({ type: `${PROBLEM_TYPE_BASE}${code}`, title, status, detail: cut(detail, PROBLEM_DETAIL_MAX), code, ...(listed ? { errors: listed } : {}), instance: cut(res.req.originalUrl, 2000) }));
}

/**
 * The one place errors become responses: user errors as RFC 9457 problem+json with their
 * status; body-parser failures (bad JSON, too large) as 400/413; a lost database connection
 * as 503 with Retry-After (the request can be sent again); anything else a logged 500.
 */
export function problemMiddleware(log: (message: string, context: Record<string, unknown>) => void): ErrorRequestHandler {
  return (err, req, res, _next) => {
    if (err instanceof ProblemError) return sendProblem(res, err.status, err.code, err.title, err.message, err.errors);
    if (err instanceof VersionConflict) return sendProblem(res, 409, 'version-conflict', 'Conflict', `${err.message}; retry the request`);
    if (err?.type === 'entity.parse.failed') {
      return sendProblem(res, 400, 'malformed-json', 'Malformed JSON', `The request body is not valid JSON: ${err.message}`);
    }
    if (err?.type === 'entity.too.large') {
      return sendProblem(res, 413, 'body-too-large', 'Content too large', `The request body is ${err.length} bytes; the limit is ${err.limit} bytes`);
    }
    if (err?.code === '23503') {
      return sendProblem(res, 422, 'reference-missing', 'Unprocessable content', `A referenced record does not exist: ${err.detail ?? err.message}`);
    }
    if (err?.type === 'encoding.unsupported' || err?.type === 'charset.unsupported') {
      return sendProblem(res, 415, 'unsupported-encoding', 'Unsupported media type', err.message);
    }
    if (isConnectionLoss(err)) {
      log('database connection lost during a request', { method: req.method, url: req.originalUrl, error: String(err?.message ?? err) });
      res.set('Retry-After', String(CONNECTION_LOSS_RETRY_AFTER));
      return sendProblem(res, 503, 'database-unavailable', 'Service unavailable', `The database connection was lost while answering (${err?.message ?? err}); retry in ${CONNECTION_LOSS_RETRY_AFTER} seconds`);
    }
    log('unexpected error', { method: req.method, url: req.originalUrl, error: err instanceof Error ? err.stack : String(err) });
    sendProblem(res, 500, 'internal', 'Internal server error', 'Something went wrong on our side; it has been logged');
  };
}
