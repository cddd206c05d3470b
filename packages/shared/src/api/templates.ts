import { Type, type Static } from '@sinclair/typebox';
import type { ValidationProblem } from '../definition/types.js';
import { Count, Id, List, OneOf, OpenObject, Text, Timestamp } from './wire.js';

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

/** `POST /template-packs/:name/versions/:version/publish`: the per-client report. */
export const templateFanOutSchema = Type.Object({
  pack: Id(),
  version: Count(),
  clients: List(
    Type.Object({
      tenantId: Id(),
      flows: List(
        Type.Object({
          key: Id(),
          status: OneOf(['installed', 'upgraded', 'unchanged', 'invalid', 'skipped'] as const),
          version: Type.Optional(Count()),
          overrides: List(overrideOutcomeSchema, 1000),
          message: Type.Optional(Text(2000)),
          problems: Type.Optional(List(OpenObject<ValidationProblem>('A validation problem'), 1000)),
        }),
        100,
      ),
    }),
    10_000,
  ),
});
export type TemplateFanOut = Static<typeof templateFanOutSchema>;

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

/** `PUT /template-layers/:key/overrides`. */
export const templateOverridesSavedSchema = Type.Object({ key: Id(), version: Count(), report: List(overrideOutcomeSchema, 1000), diff: diffSchema });
