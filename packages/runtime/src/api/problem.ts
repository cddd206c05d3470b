import type { ErrorRequestHandler, Response } from 'express';
import { DomainError, ProblemError, problemCatalogue, VersionConflict, type ProblemCode, type ProblemDetail } from '../errors.js';
import { isConnectionLoss } from '../store/connectionLoss.js';

/** Seconds a client is asked to wait after the database connection was lost. */
export const CONNECTION_LOSS_RETRY_AFTER = 2;

/** Where a problem's `type` points: `GET /api/v1/problems/{code}` answers with its catalogue entry. */
export const PROBLEM_TYPE_BASE = '/api/v1/problems/';

/** Bounds of a problem's texts and of its errors[] (as the OpenAPI document says). */
export const PROBLEM_DETAIL_MAX = 10_000;
export const PROBLEM_TEXT_MAX = 2_000;
export const PROBLEM_ERRORS_MAX = 1_000;

const cut = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** The dereferenceable URL of a problem code: its catalogue entry, served by the API. */
export const problemTypeUrl = (code: ProblemCode) => `${PROBLEM_TYPE_BASE}${encodeURIComponent(code)}`;

/** Answers with the catalogue entry of `code` (status, title) and this request's `detail`. */
export function sendProblem(res: Response, code: ProblemCode, detail: string, errors?: ProblemDetail[]) {
  const { status, title } = problemCatalogue[code];
  const listed = errors
    ?.slice(0, PROBLEM_ERRORS_MAX)
    .map((e) => ({ ...e, message: cut(e.message, PROBLEM_TEXT_MAX), ...(e.path !== undefined ? { path: cut(e.path, PROBLEM_TEXT_MAX) } : {}) }));
  res
    .status(status)
    .type('application/problem+json')
    .send(
      JSON.stringify({
        type: problemTypeUrl(code),
        title,
        status,
        detail: cut(detail, PROBLEM_DETAIL_MAX),
        code,
        ...(listed ? { errors: listed } : {}),
        instance: cut(res.req.originalUrl, 2000),
      }),
    );
}

/**
 * The one place errors become responses: user errors as RFC 9457 problem+json with their
 * status; body-parser failures (bad JSON, too large) as 400/413; a lost database connection
 * as 503 with Retry-After (the request can be sent again); anything else a logged 500.
 */
export function problemMiddleware(log: (message: string, context: Record<string, unknown>) => void): ErrorRequestHandler {
  return (err, req, res, _next) => {
    if (err instanceof ProblemError) return sendProblem(res, err.code, err.message, err.errors);
    // domain errors meet HTTP here, and only here: the catalogue gives their status
    if (err instanceof VersionConflict) return sendProblem(res, err.code, `${err.message}; retry the request`);
    if (err instanceof DomainError) return sendProblem(res, err.code, err.message);
    if (err?.type === 'entity.parse.failed') {
      return sendProblem(res, 'malformed-json', `The request body is not valid JSON: ${err.message}`);
    }
    if (err?.type === 'entity.too.large') {
      return sendProblem(res, 'body-too-large', `The request body is ${err.length} bytes; the limit is ${err.limit} bytes`);
    }
    if (err?.code === '23503') {
      return sendProblem(res, 'reference-missing', `A referenced record does not exist: ${err.detail ?? err.message}`);
    }
    if (err?.type === 'encoding.unsupported' || err?.type === 'charset.unsupported') {
      return sendProblem(res, 'unsupported-encoding', err.message);
    }
    if (isConnectionLoss(err)) {
      log('database connection lost during a request', { method: req.method, path: req.originalUrl.split('?')[0], error: String(err?.message ?? err) });
      res.set('Retry-After', String(CONNECTION_LOSS_RETRY_AFTER));
      return sendProblem(
        res,
        'database-unavailable',
        `The database connection was lost while answering (${err?.message ?? err}); retry in ${CONNECTION_LOSS_RETRY_AFTER} seconds`,
      );
    }
    log('unexpected error', { method: req.method, path: req.originalUrl.split('?')[0], error: err instanceof Error ? err.stack : String(err) });
    sendProblem(res, 'internal', 'Something went wrong on our side; it has been logged');
  };
}
