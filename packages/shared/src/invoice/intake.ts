import type { Invoice } from './invoice.js';

/**
 * Stable codes for what can be wrong with an incoming document. `xml.*` is about the bytes,
 * `ubl.*` / `cii.*` about the XML content, `x12.*` and `edifact.*` about EDI interchanges
 * (`syntax`: separators, envelopes, control counts), `schema` about the canonical invoice
 * built from it.
 */
export type IntakeProblemCode =
  | 'xml.tooLarge'
  | 'xml.doctype'
  | 'xml.malformed'
  | 'ubl.notInvoice'
  | 'ubl.missing'
  | 'ubl.invalid'
  | 'cii.notInvoice'
  | 'cii.missing'
  | 'cii.invalid'
  | 'x12.tooLarge'
  | 'x12.syntax'
  | 'x12.notInvoice'
  | 'x12.missing'
  | 'x12.invalid'
  | 'edifact.tooLarge'
  | 'edifact.syntax'
  | 'edifact.notInvoice'
  | 'edifact.missing'
  | 'edifact.invalid'
  | 'email.tooLarge'
  | 'email.malformed'
  | 'schema';

/**
 * One reason a document was refused. `path` names the element, with the conventional UBL
 * prefixes whatever the document used, e.g. `Invoice/cac:LegalMonetaryTotal/cbc:PayableAmount`;
 * `(document)` when the problem is the document as a whole.
 */
export interface IntakeProblem {
  path: string;
  message: string;
  code: IntakeProblemCode;
}

/**
 * The outcome of reading one incoming document: a schema-valid canonical invoice plus notes
 * about anything surprising (kept as stated), or the problems that stopped it.
 */
export type IntakeResult = { ok: true; invoice: Invoice; warnings: string[] } | { ok: false; problems: IntakeProblem[] };
