/** A field-level detail of a problem: which field, what is wrong. */
export interface ProblemDetail {
  path?: string;
  message: string;
  nodeId?: string;
  edgeId?: string;
  code?: string;
}

/** One entry of the problem catalogue: the HTTP status a code is answered with, its title, and how to fix it. */
export interface ProblemEntry {
  status: number;
  title: string;
  fix: string;
}

/**
 * Every problem code the API answers with, like xyflow's `errorMessages`: one place that says
 * what a code means and how to fix it. Rendered into docs/api.md (`pnpm problems:docs`;
 * test/problemCatalogue.test.ts fails when that page is stale) and served at
 * `GET /api/v1/problems/{code}`, the URL a problem's `type` points at. A code that is not
 * here does not typecheck at a `throw` site.
 */
export const problemCatalogue = {
  // 400
  'bad-request': {
    status: 400,
    title: 'Bad request',
    fix: 'Correct the request as the detail says (a header or query parameter out of range, given twice, or malformed) and send it again.',
  },
  'malformed-json': {
    status: 400,
    title: 'Malformed JSON',
    fix: 'Send a syntactically valid JSON body with Content-Type application/json; the detail names the parser error.',
  },
  // 401, 403
  unauthorized: {
    status: 401,
    title: 'Unauthorized',
    fix: 'Send a valid bearer token: a JWT from POST /api/v1/auth/login or the configured OIDC issuer, or an API key (exf_…) that is not revoked.',
  },
  forbidden: {
    status: 403,
    title: 'Forbidden',
    fix: 'Your roles do not allow this call, or you are not a candidate for the task: ask a tenant admin for the role, or leave the task to someone who may work it.',
  },
  'sod.self-approval': {
    status: 403,
    title: 'Segregation of duties: own invoice',
    fix: 'The person who submitted or last edited the invoice cannot approve it; another approver must complete the approval.',
  },
  'sod.api-key': {
    status: 403,
    title: 'Segregation of duties: API key',
    fix: 'An approval is completed by a person signed in as themselves; sign in instead of using an integration key.',
  },
  'sod.amount-unknown': {
    status: 403,
    title: 'Segregation of duties: amount unknown',
    fix: "The approval amount could not be computed, so limits cannot be checked; fix the approval step's amount expression in the flow.",
  },
  'sod.over-limit': {
    status: 403,
    title: 'Segregation of duties: over your limit',
    fix: "The amount is above your approval limit in the tenant's authority matrix; someone with a higher limit must approve, or a tenant admin raises the limit.",
  },
  'sod.four-eyes': {
    status: 403,
    title: 'Segregation of duties: four eyes',
    fix: 'The amount is above the four-eyes threshold and you already approved; a second, different approver must approve.',
  },
  // 404
  'not-found': {
    status: 404,
    title: 'Not found',
    fix: 'Check the id: it does not exist in your tenant (or was deleted). List the resource to find the right id.',
  },
  'no-such-route': { status: 404, title: 'Not found', fix: 'The method and path match no route; see GET /api/v1/openapi.json for the routes.' },
  'embedded-sign-in-off': {
    status: 404,
    title: 'Not found',
    fix: 'An external OIDC issuer is configured, so the built-in sign-in is off; sign in at that issuer and send its token.',
  },
  // 409
  'version-conflict': { status: 409, title: 'Conflict', fix: 'Another writer changed the case at the same moment; send the request again.' },
  'event-not-accepted': {
    status: 409,
    title: 'Event not accepted',
    fix: 'The case is not at a step that accepts this event (it moved on meanwhile); reload the case and act on its current step. Nothing was changed.',
  },
  'case-closed': {
    status: 409,
    title: 'Case closed',
    fix: 'The case is resolved, rejected, cancelled or failed and accepts no more events; open a new case if work remains.',
  },
  'effect-fenced': {
    status: 409,
    title: 'Effect taken over',
    fix: 'Another worker took over this effect after its lease ran out; nothing to do, that worker reports it. (Internal to the effect workers.)',
  },
  'msp-only': {
    status: 409,
    title: 'Only an MSP can do this',
    fix: 'Template packs are uploaded and published to clients by an MSP tenant; sign in as (or act in) the MSP, not a standalone or client tenant.',
  },
  'task-unavailable': {
    status: 409,
    title: 'Task unavailable',
    fix: 'The task was completed, cancelled or claimed by someone else meanwhile; reload your inbox.',
  },
  'task-not-yours': {
    status: 409,
    title: 'Task not yours',
    fix: 'Only the person holding the task can release or complete it; claim it first, or ask its holder or a lead to reassign it.',
  },
  'selection-changed': {
    status: 409,
    title: 'Selection changed',
    fix: 'A selected task closed or changed hands meanwhile, so nothing was changed; reload the list and select again.',
  },
  'effect-not-retryable': {
    status: 409,
    title: 'Not retryable',
    fix: 'Only an open incident at the step where the case waits can be retried; reload the incidents.',
  },
  'migration-batch-state': {
    status: 409,
    title: 'Conflict',
    fix: "Apply a batch that is pending, roll back one that is applied (GET /definitions/{id}/migrations/{mid} shows each batch's status).",
  },
  'definition-published': {
    status: 409,
    title: 'Definition published',
    fix: 'A definition with published versions cannot be deleted (running cases use them); retire it instead.',
  },
  'definition-key-taken': {
    status: 409,
    title: 'Key taken',
    fix: 'Another definition of the tenant already has this key; choose another key or update that definition.',
  },
  // 413, 415
  'body-too-large': {
    status: 413,
    title: 'Content too large',
    fix: 'Send a smaller body: the limit is EXFLOW_BODY_LIMIT for JSON and the route’s own limit for XML and CSV.',
  },
  'attachment-too-large': {
    status: 413,
    title: 'Content too large',
    fix: 'The file is larger than EXFLOW_ATTACHMENT_MAX_BYTES; send a smaller file or ask the operator to raise the limit.',
  },
  'unsupported-media-type': {
    status: 415,
    title: 'Unsupported media type',
    fix: 'Send the body with one of the Content-Types the route names (the detail lists them).',
  },
  'unsupported-encoding': {
    status: 415,
    title: 'Unsupported media type',
    fix: 'Send the body in UTF-8 (or another charset the parser knows) without an unknown Content-Encoding.',
  },
  'attachment-type-refused': {
    status: 415,
    title: 'Unsupported media type',
    fix: 'Attach a file of an accepted type (PDF, images, text, office documents as the detail lists).',
  },
  // 422: the request is well-formed but wrong
  'invalid-body': {
    status: 422,
    title: 'Unprocessable content',
    fix: 'Correct each field named in errors[].path to match the request schema in the OpenAPI document.',
  },
  'missing-body': { status: 422, title: 'Unprocessable content', fix: 'Send the body the route expects; it was empty.' },
  'invalid-query': {
    status: 422,
    title: 'Unprocessable content',
    fix: 'Correct the query parameter named in errors[].path (its allowed values are in the detail and the OpenAPI document).',
  },
  'invalid-filter': { status: 422, title: 'Unprocessable content', fix: 'Use one of the values the detail lists for the filter.' },
  'invalid-parameter': {
    status: 422,
    title: 'Unprocessable content',
    fix: 'Correct the path or query parameter named in errors[].path (too long, or not of the expected form).',
  },
  'nul-character': {
    status: 422,
    title: 'Unprocessable content',
    fix: 'Remove the NUL character (\\u0000) from the field named in errors[].path; the database cannot store it.',
  },
  'invalid-unicode': { status: 422, title: 'Unprocessable content', fix: 'Send valid UTF-16 text: the field named in errors[].path has a lone surrogate.' },
  'json-too-deep': { status: 422, title: 'Unprocessable content', fix: 'Flatten the JSON: it nests deeper than 64 levels at errors[].path.' },
  'non-finite-number': { status: 422, title: 'Unprocessable content', fix: 'Send a finite number at errors[].path (JSON cannot carry Infinity or NaN).' },
  'reference-missing': {
    status: 422,
    title: 'Unprocessable content',
    fix: 'A record the request refers to does not exist; create it first or correct the reference.',
  },
  'invalid-event': {
    status: 422,
    title: 'Unprocessable content',
    fix: 'Give the event the fields it needs (named in errors[].path), e.g. text for case.comment, reason for case.cancel.',
  },
  'invalid-form': { status: 422, title: 'Unprocessable content', fix: "Fill in the task's form as its schema asks; errors[].path names each field." },
  'unknown-outcome': { status: 422, title: 'Unprocessable content', fix: 'Complete the task with one of its outcomes (GET /tasks/{id} lists them).' },
  'unknown-task': { status: 422, title: 'Unprocessable content', fix: 'A task id in the request does not exist or is not yours to change; reload the list.' },
  'unknown-assignee': { status: 422, title: 'Unprocessable content', fix: 'Choose a person of your tenant (GET /team lists them).' },
  'assignee-not-candidate': { status: 422, title: 'Unprocessable content', fix: "Choose a person who holds one of the task's candidate roles." },
  'unknown-mention': { status: 422, title: 'Unprocessable content', fix: 'Mention only people of your tenant (GET /team lists them).' },
  'invalid-selection': { status: 422, title: 'Unprocessable content', fix: 'Select at least one task, each once, within the limit the detail gives.' },
  'unknown-definition': {
    status: 422,
    title: 'Unprocessable content',
    fix: 'Name a published definition by its key (GET /definitions lists them), or publish it first.',
  },
  'migration-versions': {
    status: 422,
    title: 'Unprocessable content',
    fix: 'Give two different published versions of the flow: /fromVersion, the one the cases run on, and /toVersion, the one they move to.',
  },
  'migration-mapping': {
    status: 422,
    title: 'Unprocessable content',
    fix: 'Map each step of the source version (the key) to a step of the target version (the value); errors[].path names each pair that names an unknown step.',
  },
  'replay-period': { status: 422, title: 'Unprocessable content', fix: 'Give a replay period whose /to is after its /from (ISO 8601 date-times).' },
  'invalid-cloudevent': {
    status: 422,
    title: 'Unprocessable content',
    fix: 'Send a CloudEvents 1.0 event with id, source, type, specversion "1.0" and the correlationkey extension; errors[].path names the attribute.',
  },
  'definition-invalid': {
    status: 422,
    title: 'Unprocessable content',
    fix: 'Fix the problems listed in errors[] (each names its node or edge), then publish again; POST /definitions/validate checks a draft.',
  },
  'template-pack-invalid': {
    status: 422,
    title: 'Unprocessable content',
    fix: 'Fix the flows named in errors[].path (/flows/i/...), each as POST /definitions/validate checks it, then upload the pack again.',
  },
  'template-override-invalid': {
    status: 422,
    title: 'Unprocessable content',
    fix: 'Override only steps the base has, with values that keep the flow valid; errors[].path names the step (/nodes/id).',
  },
  'invalid-bpmn': {
    status: 422,
    title: 'Unprocessable content',
    fix: 'Send BPMN 2.0 XML (a <definitions> with a <process>); errors[].path names the element where reading stopped, with its line and column.',
  },
  'definition-key-changed': {
    status: 422,
    title: 'Unprocessable content',
    fix: "Keep the definition's key: a key cannot change once created; create a new definition for a new key.",
  },
  'invalid-invoice': {
    status: 422,
    title: 'Unprocessable content',
    fix: 'Correct the invoice fields named in errors[].path to match the canonical invoice schema.',
  },
  'idempotency-key-reused': {
    status: 422,
    title: 'Unprocessable content',
    fix: 'An Idempotency-Key identifies one request; use a new key for a different body.',
  },
  'invalid-ubl': { status: 422, title: 'Unprocessable content', fix: 'Send a UBL 2.1 Invoice; errors[].path names each element that is missing or wrong.' },
  'cii-sent-to-ubl': { status: 422, title: 'Unprocessable content', fix: 'This is a UN/CEFACT CII document; send it to POST /invoices/cii instead.' },
  'invalid-cii': {
    status: 422,
    title: 'Unprocessable content',
    fix: 'Send a UN/CEFACT Cross Industry Invoice; errors[].path names each element that is missing or wrong.',
  },
  'invalid-x12': {
    status: 422,
    title: 'Unprocessable content',
    fix: 'Send one ANSI X12 810 transaction set with matching envelope counts; errors[].path names the segment or element.',
  },
  'invalid-edifact': {
    status: 422,
    title: 'Unprocessable content',
    fix: 'Send one UN/EDIFACT INVOIC D96A message with matching counts and references; errors[].path names the segment.',
  },
  'invalid-csv': {
    status: 422,
    title: 'Unprocessable content',
    fix: 'Correct the CSV rows and columns named in errors[] (header names, required columns, number formats).',
  },
  'invalid-email': { status: 422, title: 'Unprocessable content', fix: 'Send a complete RFC 5322 message (message/rfc822).' },
  'no-invoice-in-email': { status: 422, title: 'Unprocessable content', fix: 'Attach the invoice to the e-mail as UBL, CII or JSON.' },
  'empty-attachment': { status: 422, title: 'Unprocessable content', fix: 'Send a file with content; it was empty.' },
  'attachment-content-mismatch': {
    status: 422,
    title: 'Unprocessable content',
    fix: 'The file content does not match its Content-Type; send it with its real type.',
  },
  'invalid-routing': {
    status: 422,
    title: 'Unprocessable content',
    fix: 'Correct the routing table as errors[] says (each rule names a finding kind and a published flow).',
  },
  'policy-not-overridable': {
    status: 422,
    title: 'Unprocessable content',
    fix: 'Your MSP fixes this policy; leave it out, or ask the MSP to allow overriding it.',
  },
  'egress-entry-invalid': { status: 422, title: 'Unprocessable content', fix: 'Give each egress allow-list entry as a host name or an IP range (CIDR).' },
  'disable-self': { status: 422, title: 'Unprocessable content', fix: 'You cannot disable your own account; ask another tenant admin.' },
  'delegation.self': { status: 422, title: 'Delegation refused', fix: 'Delegate to someone other than yourself.' },
  'delegation.period': { status: 422, title: 'Delegation refused', fix: 'Give a period that ends after it starts and is not already over.' },
  'delegation.unknown-user': { status: 422, title: 'Delegation refused', fix: 'Delegate to a person of your tenant (GET /team lists them).' },
  'delegation.conflict': {
    status: 422,
    title: 'Delegation refused',
    fix: 'Delegate to someone with an approving role; auditors stay independent and integrations do not approve.',
  },
  'delegation.loop': {
    status: 422,
    title: 'Delegation refused',
    fix: 'The delegate already delegates back to you in that period; choose someone else or change that delegation.',
  },
  'delegation.chain': { status: 422, title: 'Delegation refused', fix: 'The delegate is away in that period; choose someone who is present.' },
  'delegation.overlap': { status: 422, title: 'Delegation refused', fix: 'You already delegate in that period; revoke that delegation first.' },
  // 429, 5xx
  'rate-limited': {
    status: 429,
    title: 'Too many requests',
    fix: 'Wait the seconds Retry-After says, then send again; spread requests or ask the operator about the EXFLOW_RATE_LIMIT_* settings.',
  },
  internal: {
    status: 500,
    title: 'Internal server error',
    fix: 'Something went wrong on the server and was logged with the request; retry later, and report it with the time if it persists.',
  },
  'llm-disabled': {
    status: 503,
    title: 'Language model off',
    fix: 'No language model is configured; an operator sets EXFLOW_LLM_URL (an OpenAI-compatible endpoint), EXFLOW_LLM_MODEL and EXFLOW_LLM_API_KEY.',
  },
  'llm-failed': {
    status: 502,
    title: 'Language model failed',
    fix: 'The language model did not answer usably (refused by the egress policy, an error status or no text); the detail says which. Try again, or ask an operator to check the endpoint.',
  },
  'secrets-key-missing': {
    status: 503,
    title: 'No key to seal secrets',
    fix: 'The operator has not set EXFLOW_SECRETS_KEY (base64 of 32 random bytes, e.g. `openssl rand -base64 32`); credentials and webhook secrets are stored only sealed. Set it and restart, then send again.',
  },
  'database-unavailable': {
    status: 503,
    title: 'Service unavailable',
    fix: 'The database does not answer or the connection was lost; retry after Retry-After seconds.',
  },
} as const satisfies Record<string, ProblemEntry>;

