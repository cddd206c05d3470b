import { Type, type Static } from '@sinclair/typebox';
import { Id, List, Nullable, OneOf, OpenObject, Text, Timestamp } from './wire.js';

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
