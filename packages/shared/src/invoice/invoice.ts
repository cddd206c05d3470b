import { Decimal } from 'decimal.js';
import type { ErrorObject } from 'ajv';
import { createAjv, describeAjvError } from '../definition/ajv.js';

/** A decimal amount as text ("1050.00"): money never passes through binary floating point. */
export type DecimalString = string;

/** How an invoice arrived: the API (JSON), the portal, e-mail, EDI, or the XML/CSV/EDI intake that read it. */
export type SourceChannel = 'api' | 'portal' | 'email' | 'edi' | 'ubl' | 'cii' | 'x12' | 'edifact' | 'csv';

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
  /** VAT category code of the line (UNCL5305: S standard, Z zero, E exempt, AE reverse charge, O out of scope, ...). */
  taxCategory?: string;
  /**
   * Set when the document priced the item per more than one unit (UBL `Price/BaseQuantity`,
   * e.g. 100 per 12 pieces); `unitPrice` is then already divided down to one unit.
   */
  priceBaseQuantity?: DecimalString;
  /** Allowances and charges of this line (EN 16931 BG-27 / BG-28): its net amount already includes them. */
  allowanceCharges?: InvoiceLineAllowanceCharge[];
}

/** A line-level allowance or charge (BG-27 / BG-28): lowers or raises the line's net amount. */
export interface InvoiceLineAllowanceCharge {
  kind: 'allowance' | 'charge';
  amount: DecimalString;
  reason?: string;
  reasonCode?: string;
}

/** One row of the VAT breakdown (EN 16931 BG-23): per category and rate. */
export interface TaxSubtotal {
  /** UNCL5305 category code: S, Z, E, AE, K, G, O, L, M. */
  category?: string;
  rate?: DecimalString;
  taxableAmount: DecimalString;
  taxAmount: DecimalString;
  exemptionReason?: string;
  exemptionReasonCode?: string;
}

/** A document-level allowance (discount) or charge (EN 16931 BG-20 / BG-21). */
export interface InvoiceAllowanceCharge {
  kind: 'allowance' | 'charge';
  amount: DecimalString;
  baseAmount?: DecimalString;
  /** Percentage applied to `baseAmount`, e.g. "10" for 10 %. */
  percent?: DecimalString;
  reason?: string;
  reasonCode?: string;
  taxCategory?: string;
  taxRate?: DecimalString;
}

/** The canonical invoice every intake format maps to (see DOMAIN.md). */
export interface Invoice {
  documentType: 'invoice' | 'creditNote';
  invoiceNumber: string;
  issueDate: string;
  /** The date VAT became chargeable (BT-7), when it differs from the issue date; the tax check reads rates on it. */
  taxPointDate?: string;
  dueDate?: string;
  currency: string;
  supplier: InvoiceParty;
  buyer?: InvoiceParty;
  poNumber?: string;
  businessUnit?: string;
  /** Total without tax, after document-level allowances and charges (EN 16931 BT-109). */
  netTotal: DecimalString;
  /** Total tax in the invoice currency (BT-110). */
  taxTotal: DecimalString;
  /** Total with tax (BT-112). */
  grossTotal: DecimalString;
  lines: InvoiceLine[];
  /**
   * The specification the document says it follows (BT-24), e.g. "urn:cen.eu:en16931:2017" (EN
   * 16931 core) or a Peppol BIS 3 customization; decides which line rules apply.
   */
  specification?: string;
  /** Document type code (UNTDID 1001), e.g. "380" commercial invoice, "381" credit note, "384" corrected invoice. */
  typeCode?: string;
  /** The buyer's own reference for routing, e.g. a cost centre or requester code (BT-10). */
  buyerReference?: string;
  /** The seller's sales order the invoice bills (BT-14). */
  salesOrderId?: string;
  /** The earlier invoice this one corrects or credits (BT-25). */
  precedingInvoiceNumber?: string;
  /** Currency in which tax is also accounted when it differs from `currency` (BT-6). */
  taxCurrency?: string;
  /** Total tax in `taxCurrency` (BT-111). */
  taxTotalInTaxCurrency?: DecimalString;
  /** Sum of the line net amounts (BT-106). */
  lineNetTotal?: DecimalString;
  /** Sum of document-level allowances (BT-107). */
  allowanceTotal?: DecimalString;
  /** Sum of document-level charges (BT-108). */
  chargeTotal?: DecimalString;
  /** Amount already paid (BT-113). */
  prepaidAmount?: DecimalString;
  /** Rounding added to reach the payable amount (BT-114). */
  roundingAmount?: DecimalString;
  /** Amount due for payment: gross − prepaid + rounding (BT-115). */
  payableAmount?: DecimalString;
  /** VAT breakdown per category and rate (BG-23). */
  taxBreakdown?: TaxSubtotal[];
  /** Document-level allowances and charges (BG-20, BG-21). */
  allowanceCharges?: InvoiceAllowanceCharge[];
}