export type ProblemCode = keyof typeof problemCatalogue;

/** The catalogue codes answered with HTTP status `S`. */
export type ProblemCodeWithStatus<S extends number> = { [K in ProblemCode]: (typeof problemCatalogue)[K]['status'] extends S ? K : never }[ProblemCode];

export const isProblemCode = (code: string): code is ProblemCode => Object.hasOwn(problemCatalogue, code);

/**
 * A user error: becomes an RFC 9457 problem+json response with its catalogue status. `code` is
 * stable (clients may switch on it); `detail` says what is wrong in this request.
 */
export class ProblemError extends Error {
  readonly status: number;
  readonly title: string;
  constructor(
    readonly code: ProblemCode,
    detail: string,
    readonly errors?: ProblemDetail[],
  ) {
    super(detail);
    this.name = 'ProblemError';
    this.status = problemCatalogue[code].status;
    this.title = problemCatalogue[code].title;
  }
}

export const badRequest = (detail: string, errors?: ProblemDetail[]) => new ProblemError('bad-request', detail, errors);
export const unprocessable = (code: ProblemCodeWithStatus<422>, detail: string, errors?: ProblemDetail[]) => new ProblemError(code, detail, errors);
export const notFound = (entity: string, id: string) => new ProblemError('not-found', `No ${entity} with id "${id}"`);
export const conflict = (code: ProblemCodeWithStatus<409>, detail: string) => new ProblemError(code, detail);
export const unauthorized = (detail: string) => new ProblemError('unauthorized', detail);
export const forbidden = (detail: string, code: ProblemCodeWithStatus<403> = 'forbidden') => new ProblemError(code, detail);

