import { CloudEvent, HTTP, ValidationError } from 'cloudevents';
import { ProblemError, unprocessable } from '../errors.js';
import type { InboundMessage } from './messages.js';

/** The CloudEvents extension attribute that carries a message's correlation value. */
export const CORRELATION_EXTENSION = 'correlationkey';
/** Optional extension attribute: how long to buffer the message when no case waits yet (ISO 8601). */
export const TTL_EXTENSION = 'messagettl';

const STRUCTURED = 'application/cloudevents+json';
const REQUIRED = ['id', 'source', 'type', 'specversion'] as const;
const MAX_ATTRIBUTE = 500;

/**
 * Reads an inbound CloudEvent 1.0, structured (`application/cloudevents+json`) or binary (`ce-*`
 * headers, a JSON body as `data`), with the CNCF SDK, as a message: `type` is the message name,
 * the `correlationkey` extension the correlation value, (`source`, `id`) what makes a redelivery
 * the same message. A missing or invalid attribute is a 422 naming it.
 */
export function messageFromCloudEvent(headers: Record<string, string | string[] | undefined>, body: unknown): InboundMessage {
  const type = String(headers['content-type'] ?? '')
    .split(';')[0]!
    .trim()
    .toLowerCase();
  if (type === 'application/cloudevents-batch+json') {
    throw new ProblemError('unsupported-media-type', 'Batched CloudEvents are not accepted; send one event per request, structured or binary');
  }
  const structured = type === STRUCTURED;
  if (structured && (!body || typeof body !== 'object' || Array.isArray(body))) {
    throw unprocessable('invalid-body', 'A structured CloudEvent is one JSON object', [{ path: '/', message: 'not a JSON object' }]);
  }
  if (!structured && !headers['ce-specversion']) {
    throw new ProblemError('unsupported-media-type', `Send a CloudEvent as ${STRUCTURED} (structured mode) or with ce-* headers (binary mode)`);
  }
  const attribute = (name: string): unknown => (structured ? (body as Record<string, unknown>)[name] : headers[`ce-${name}`]);
  const where = (name: string) => (structured ? `/${name}` : `ce-${name}`);
  // the SDK fills in a missing id (and time): the sender's own id is what deduplicates, so it must be there
  for (const name of [...REQUIRED, CORRELATION_EXTENSION]) {
    const value = attribute(name);
    if (typeof value !== 'string' || value.length === 0 || value.length > MAX_ATTRIBUTE) {
      throw unprocessable(
        'invalid-cloudevent',
        `The CloudEvent has no valid "${name}" attribute (${where(name)}): a string of 1 to ${MAX_ATTRIBUTE} characters${name === CORRELATION_EXTENSION ? ', the value the waiting case is matched on (e.g. its PO number)' : ''}`,
        [{ path: where(name), message: 'missing or not a string of 1 to 500 characters' }],
      );
    }
  }
  if (attribute('specversion') !== '1.0') {
    throw unprocessable('invalid-cloudevent', `specversion "${String(attribute('specversion'))}" is not accepted: send CloudEvents 1.0`, [
      { path: where('specversion'), message: 'must be 1.0' },
    ]);
  }
  let event: CloudEvent<unknown>;
  try {
    const received = HTTP.toEvent({ headers: headers as Record<string, string>, body: body === undefined ? undefined : (body as object) });
    event = (Array.isArray(received) ? received[0] : received) as CloudEvent<unknown>;
  } catch (e) {
    const detail =
      e instanceof ValidationError
        ? `${e.message}${e.errors?.length ? `: ${JSON.stringify(e.errors).slice(0, 300)}` : ''}`
        : String(e instanceof Error ? e.message : e);
    throw unprocessable('invalid-cloudevent', `Not a valid CloudEvent 1.0: ${detail}`, [{ path: structured ? '/' : 'ce-*', message: detail.slice(0, 300) }]);
  }
  if (event.data_base64 !== undefined) {
    throw unprocessable('invalid-cloudevent', 'Binary data (data_base64) is not accepted: send the payload as JSON data', [
      { path: where('data_base64'), message: 'not accepted' },
    ]);
  }
  const ttl = event[TTL_EXTENSION];
  return {
    name: event.type,
    correlationKey: String(event[CORRELATION_EXTENSION]),
    payload: event.data ?? null,
    id: event.id,
    source: event.source,
    ...(typeof ttl === 'string' ? { ttl } : {}),
  };
}
