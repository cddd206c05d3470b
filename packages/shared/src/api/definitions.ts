import { Type, type Static } from '@sinclair/typebox';
import type { WorkflowDefinition } from '../definition/types.js';
import { Count, Id, List, Nullable, OpenObject, Text, Timestamp } from './wire.js';

const definitionBody = (description: string) =>
  OpenObject<WorkflowDefinition>(`${description} (a workflow definition, as POST /definitions/validate checks it)`);

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