/**
 * An error of the engine's domain, thrown by the engine and the store and caught by the
 * workers by class. It knows nothing of HTTP: the API's error handler (api/problem.ts) maps
 * its `code` to a status through the catalogue.
 */
export abstract class DomainError extends Error {
  abstract readonly code: ProblemCode;
}

/** Another writer changed the case first; the engine retries on this. */
export class VersionConflict extends DomainError {
  readonly code = 'version-conflict';
  constructor(readonly caseId: string) {
    super(`case ${caseId} changed while this event was being applied`);
    this.name = 'VersionConflict';
  }
}

/** The case is not at a step that accepts the event (or the answer belongs to an earlier visit); nothing changed. */
export class EventNotAccepted extends DomainError {
  readonly code = 'event-not-accepted';
  constructor(
    readonly caseId: string,
    detail: string,
  ) {
    super(detail);
    this.name = 'EventNotAccepted';
  }
}

/** The case is closed (resolved, rejected, cancelled, failed) and accepts no more events. */
export class CaseClosed extends DomainError {
  readonly code = 'case-closed';
  constructor(
    readonly caseId: string,
    readonly caseStatus: string,
  ) {
    super(`Case ${caseId} is ${caseStatus}; it accepts no more events`);
    this.name = 'CaseClosed';
  }
}

/** The effect was taken over by another worker (its lease ran out); this worker's answer is dropped. */
export class EffectFenced extends DomainError {
  readonly code = 'effect-fenced';
  constructor(readonly effectId: string) {
    super(`effect ${effectId} was taken over by another worker`);
    this.name = 'EffectFenced';
  }
}
