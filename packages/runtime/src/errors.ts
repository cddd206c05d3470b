/** A field-level detail of a problem: which field, what is wrong. */
export interface ProblemDetail {
  path?: string;
  message: string;
  nodeId?: string;
  edgeId?: string;
  code?: string;
}

/**
 * A user error: becomes an RFC 9457 problem+json response with this status. `code` is stable
 * (clients may switch on it); `detail` says what is wrong and how to fix it.
 */
export class ProblemError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    detail: string,
    readonly errors?: ProblemDetail[],
  ) {
    super(detail);
    this.name = 'ProblemError';
  }
}

export const badRequest = (detail: string, errors?: ProblemDetail[]) => new ProblemError(400, 'bad-request', 'Bad request', detail, errors);
export const unprocessable = (code: string, detail: string, errors?: ProblemDetail[]) =>
  new ProblemError(422, code, 'Unprocessable content', detail, errors);
export const notFound = (entity: string, id: string) => new ProblemError(404, 'not-found', 'Not found', `No ${entity} with id "${id}"`);
export const conflict = (code: string, detail: string) => new ProblemError(409, code, 'Conflict', detail);
export const unauthorized = (detail: string) => new ProblemError(401, 'unauthorized', 'Unauthorized', detail);
export const forbidden = (detail: string) => new ProblemError(403, 'forbidden', 'Forbidden', detail);

/** Another writer changed the case first; the engine retries on this. */
export class VersionConflict extends Error {
  constructor(readonly caseId: string) {
    super(`case ${caseId} changed while this event was being applied`);
  }
}
