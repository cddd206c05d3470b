import { Type, type Static } from '@sinclair/typebox';
import { Count, Id, List, Nullable, OneOf, OpenObject, Text, Timestamp } from './wire.js';

/** Credential types: a bearer token, a user name and password (HTTP basic), or a plain secret. */
export const CREDENTIAL_TYPES = ['bearer', 'basic', 'secret'] as const;

/** A credential as the API shows it: never its value. */
export const credentialInfoSchema = Type.Object({
  name: Id(),
  type: OneOf(CREDENTIAL_TYPES),
  description: Nullable(Text(500)),
  keyId: Id('The id of the key that sealed the value (not the key)'),
  createdAt: Timestamp(),
  updatedAt: Timestamp(),
  lastUsedAt: Nullable(Timestamp('When an outbound call last used it')),
});
export type CredentialInfo = Static<typeof credentialInfoSchema>;
export const credentialListSchema = List(credentialInfoSchema, 1000);

/** A tenant's settings of a connector. */
export const connectorSettingsSchema = Type.Object({
  connector: Id(),
  config: OpenObject('The settings, as the connector’s configSchema describes them (e.g. baseUrl)'),
  credential: Nullable(Id('The credential its calls authenticate with')),
  referenceData: OneOf(['loaded', 'live'] as const, 'live: answers that carry reference data (a PO, its receipts) are stored for the checks'),
  updatedAt: Timestamp(),
});

/** A connector as `GET /connectors` shows it: its operations, the tenant's settings and its breaker. */
export const connectorViewSchema = Type.Object({
  name: Id(),
  label: Text(100),
  configSchema: OpenObject('JSON Schema of the settings'),
  credentialTypes: List(OneOf(CREDENTIAL_TYPES), 3),
  operations: List(
    Type.Object({
      name: Id(),
      summary: Text(500),
      writes: Type.Boolean({ description: 'Changes the outside world (sent with Idempotency-Key)' }),
      input: OpenObject('JSON Schema of the input'),
      output: OpenObject('JSON Schema of the answer'),
    }),
    100,
  ),
  settings: Nullable(connectorSettingsSchema),
  breaker: Type.Object({
    state: OneOf(['closed', 'open', 'halfOpen'] as const, 'The circuit breaker of this tenant and connector, in the answering process'),
    openUntil: Nullable(Timestamp('While open: when one trial call may go')),
  }),
});
export const connectorListSchema = List(connectorViewSchema, 100);

const MESSAGE_STATUSES = ['correlating', 'buffered', 'claimed', 'correlated', 'expired'] as const;
const caseStep = Type.Object({ caseId: Id(), nodeId: Id() });

/** `POST /messages`, `POST /cloudevents`: what became of a message (200 delivered or a duplicate, 202 buffered). */
export const messageOutcomeSchema = Type.Object({
  id: Id(),
  status: OneOf(MESSAGE_STATUSES),
  duplicate: Type.Boolean({ description: 'A redelivery of a message already received: nothing was done again' }),
  deliveredTo: List(caseStep, 10_000),
  expiresAt: Timestamp(),
});

/** `GET /messages/:id`: a received message, the cases it reached, when it expires. */
export const messageViewSchema = Type.Object({
  id: Id(),
  source: Text(500),
  messageId: Text(500),
  name: Text(200),
  correlationKey: Text(500),
  payload: Type.Unknown({ description: 'The payload as sent' }),
  status: OneOf(MESSAGE_STATUSES),
  claimedCaseId: Nullable(Id()),
  claimedNodeId: Nullable(Id()),
  deliveredTo: List(caseStep, 10_000),
  receivedAt: Timestamp(),
  expiresAt: Timestamp(),
});

/** A webhook subscription: where events go, which, and whether it is active (never its secret). */
export const webhookSubscriptionSchema = Type.Object({
  id: Id(),
  url: Text(2000),
  eventTypes: List(Id(), 50),
  description: Nullable(Text(500)),
  status: OneOf(['active', 'disabled'] as const),
  disabledReason: Nullable(Text(2000)),
  previousSecretUntil: Nullable(Timestamp('Until when the secret before the last rotation still signs too')),
  createdAt: Timestamp(),
});
export const webhookSubscriptionListSchema = List(webhookSubscriptionSchema, 1000);
/** A subscription with its signing secret: the answer to creating it or rotating its secret, the only time the secret is shown. */
export const webhookSubscriptionWithSecretSchema = Type.Composite([
  webhookSubscriptionSchema,
  Type.Object({ secret: Text(200, 'whsec_…: verify the webhook-signature header with it (shown only now; stored sealed)') }),
]);

/** One delivery of an event to a subscription, with its attempts. */
export const webhookDeliverySchema = Type.Object({
  id: Id(),
  subscriptionId: Id(),
  eventId: Id(),
  eventType: Id(),
  subject: Nullable(Id()),
  data: OpenObject('The event data'),
  occurredAt: Timestamp(),
  status: OneOf(['pending', 'delivered', 'failed', 'cancelled'] as const),
  attempts: Count(),
  nextAttemptAt: Timestamp(),
  lastStatus: Nullable(Type.Integer({ format: 'int32', minimum: 0, maximum: 999, description: 'HTTP status of the last attempt' })),
  lastError: Nullable(Text(10_000)),
  deliveredAt: Nullable(Timestamp()),
});
export const webhookDeliveryListSchema = List(webhookDeliverySchema, 500);
