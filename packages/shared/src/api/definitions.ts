import { Type, type Static } from '@sinclair/typebox';
import type { ValidationProblem, WorkflowDefinition } from '../definition/types.js';
import { Count, Id, List, Nullable, OneOf, OpenObject, Text, Timestamp } from './wire.js';

const definitionBody = (description: string) =>
  OpenObject<WorkflowDefinition>(`${description} (a workflow definition, as POST /definitions/validate checks it)`);

/** `POST /definitions/validate`: `validate`'s result (`ValidationResult`). */
export const validationAnswerSchema = Type.Object({
  ok: Type.Boolean({ description: 'No problems other than warnings' }),
  problems: List(OpenObject<ValidationProblem>('A problem: code, message, nodeId or edgeId, path, severity'), 10_000),
});

/** A definition as `GET /definitions` lists it (without its draft). */
export const definitionSummarySchema = Type.Object({
  id: Id(),
  key: Id(),
  name: Text(200),
  draftUpdatedAt: Timestamp(),
  draftUpdatedBy: Nullable(Id()),
  latestVersion: Nullable(Count()),
});
export type DefinitionSummary = Static<typeof definitionSummarySchema>;
/** `GET /definitions`. */
export const definitionListSchema = List(definitionSummarySchema, 10_000);

/** A definition with its draft (`GET /definitions/:id`). */
export const definitionViewSchema = Type.Composite([definitionSummarySchema, Type.Object({ draft: definitionBody('The draft') })]);
export type DefinitionView = Static<typeof definitionViewSchema>;

/** A published version, as `POST /definitions/:id/publish` answers and `GET /definitions/:id/versions` lists it. */
export const versionSummarySchema = Type.Object({
  version: Count(),
  publishedAt: Timestamp(),
  publishedBy: Nullable(Id()),
});
export type VersionSummary = Static<typeof versionSummarySchema>;

/** A published version with its definition and compiled machine (`GET /definitions/:id/versions/:version`). */
export const versionRecordSchema = Type.Composite([
  versionSummarySchema,
  Type.Object({ definition: definitionBody('The definition as published'), compiled: OpenObject<unknown>('The compiled state machine') }),
]);
export type VersionRecord = Static<typeof versionRecordSchema>;

/** The published versions, newest first (`GET /definitions/:id/versions`). */
export const versionListSchema = List(versionSummarySchema, 10_000);

/** An element of an imported BPMN file outside the supported subset, and what the importer did with it. */
export const bpmnUnsupportedSchema = Type.Object({
  id: Id('The BPMN element id'),
  name: Type.Optional(Text(1000)),
  type: Text(200, 'Its BPMN type (bpmn:CallActivity) or vendor extension'),
  handling: OneOf(['placeholder', 'bypassed', 'dropped', 'ignored', 'rewritten'] as const),
  message: Text(2000),
});

/** `POST /definitions/import/bpmn`: the draft created, what was not carried over, and what still stops it from publishing. */
export const bpmnImportResponseSchema = Type.Object({
  definition: definitionViewSchema,
  unsupported: List(bpmnUnsupportedSchema, 10_000),
  problems: List(OpenObject('A validation problem of the draft (as POST /definitions/validate lists them)'), 10_000),
});
export type BpmnImportResponse = Static<typeof bpmnImportResponseSchema>;

const Ms = (description: string) => Nullable(Type.Number({ minimum: 0, maximum: 1e15, description }));
const nodeCounts = (description: string) => Type.Record(Type.String({ maxLength: 200 }), Count(), { description, maxProperties: 4000 });
const flowCounts = Type.Object({ nodes: nodeCounts('Runs through each node, by node id'), edges: nodeCounts('Runs along each edge, by edge id') });
const pathCounts = List(Type.Object({ path: List(Id(), 10_000), cases: Count(), medianMs: Ms('Median duration of the runs that ended') }), 10_000);

/** Where one replayed or original run went (`ReplayRun`). */
const replayRunSchema = Type.Object({
  path: List(Id(), 10_000, 'The nodes in order'),
  edges: List(Id(), 10_000, 'The edges between them'),
  queues: List(Id(), 10_000, 'The queues its tasks opened in'),
  outcome: Nullable(Id('resolved, rejected, cancelled, failed; null when the run stopped before an end')),
  stopped: Type.Optional(Text(2000, 'Why the run stopped before an end')),
  startedAt: Nullable(Timestamp()),
  endedAt: Nullable(Timestamp()),
  durationMs: Ms('From start to end'),
  tasks: List(
    Type.Object({
      nodeId: Id(),
      queue: Id(),
      openedAt: Nullable(Timestamp()),
      dueAt: Nullable(Timestamp('Opened plus the step dueIn under the flow run; null without an SLA')),
      closedAt: Nullable(Timestamp()),
      late: Type.Boolean({ description: 'Closed after its due time' }),
    }),
    10_000,
  ),
});

/**
 * `POST /definitions/:id/replay`: shared's `replayCases` report (`ReplayReport`) for the
 * cases closed in the period, with the version replayed through and the period.
 */
export const replayAnswerSchema = Type.Object({
  version: Type.Union([Count(), Type.Literal('draft')], { description: 'The published version replayed through, or draft' }),
  from: Timestamp(),
  to: Timestamp(),
  total: Count(),
  outcomeDiffers: Count(),
  pathDiffers: Count(),
  queuesDiffer: Count(),
  timesDiffer: Count(),
  stopped: Count(),
  late: Type.Object({ original: Count(), replayed: Count() }, { description: 'Tasks closed after their SLA due time' }),
  paths: Type.Object({ original: pathCounts, replayed: pathCounts }, { description: 'Runs per path, most taken first' }),
  counts: Type.Object({ original: flowCounts, replayed: flowCounts }),
  cases: List(
    Type.Object({
      caseId: Id(),
      original: replayRunSchema,
      replayed: replayRunSchema,
      outcomeDiffers: Type.Boolean(),
      pathDiffers: Type.Boolean(),
      queuesDiffer: Type.Boolean(),
      timesDiffer: Type.Boolean({ description: "The duration, or a task's SLA due time or lateness, differs" }),
    }),
    1000,
  ),
});
export type ReplayAnswer = Static<typeof replayAnswerSchema>;
