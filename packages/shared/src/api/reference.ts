import { Type, type Static } from '@sinclair/typebox';
import { Count, Id, List, Text } from './wire.js';

/** `POST /reference/*`: how many rows were stored (inserted or updated). */
export const referenceUpsertedSchema = Type.Object({ upserted: Count() });

/** A row of a CSV file that was not stored: its row (1 = header), column and why. */
export const csvRowErrorSchema = Type.Object({ row: Count(), column: Type.Optional(Id()), message: Text(2000), code: Id() });

/** `POST /reference/*\/csv`: good rows stored, bad rows named, warnings about the file. */
export const referenceCsvResultSchema = Type.Object({
  upserted: Count(),
  errors: List(csvRowErrorSchema, 1_000_000),
  warnings: List(Text(2000), 1000),
});
export type ReferenceCsvAnswer = Static<typeof referenceCsvResultSchema>;
