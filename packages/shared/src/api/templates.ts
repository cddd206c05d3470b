import { Type, type Static } from '@sinclair/typebox';
import type { ValidationProblem } from '../definition/types.js';
import { Count, Id, List, Nullable, OneOf, OpenObject, Text, Timestamp } from './wire.js';

const packExpectationSchema = Type.Object({ route: List(Id('A node id'), 1000), status: Id() });

/** `GET /templates`: the template packs this tenant may install, and which of their flow keys it already has. */
export const templateListSchema = List(
  Type.Object({
    name: Id(),
    title: Text(200),
    version: Id(),
    description: Text(4000),
    flows: List(Type.Object({ key: Id(), name: Text(200), description: Nullable(Text(4000)), installed: Type.Boolean() }), 100),
    samples: List(Type.Object({ file: Text(500), flow: Id(), expect: packExpectationSchema, end: Type.Optional(packExpectationSchema) }), 1000),
    referenceData: Type.Object({ suppliers: Count(), purchaseOrders: Count(), goodsReceipts: Count() }),
  }),
  1000,
);
export type TemplatePackView = Static<typeof templateListSchema>[number];

/** `POST /templates/:pack/install`. */
export const templateInstallSchema = Type.Object({
  pack: Id(),
  installed: List(Id('A flow key'), 100),
  skipped: List(Id('A flow key the tenant already had'), 100),
  referenceData: Nullable(Type.Object({ suppliers: Count(), purchaseOrders: Count(), goodsReceipts: Count() })),
  routing: Type.Optional(OneOf(['installed', 'kept'] as const, "installed: the pack's routing table; kept: the tenant had one")),
});
export type TemplateInstall = Static<typeof templateInstallSchema>;

/** `POST /template-packs`. */
export const templatePackCreatedSchema = Type.Object({ name: Id(), version: Count(), flows: List(Id('A flow key'), 100) });

/** `GET /template-packs`: the MSP's packs, every version. */
export const templatePackListSchema = List(
  Type.Object({
    msp: Id('The MSP tenant'),
    name: Id(),
    version: Count(),
    title: Text(200),
    flows: List(Type.Object({ key: Id(), name: Text(200) }), 100),
    createdAt: Timestamp(),
  }),
  10_000,
);

const overrideOutcomeSchema = Type.Object({
  nodeId: Id(),
  status: OneOf(['kept', 'conflict'] as const),
  reason: Type.Optional(OneOf(['node-removed', 'kind-changed', 'base-changed', 'edge-removed', 'not-allowed', 'id-taken', 'bad-step'] as const)),
  paths: List(Text(500), 1000),
  message: Text(2000),
});
const anyJson = (description: string) => Type.Unsafe<unknown>({ description });
const diffSchema = List(
  Type.Object({ nodeId: Id(), path: Text(500), base: anyJson('The base value (null: none)'), override: anyJson('The value in force') }),
  10_000,
);

/** What moving a client's running cases to its upgraded flow did: the dry run's counts, then what apply did. */
const fanOutMigrationSchema = Type.Object({
  migrations: List(Type.Object({ id: Id(), fromVersion: Count() }), 1000),
  total: Count('Running cases on earlier versions when the dry run was made'),
  movable: Count('Cases the dry run said could move'),
  blocked: Count('Cases the dry run said cannot move'),
  moved: Count('Cases moved'),
  skipped: Count('Movable cases left because they moved since the dry run'),
  notMoved: List(
    Type.Object({ caseId: Id(), fromVersion: Count(), status: OneOf(['blocked', 'skipped'] as const), reason: Text(4000) }),
    10_000,
    'Each case that stayed where it was, and why',
  ),
});

/** One flow of the pack in one client. */
const fanOutFlowSchema = Type.Object({
  key: Id(),
  status: OneOf(['installed', 'upgraded', 'unchanged', 'invalid', 'skipped'] as const),
  version: Type.Optional(Count('The version published in the client')),
  overrides: List(overrideOutcomeSchema, 1000),
  message: Type.Optional(Text(2000)),
  problems: Type.Optional(List(OpenObject<ValidationProblem>('A validation problem'), 1000)),
  migration: Type.Optional(fanOutMigrationSchema),
});

/**
 * `POST /template-packs/:name/versions/:version/publish` (202) and `GET /template-fanouts/:id`:
 * the durable fan-out and its per-client report, as far as it has gone.
 */
export const templateFanOutSchema = Type.Object({
  id: Id(),
  pack: Id(),
  version: Count(),
  status: OneOf(['running', 'done', 'failed'] as const),
  createdAt: Timestamp(),
  clients: List(
    Type.Object({
      tenantId: Id(),
      status: OneOf(['pending', 'done', 'failed'] as const),
      attempts: Count(),
      error: Type.Optional(Text(4000)),
      flows: List(fanOutFlowSchema, 100),
    }),
    10_000,
  ),
});
export type TemplateFanOut = Static<typeof templateFanOutSchema>;
export type TemplateFanOutFlow = Static<typeof fanOutFlowSchema>;

/** `GET /template-layers`. */
export const templateLayerListSchema = List(
  Type.Object({
    key: Id(),
    msp: Id(),
    pack: Id(),
    baseVersion: Count(),
    definitionId: Id(),
    overrides: OpenObject('{ nodes: { id: merge patch }, insert?: [{ edge, node }] }'),
    report: List(overrideOutcomeSchema, 1000),
  }),
  10_000,
);

/** A flow of a client that stands on its MSP's base, as `GET /template-layers` lists it. */
export type TemplateLayerSummary = Static<typeof templateLayerListSchema>[number];

/** `GET /template-layers/:key`: base vs override. */
export const templateLayerViewSchema = Type.Object({
  key: Id(),
  msp: Id(),
  pack: Id(),
  baseVersion: Count(),
  extensionPoints: List(Id('An edge id'), 500),
  overrides: OpenObject('{ nodes: { id: merge patch }, insert?: [{ edge, node }] }'),
  report: List(overrideOutcomeSchema, 1000),
  diff: diffSchema,
  base: OpenObject('The base flow'),
  effective: OpenObject('The effective flow: base with the overrides'),
});

export type TemplateLayerView = Static<typeof templateLayerViewSchema>;

/** `PUT /template-layers/:key/overrides`. */
export const templateOverridesSavedSchema = Type.Object({ key: Id(), version: Count(), report: List(overrideOutcomeSchema, 1000), diff: diffSchema });