const decimal = { anyOf: [{ type: 'string', maxLength: 50, pattern: '^-?\\d+(\\.\\d+)?$' }, { type: 'number' }] };
const party = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: {
    id: { type: 'string', maxLength: 100 },
    name: { type: 'string', minLength: 1, maxLength: 300 },
    taxId: { type: 'string', maxLength: 50 },
    bankAccount: { type: 'string', maxLength: 50 },
    country: { type: 'string', maxLength: 2, pattern: '^[A-Z]{2}$' },
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
    issueDate: { type: 'string', format: 'date', maxLength: 10 },
    taxPointDate: { type: 'string', format: 'date', maxLength: 10 },
    dueDate: { type: 'string', format: 'date', maxLength: 10 },
    currency: { type: 'string', maxLength: 3, pattern: '^[A-Z]{3}$' },
    supplier: party,
    buyer: party,
    poNumber: { type: 'string', maxLength: 100 },
    businessUnit: { type: 'string', maxLength: 100 },
    netTotal: decimal,
    taxTotal: decimal,
    grossTotal: decimal,
    specification: { type: 'string', maxLength: 300 },
    typeCode: { type: 'string', maxLength: 10 },
    buyerReference: { type: 'string', maxLength: 200 },
    salesOrderId: { type: 'string', maxLength: 100 },
    precedingInvoiceNumber: { type: 'string', maxLength: 100 },
    taxCurrency: { type: 'string', maxLength: 3, pattern: '^[A-Z]{3}$' },
    taxTotalInTaxCurrency: decimal,
    lineNetTotal: decimal,
    allowanceTotal: decimal,
    chargeTotal: decimal,
    prepaidAmount: decimal,
    roundingAmount: decimal,
    payableAmount: decimal,
    taxBreakdown: {
      type: 'array',
      maxItems: 1000,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['taxableAmount', 'taxAmount'],
        properties: {
          category: { type: 'string', maxLength: 10 },
          rate: decimal,
          taxableAmount: decimal,
          taxAmount: decimal,
          exemptionReason: { type: 'string', maxLength: 1000 },
          exemptionReasonCode: { type: 'string', maxLength: 100 },
        },
      },
    },
    allowanceCharges: {
      type: 'array',
      maxItems: 1000,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['kind', 'amount'],
        properties: {
          kind: { enum: ['allowance', 'charge'] },
          amount: decimal,
          baseAmount: decimal,
          percent: decimal,
          reason: { type: 'string', maxLength: 1000 },
          reasonCode: { type: 'string', maxLength: 100 },
          taxCategory: { type: 'string', maxLength: 10 },
          taxRate: decimal,
        },
      },
    },
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
          taxCategory: { type: 'string', maxLength: 10 },
          priceBaseQuantity: decimal,
          allowanceCharges: {
            type: 'array',
            maxItems: 100,
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['kind', 'amount'],
              properties: {
                kind: { enum: ['allowance', 'charge'] },
                amount: decimal,
                reason: { type: 'string', maxLength: 1000 },
                reasonCode: { type: 'string', maxLength: 100 },
              },
            },
          },
        },
      },
    },
  },
} as const;

/** UNTDID 1001 codes Peppol BIS 3 lists for credit notes. */
export const CREDIT_NOTE_CODES: ReadonlySet<string> = new Set(['81', '83', '261', '262', '296', '308', '381', '396', '420', '458', '532']);

let validateInvoice: ReturnType<ReturnType<typeof createAjv>['compile']> | undefined;

