import { Decimal } from 'decimal.js';
import type { ErrorObject } from 'ajv';
import { createAjv, describeAjvError } from '../definition/ajv.js';

/** A decimal amount as text ("1050.00"): money never passes through binary floating point. */
export type DecimalString = string;

export type SourceChannel = 'api' | 'portal' | 'email' | 'edi' | 'ubl' | 'csv';

export interface InvoiceParty {
  id?: string;
  name: string;
  taxId?: string;
  bankAccount?: string;
  country?: string;
}

export interface InvoiceLine {
  lineId?: string;
  description: string;
  quantity: DecimalString;
  unitCode?: string;
  unitPrice: DecimalString;
  netAmount: DecimalString;
  taxRate?: DecimalString;
  taxAmount?: DecimalString;
  /** The PO line this invoice line bills, e.g. "10". */
  poLineRef?: string;
}

/** The canonical invoice every intake format maps to (see DOMAIN.md). */
export interface Invoice {
  documentType: 'invoice' | 'creditNote';
  invoiceNumber: string;
  issueDate: string;
  dueDate?: string;
  currency: string;
  supplier: InvoiceParty;
  buyer?: InvoiceParty;
  poNumber?: string;
  businessUnit?: string;
  netTotal: DecimalString;
  taxTotal: DecimalString;
  grossTotal: DecimalString;
  lines: InvoiceLine[];
}

const decimal = { anyOf: [{ type: 'string', pattern: '^-?\\d+(\\.\\d+)?$' }, { type: 'number' }] };
const party = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: {
    id: { type: 'string', maxLength: 100 },
    name: { type: 'string', minLength: 1, maxLength: 300 },
    taxId: { type: 'string', maxLength: 50 },
    bankAccount: { type: 'string', maxLength: 50 },
    country: { type: 'string', pattern: '^[A-Z]{2}$' },
  },
};

/** JSON Schema of the canonical invoice as posted to the API (amounts as decimal strings or numbers). */
export const invoiceSchema = {
  $id: 'https://exflow.dev/schemas/invoice.json',
  type: 'object',
  additionalProperties: false,
  required: ['invoiceNumber', 'issueDate', 'currency', 'supplier', 'netTotal', 'taxTotal', 'grossTotal', 'lines'],
  properties: {
    documentType: { enum: ['invoice', 'creditNote'] },
    invoiceNumber: { type: 'string', minLength: 1, maxLength: 100 },
    issueDate: { type: 'string', format: 'date' },
    dueDate: { type: 'string', format: 'date' },
    currency: { type: 'string', pattern: '^[A-Z]{3}$' },
    supplier: party,
    buyer: party,
    poNumber: { type: 'string', maxLength: 100 },
    businessUnit: { type: 'string', maxLength: 100 },
    netTotal: decimal,
    taxTotal: decimal,
    grossTotal: decimal,
    lines: {
      type: 'array',
      minItems: 1,
      maxItems: 10000,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['description', 'quantity', 'unitPrice', 'netAmount'],
        properties: {
          lineId: { type: 'string', maxLength: 50 },
          description: { type: 'string', maxLength: 1000 },
          quantity: decimal,
          unitCode: { type: 'string', maxLength: 10 },
          unitPrice: decimal,
          netAmount: decimal,
          taxRate: decimal,
          taxAmount: decimal,
          poLineRef: { type: 'string', maxLength: 50 },
        },
      },
    },
  },
} as const;

let validateInvoice: ReturnType<ReturnType<typeof createAjv>['compile']> | undefined;

export type InvoiceParseResult = { ok: true; invoice: Invoice } | { ok: false; problems: { path: string; message: string }[] };

// A string already matches the schema's decimal pattern and keeps its scale ("1050.00"); a
// number is written out in full, never in exponent form (Decimal#toString gives "1e-7").
const toDecimalString = (v: unknown): DecimalString => (typeof v === 'string' ? v : new Decimal(v as number).toFixed());

/**
 * Checks a canonical JSON invoice and normalises every amount to a decimal string.
 * @example parseInvoice({ invoiceNumber: 'INV-1', ... }) // { ok: true, invoice }
 */
export function parseInvoice(input: unknown): InvoiceParseResult {
  validateInvoice ??= createAjv().compile(invoiceSchema);
  if (!validateInvoice(input)) {
    return { ok: false, problems: (validateInvoice.errors ?? []).map((e: ErrorObject) => describeAjvError(e)) };
  }
  const raw = input as Record<string, any>;
  const invoice: Invoice = {
    ...(raw as Invoice),
    documentType: raw.documentType ?? 'invoice',
    netTotal: toDecimalString(raw.netTotal),
    taxTotal: toDecimalString(raw.taxTotal),
    grossTotal: toDecimalString(raw.grossTotal),
    lines: raw.lines.map((line: Record<string, unknown>) => ({
      ...line,
      quantity: toDecimalString(line.quantity),
      unitPrice: toDecimalString(line.unitPrice),
      netAmount: toDecimalString(line.netAmount),
      ...(line.taxRate !== undefined ? { taxRate: toDecimalString(line.taxRate) } : {}),
      ...(line.taxAmount !== undefined ? { taxAmount: toDecimalString(line.taxAmount) } : {}),
    })),
  };
  return { ok: true, invoice };
}

const MONEY_FIELDS = ['netTotal', 'taxTotal', 'grossTotal'] as const;
const LINE_NUMBERS = ['quantity', 'unitPrice', 'netAmount', 'taxRate', 'taxAmount'] as const;

/**
 * The invoice as FEEL conditions see it: amounts as numbers, so `invoice.grossTotal > 10000`
 * compares values. Only for routing conditions; services compute with decimals.
 */
export function invoiceForFeel(invoice: Invoice): Record<string, unknown> {
  const view: Record<string, unknown> = { ...invoice };
  for (const f of MONEY_FIELDS) view[f] = Number(invoice[f]);
  view.lines = invoice.lines.map((line) => {
    const out: Record<string, unknown> = { ...line };
    for (const f of LINE_NUMBERS) if (line[f] !== undefined) out[f] = Number(line[f]);
    return out;
  });
  return view;
}
