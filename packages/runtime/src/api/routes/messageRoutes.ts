import { messageOutcomeSchema, messageViewSchema } from '@exflow/shared';
import type { Role } from '../../auth/roles.js';
import { notFound, ProblemError } from '../../errors.js';
import { messageFromCloudEvent } from '../../integration/cloudEvents.js';
import { receiveMessage, type MessageOutcome } from '../../integration/messages.js';
import { createMessageRepository } from '../../store/messageRepository.js';
import { param } from '../params.js';
import { defineRoutes } from '../route.js';

/** Who may send messages to waiting cases: integration keys, and admins. */
export const MESSAGE_SENDERS: readonly Role[] = ['integration', 'tenant_admin', 'platform_admin'];

const answer = (outcome: MessageOutcome) => ({ status: outcome.duplicate ? 200 : outcome.deliveredTo.length ? 200 : 202, body: outcome });

/**
 * Messages in: cases waiting at a wait-for-message step move on when the message they wait
 * for arrives, as JSON or as a CloudEvent (docs/integration.md).
 */
export const messageRoutes = defineRoutes([
  {
    method: 'post',
    path: '/messages',
    summary: 'Send a message to the cases waiting for it (by name and correlation key); buffered for its TTL when none waits yet',
    tag: 'integration',
    roles: MESSAGE_SENDERS,
    body: {
      type: 'object',
      required: ['name', 'correlationKey'],
      additionalProperties: false,
      properties: {
        name: { type: 'string', minLength: 1, maxLength: 200, description: 'Message name, as the wait-for-message step names it (e.g. goods.received)' },
        correlationKey: { type: 'string', minLength: 1, maxLength: 500, description: 'The value the waiting case is matched on (e.g. its PO number)' },
        payload: { description: "Any JSON; kept on the case as the step's result" },
        id: { type: 'string', minLength: 1, maxLength: 200, description: 'Your id of the message: a second message with the same id is acted on once' },
        ttl: {
          type: 'string',
          minLength: 2,
          maxLength: 40,
          description: 'ISO 8601 duration to buffer it when no case waits yet (default PT1H, at most P30D; PT0S: never buffered)',
        },
      },
    },
    responses: {
      '200': 'Delivered to the waiting cases (deliveredTo), or a duplicate of a message already received (duplicate: true)',
      '202': 'No case waits yet: buffered until expiresAt',
      '422': 'Invalid field',
    },
    responseSchemas: { '200': messageOutcomeSchema, '202': messageOutcomeSchema },
    async handler(req, res, { db, engine, principal }) {
      const body = req.body as { name: string; correlationKey: string; payload?: unknown; id?: string; ttl?: string };
      const { status, body: out } = answer(await receiveMessage(db, engine, principal.tenantId, { ...body, source: 'api' }, principal.userId));
      res.status(status).json(out);
    },
  },
  {
    method: 'post',
    path: '/cloudevents',
    summary:
      'Receive a CloudEvent 1.0 (structured application/cloudevents+json, or binary with ce-* headers and a JSON body) as a message: type is the message name, the correlationkey extension the key',
    tag: 'integration',
    roles: MESSAGE_SENDERS,
    responses: {
      '200': 'Delivered to the waiting cases, or a redelivery of an event already received (same source and id; duplicate: true)',
      '202': 'No case waits yet: buffered until expiresAt (default PT1H; extension messagettl sets it)',
      '415': 'Neither structured nor binary mode, a batch, or a binary body that is not JSON',
      '422': 'Not a valid CloudEvent 1.0, or no correlationkey',
    },
    responseSchemas: { '200': messageOutcomeSchema, '202': messageOutcomeSchema },
    async handler(req, res, { db, engine, principal }) {
      const type = (req.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
      if (req.get('ce-specversion') && type && type !== 'application/json' && !type.endsWith('+json')) {
        throw new ProblemError('unsupported-media-type', `A binary-mode CloudEvent's data must be JSON (Content-Type: application/json); got ${type}`);
      }
      const message = messageFromCloudEvent(req.headers, req.body);
      const { status, body: out } = answer(await receiveMessage(db, engine, principal.tenantId, message, principal.userId));
      res.status(status).json(out);
    },
  },
  {
    method: 'get',
    path: '/messages/:id',
    summary: 'A received message: status (buffered, correlated, expired...), the cases it reached, when it expires',
    tag: 'integration',
    roles: MESSAGE_SENDERS,
    responses: { '200': 'The message', '404': 'No such message' },
    responseSchemas: { '200': messageViewSchema },
    async handler(req, res, { db, principal }) {
      const found = await createMessageRepository(db).get(principal.tenantId, param(req, 'id'));
      if (!found) throw notFound('message', param(req, 'id'));
      res.json(found);
    },
  },
]);
