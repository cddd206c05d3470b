import { Type, type Static } from '@sinclair/typebox';
import { Id, List, Nullable, OneOf, OpenObject, Text, Timestamp } from './wire.js';

/** An API key as its tenant's admins see it (`GET /api-keys`): never its secret. */
export const apiKeyViewSchema = Type.Object({
  id: Id(),
  name: Text(200),
  role: Id(),
  createdBy: Nullable(Id()),
  createdAt: Timestamp(),
  revokedAt: Nullable(Timestamp()),
  lastUsedAt: Nullable(Timestamp()),
});
export type ApiKeyView = Static<typeof apiKeyViewSchema>;
export const apiKeyListSchema = List(apiKeyViewSchema, 10_000);

/** A key just minted (`POST /api-keys`): the only answer that carries the secret. */
export const apiKeyMintedSchema = Type.Object({ id: Id(), name: Text(200), role: Id(), key: Text(500, 'The secret; shown once') });
export type ApiKeyMinted = Static<typeof apiKeyMintedSchema>;

/** `PUT /team/:userId/disabled`. */
export const userDisabledSchema = Type.Object({ id: Id(), disabled: Type.Boolean() });

/** A tenant's brand (`GET`/`PUT /branding`): what its users (or its MSP's clients' users) see. */
export const brandingSchema = Type.Object({
  productName: Text(60),
  logoUrl: Type.Optional(Text(200_000)),
  primaryColor: Type.Optional(Text(20)),
  accentColor: Type.Optional(Text(20)),
  supportEmail: Type.Optional(Text(254)),
  supportUrl: Type.Optional(Text(2000)),
});
export type BrandingView = Static<typeof brandingSchema>;

/** `GET /clients`: an MSP's own tenant and its client tenants. */
export const clientListSchema = Type.Object({
  tenant: Type.Object({ id: Id(), name: Text(200) }),
  clients: List(Type.Object({ id: Id(), name: Text(200) }), 10_000),
});
export type ClientList = Static<typeof clientListSchema>;

/** `GET /policies`: what is in force, what the tenant set, what it inherits and may override. */
export const policiesViewSchema = Type.Object({
  effective: OpenObject('The policies in force'),
  own: OpenObject("The tenant's own settings"),
  inherited: OpenObject("The MSP's settings ({} for a standalone tenant)"),
  overridable: List(Id(), 200, 'Policy keys this tenant may set'),
  ownOverridable: List(Id(), 200, 'Keys an MSP lets its clients override'),
});
export type PoliciesView = Static<typeof policiesViewSchema>;

/** `PUT /policies`: what is in force after the change, and the tenant's own settings. */
export const policiesSavedSchema = Type.Object({ effective: OpenObject('The policies in force'), own: OpenObject("The tenant's own settings") });
export type PoliciesSaved = Static<typeof policiesSavedSchema>;

/** `GET /policies/schema`: the JSON Schema of the policies. */
export const policySchemaSchema = OpenObject('JSON Schema of the tenant policies');

/** A delegation of one's authority to a colleague for a period (`GET /delegations`). */
export const delegationViewSchema = Type.Object({
  id: Id(),
  fromUser: Id(),
  toUser: Id(),
  startsAt: Timestamp(),
  endsAt: Timestamp(),
  revokedAt: Type.Optional(Nullable(Timestamp())),
});
export const delegationListSchema = List(delegationViewSchema, 10_000);

/** A host, IP address or CIDR network the tenant's outgoing calls may reach. */
export const egressAllowEntrySchema = Type.Object({ id: Id(), entry: Text(300), note: Nullable(Text(500)), createdBy: Nullable(Id()), createdAt: Timestamp() });
/** `GET /egress-allow`: the tenant's entries and the operator's (EXFLOW_EGRESS_ALLOW). */
export const egressAllowListSchema = Type.Object({ entries: List(egressAllowEntrySchema, 1000), operator: List(Text(300), 1000) });

/** The routing table in force (`GET /routing`, `PUT /routing`): its rules, who set it, where it comes from. */
export const effectiveRoutingSchema = Type.Object({
  rules: List(
    Type.Object({
      kinds: List(Id('An exception kind'), 50),
      when: Type.Optional(Text(2000, 'A FEEL condition on the finding')),
      flow: Id('The key of the flow to route to'),
      preempt: Type.Optional(Type.Boolean()),
      description: Type.Optional(Text(500)),
    }),
    200,
  ),
  updatedBy: Nullable(Id()),
  updatedAt: Nullable(Timestamp()),
  source: OneOf(['own', 'msp', 'none'] as const),
  ownAllowed: Type.Boolean(),
});