export type InvoiceParseResult = { ok: true; invoice: Invoice } | { ok: false; problems: { path: string; message: string }[] };

// A string already matches the schema's decimal pattern and keeps its scale ("1050.00"); a
// number is written out in full, never in exponent form (Decimal#toString gives "1e-7").
const toDecimalString = (v: unknown): DecimalString => (typeof v === 'string' ? v : new Decimal(v as number).toFixed());
const optionalDecimals = (raw: Record<string, unknown>, fields: readonly string[]) =>
  Object.fromEntries(fields.filter((f) => raw[f] !== undefined).map((f) => [f, toDecimalString(raw[f])]));

const OPTIONAL_MONEY = ['taxTotalInTaxCurrency', 'lineNetTotal', 'allowanceTotal', 'chargeTotal', 'prepaidAmount', 'roundingAmount', 'payableAmount'] as const;

/**
 * Checks a canonical JSON invoice and normalises every amount to a decimal string.
 * @example parseInvoice({ invoiceNumber: 'INV-1', ... }) // { ok: true, invoice }
 */
export function parseInvoice(input: unknown): InvoiceParseResult {
  validateInvoice ??= createAjv().compile(invoiceSchema);
  if (!validateInvoice(input)) {
    return { ok: false, problems: (validateInvoice.errors ?? []).map((e: ErrorObject) => describeAjvError(e)) };
  }
  // the schema has checked the shape; amounts may still be numbers, which become decimal strings
  type Row = Record<string, unknown>;
  const raw = input as Row & { documentType?: Invoice['documentType']; typeCode?: string; taxBreakdown?: Row[]; allowanceCharges?: Row[]; lines: Row[] };
  const invoice = {
    ...(input as Invoice),
    // without a stated type, a credit-note type code (e.g. 381) makes it a credit note
    documentType: raw.documentType ?? (CREDIT_NOTE_CODES.has(raw.typeCode as string) ? 'creditNote' : 'invoice'),
    netTotal: toDecimalString(raw.netTotal),
    taxTotal: toDecimalString(raw.taxTotal),
    grossTotal: toDecimalString(raw.grossTotal),
    ...optionalDecimals(raw, OPTIONAL_MONEY),
    ...(raw.taxBreakdown ? { taxBreakdown: raw.taxBreakdown.map((t) => ({ ...t, ...optionalDecimals(t, ['rate', 'taxableAmount', 'taxAmount']) })) } : {}),
    ...(raw.allowanceCharges
      ? { allowanceCharges: raw.allowanceCharges.map((a) => ({ ...a, ...optionalDecimals(a, ['amount', 'baseAmount', 'percent', 'taxRate']) })) }
      : {}),
    lines: raw.lines.map((line) => ({
      ...line,
      quantity: toDecimalString(line.quantity),
      unitPrice: toDecimalString(line.unitPrice),
      netAmount: toDecimalString(line.netAmount),
      ...optionalDecimals(line, ['taxRate', 'taxAmount', 'priceBaseQuantity']),
      ...(Array.isArray(line.allowanceCharges)
        ? { allowanceCharges: (line.allowanceCharges as Row[]).map((a) => ({ ...a, ...optionalDecimals(a, ['amount']) })) }
        : {}),
    })),
  } as Invoice;
  return { ok: true, invoice };
}

const MONEY_FIELDS = ['netTotal', 'taxTotal', 'grossTotal', ...OPTIONAL_MONEY] as const;
const LINE_NUMBERS = ['quantity', 'unitPrice', 'netAmount', 'taxRate', 'taxAmount'] as const;

/**
 * The invoice as FEEL conditions see it: amounts as numbers, so `invoice.grossTotal > 10000`
 * compares values. Only for routing conditions; services compute with decimals.
 */
export function invoiceForFeel(invoice: Invoice): Record<string, unknown> {
  const view: Record<string, unknown> = { ...invoice };
  for (const f of MONEY_FIELDS) if (invoice[f] !== undefined) view[f] = Number(invoice[f]);
  view.lines = invoice.lines.map((line) => {
    const out: Record<string, unknown> = { ...line };
    for (const f of LINE_NUMBERS) if (line[f] !== undefined) out[f] = Number(line[f]);
    return out;
  });
  return view;
}
