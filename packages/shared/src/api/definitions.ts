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
