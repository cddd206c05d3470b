import type { IntakeProblem, IntakeResult } from './intake.js';
import { CREDIT_NOTE_CODES, parseInvoice, type InvoiceLine } from './invoice.js';
import { DEFAULT_MAX_XML_BYTES, parseXmlSafely } from './safeXml.js';
import { documentTotalsWarnings } from './ublChecks.js';
import { omitUndefined } from './omitUndefined.js';
import { taxPointFrom } from './taxPoint.js';
import { readAllowanceCharges, readBankAccount, readLine, readParty, readTaxBreakdown, type UblKind } from './ublParts.js';
import { createUblReader, type UblNode, type UblReader } from './ublReader.js';

export interface UblIntakeOptions {
  /** Refuse documents larger than this many bytes of UTF-8. Default 5 MiB. */
  maxBytes?: number;
}

const UBL_KINDS: Record<string, UblKind> = {
  Invoice: {
    documentType: 'invoice',
    namespace: 'urn:oasis:names:specification:ubl:schema:xsd:Invoice-2',
    typeCode: 'cbc:InvoiceTypeCode',
    line: 'cac:InvoiceLine',
    quantity: 'cbc:InvoicedQuantity',
  },
  CreditNote: {
    documentType: 'creditNote',
    namespace: 'urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2',
    typeCode: 'cbc:CreditNoteTypeCode',
    line: 'cac:CreditNoteLine',
    quantity: 'cbc:CreditedQuantity',
  },
};

const CURRENCY = /^[A-Z]{3}$/;
/** Peppol: an order reference of "NA" means there is no purchase order, only a sales order. */
const NO_PURCHASE_ORDER = 'NA';

/** Where each canonical header field comes from, to name the element when the schema objects. */
const HEADER_SOURCES: Record<string, string> = {
  '/invoiceNumber': 'cbc:ID',
  '/issueDate': 'cbc:IssueDate',
  '/taxPointDate': 'cbc:TaxPointDate',
  '/dueDate': 'cbc:DueDate',
  '/currency': 'cbc:DocumentCurrencyCode',
  '/taxCurrency': 'cbc:TaxCurrencyCode',
  '/typeCode': 'cbc:InvoiceTypeCode',
  '/buyerReference': 'cbc:BuyerReference',
  '/poNumber': 'cac:OrderReference/cbc:ID',
  '/salesOrderId': 'cac:OrderReference/cbc:SalesOrderID',
  '/precedingInvoiceNumber': 'cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID',
  '/supplier/name': 'cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName',
  '/supplier/id': 'cac:AccountingSupplierParty/cac:Party/cac:PartyIdentification/cbc:ID',
  '/supplier/taxId': 'cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme/cbc:CompanyID',
  '/supplier/bankAccount': 'cac:PaymentMeans/cac:PayeeFinancialAccount/cbc:ID',
  '/buyer/name': 'cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName',
  '/buyer/id': 'cac:AccountingCustomerParty/cac:Party/cac:PartyIdentification/cbc:ID',
  '/buyer/taxId': 'cac:AccountingCustomerParty/cac:Party/cac:PartyTaxScheme/cbc:CompanyID',
  '/lines': 'cac:InvoiceLine',
};
const LINE_SOURCES: Record<string, string> = {
  '/lineId': 'cbc:ID',
  '/description': 'cac:Item/cbc:Name',
  '/unitCode': 'cbc:InvoicedQuantity/@unitCode',
  '/poLineRef': 'cac:OrderLineReference/cbc:LineID',
  '/taxCategory': 'cac:Item/cac:ClassifiedTaxCategory/cbc:ID',
};

function ublPathFor(pointer: string, root: string, kind: UblKind): string {
  const line = /^\/lines\/(\d+)(\/.*)?$/.exec(pointer);
  const swap = (p: string) => p.replace('cbc:InvoicedQuantity', kind.quantity).replace('cbc:InvoiceTypeCode', kind.typeCode);
  if (line) {
    const inner = line[2] ? LINE_SOURCES[line[2]] : undefined;
    return `${root}/${kind.line}[${Number(line[1]) + 1}]${inner ? `/${swap(inner)}` : ''}`;
  }
  const source = HEADER_SOURCES[pointer];
  return source ? `${root}/${swap(source).replace('cac:InvoiceLine', kind.line)}` : `${root} (canonical ${pointer})`;
}

/**
 * The document's tax total in its own currency. A document that also accounts VAT in a second
 * currency (BT-6) carries a second TaxTotal holding only that amount; it is reported apart.
 */
function pickTaxTotals(r: UblReader, root: UblNode, currency: string, taxCurrency: string | undefined) {
  const all = r.many(root, 'cac:TaxTotal');
  const currencyOf = (t: UblNode) => r.attribute(r.one(t, 'cbc:TaxAmount'), 'currencyID');
  const inDocument = all.filter((t) => currencyOf(t) === currency);
  const withBreakdown = (list: UblNode[]) => list.filter((t) => r.many(t, 'cac:TaxSubtotal').length > 0);
  let main = withBreakdown(inDocument)[0] ?? inDocument[0];
  const fallback = all.length === 1 ? all : withBreakdown(all);
  if (!main && fallback.length === 1) {
    main = fallback[0];
    r.warn(`${main?.path}/cbc:TaxAmount is not marked currencyID="${currency}"; it is taken as the tax total in ${currency}.`);
  }
  const other = taxCurrency ? all.find((t) => t !== main && currencyOf(t) === taxCurrency) : undefined;
  return { main, other, count: all.length };
}

/** Totals from LegalMonetaryTotal; the four EN 16931 requires are problems when absent. */
function readMonetaryTotal(r: UblReader, root: UblNode, currency: string) {
  const total = r.one(root, 'cac:LegalMonetaryTotal');
  if (!total) {
    r.missing(`${root.path}/cac:LegalMonetaryTotal`, 'every invoice states its totals (BG-22): line total, tax exclusive, tax inclusive and payable amounts.');
    return undefined;
  }
  const req = (name: string, what: string) => r.decimal(total, [name], { required: `${what} is required in cac:LegalMonetaryTotal.`, currency });
  const opt = (name: string) => r.decimal(total, [name], { currency });
  return {
    lineNetTotal: req('cbc:LineExtensionAmount', 'the sum of line net amounts (BT-106)'),
    netTotal: req('cbc:TaxExclusiveAmount', 'the total without tax (BT-109)'),
    grossTotal: req('cbc:TaxInclusiveAmount', 'the total with tax (BT-112)'),
    payable: req('cbc:PayableAmount', 'the amount due for payment (BT-115)'),
    allowanceTotal: opt('cbc:AllowanceTotalAmount'),
    chargeTotal: opt('cbc:ChargeTotalAmount'),
    prepaid: opt('cbc:PrepaidAmount'),
    rounding: opt('cbc:PayableRoundingAmount'),
  };
}

function readOrderReference(r: UblReader, root: UblNode) {
  const order = r.one(root, 'cac:OrderReference');
  const id = r.text(order, 'cbc:ID');
  if (id === NO_PURCHASE_ORDER) {
    r.warn(`${root.path}/cac:OrderReference/cbc:ID is "NA" (Peppol: no purchase order, only a sales order); the invoice is taken as non-PO.`);
  }
  return { poNumber: id === NO_PURCHASE_ORDER ? undefined : id, salesOrderId: r.text(order, 'cbc:SalesOrderID') };
}

/**
 * Reads a UBL 2.1 Invoice or CreditNote, as exchanged under Peppol BIS Billing 3.0 / EN 16931,
 * into the canonical {@link Invoice}. Elements are matched by local name, so any namespace
 * prefix works. The input is untrusted: DOCTYPE/ENTITY declarations (billion laughs, XXE),
 * documents over `maxBytes` and malformed XML are refused before anything is read.
 *
 * Amounts are kept exactly as the document states them (decimal strings, scale kept), with the
 * document's sign: a credit note's positive amounts stay positive and `documentType` says
 * `'creditNote'`. `netTotal` is TaxExclusiveAmount, `grossTotal` TaxInclusiveAmount,
 * `taxTotal` the TaxTotal in the document currency; `unitPrice` is PriceAmount ÷ BaseQuantity.
 * Sums that do not add up (EN 16931 BR-CO-10 to 16) come back as warnings, not problems.
 *
 * @example
 * const result = parseUblInvoice(xmlText);
 * if (result.ok) console.log(result.invoice.grossTotal, result.warnings);
 * else console.log(result.problems); // [{ path: 'Invoice/cac:LegalMonetaryTotal/cbc:PayableAmount', message: '... is missing: ...', code: 'ubl.missing' }]
 */
export function parseUblInvoice(xml: string, options: UblIntakeOptions = {}): IntakeResult {
  const parsed = parseXmlSafely(xml, options.maxBytes ?? DEFAULT_MAX_XML_BYTES);
  if (!parsed.ok) return parsed;
  const kind = Object.hasOwn(UBL_KINDS, parsed.rootName) ? UBL_KINDS[parsed.rootName] : undefined;
  if (!kind) {
    const problem: IntakeProblem = {
      path: parsed.rootName,
      code: 'ubl.notInvoice',
      message: `The document is a <${parsed.rootName}>, not a UBL <Invoice> or <CreditNote>. This intake reads UBL 2.1 invoices and credit notes (Peppol BIS Billing 3.0 / EN 16931); send other documents to the intake for their kind.`,
    };
    return { ok: false, problems: [problem] };
  }
  const { reader: r, root } = createUblReader(parsed.root, parsed.rootName);
  if (parsed.rootNamespace !== kind.namespace) {
    r.warn(
      `The root element's namespace is ${parsed.rootNamespace ? `"${parsed.rootNamespace}"` : 'missing'}, not ${kind.namespace}; elements are read by local name anyway.`,
    );
  }

  const invoiceNumber = r.requiredText(root, ['cbc:ID'], 'every invoice has a number (BT-1).');
  const issueDate = r.date(root, ['cbc:IssueDate'], 'every invoice has an issue date (BT-2).');
  const currency = r.requiredText(root, ['cbc:DocumentCurrencyCode'], 'every invoice states its currency (BT-5).');
  if (currency && !CURRENCY.test(currency)) r.invalid(`${root.path}/cbc:DocumentCurrencyCode`, `"${currency}" is not an ISO 4217 currency code such as EUR.`);
  const money = currency ?? '';
  const typeCode = r.text(root, kind.typeCode);
  if (typeCode && (kind.documentType === 'creditNote') !== CREDIT_NOTE_CODES.has(typeCode)) {
    r.warn(
      `${root.path}/${kind.typeCode} ${typeCode} is unusual for a ${parsed.rootName}; the document is taken as ${kind.documentType === 'creditNote' ? 'a credit note' : 'an invoice'} from its root element.`,
    );
  }
  const dueDate =
    kind.documentType === 'invoice' && r.text(root, 'cbc:DueDate')
      ? r.date(root, ['cbc:DueDate'])
      : r
          .many(root, 'cac:PaymentMeans')
          .map((m) => r.date(m, ['cbc:PaymentDueDate']))
          .find(Boolean);
  const taxPoint = taxPointFrom({
    taxPointDate: r.date(root, ['cbc:TaxPointDate']),
    dateCode: r.text(root, 'cac:InvoicePeriod', 'cbc:DescriptionCode'),
    deliveryDate: r.date(root, ['cac:Delivery', 'cbc:ActualDeliveryDate']),
    taxPointPath: `${root.path}/cbc:TaxPointDate`,
    dateCodePath: `${root.path}/cac:InvoicePeriod/cbc:DescriptionCode`,
  });
  for (const w of taxPoint.warnings) r.warn(w);
  const rawTaxCurrency = r.text(root, 'cbc:TaxCurrencyCode');
  const taxCurrency = rawTaxCurrency && rawTaxCurrency !== currency ? rawTaxCurrency : undefined;

  const supplierParty = r.one(root, 'cac:AccountingSupplierParty', 'cac:Party');
  if (!supplierParty) r.missing(`${root.path}/cac:AccountingSupplierParty/cac:Party`, 'every invoice names its seller (BG-4).');
  const supplier = supplierParty && readParty(r, supplierParty, 'seller');
  const bankAccount = readBankAccount(r, root);
  const buyerParty = r.one(root, 'cac:AccountingCustomerParty', 'cac:Party');
  if (!buyerParty) r.warn(`${root.path}/cac:AccountingCustomerParty is missing; the invoice has no buyer.`);
  const buyer = buyerParty && readParty(r, buyerParty, 'buyer');

  const lineNodes = r.many(root, kind.line);
  if (lineNodes.length === 0) r.missing(`${root.path}/${kind.line}`, 'an invoice needs at least one line (BG-25).');
  const lines = lineNodes.map((node) => readLine(r, node, kind, money));

  const totals = readMonetaryTotal(r, root, money);
  const taxTotals = pickTaxTotals(r, root, money, taxCurrency);
  if (!taxTotals.main) {
    r.missing(
      `${root.path}/cac:TaxTotal/cbc:TaxAmount`,
      taxTotals.count > 0
        ? `no cac:TaxTotal carries its cbc:TaxAmount in the document currency ${money}. Add one with currencyID="${money}".`
        : 'every invoice states its total tax (BT-110), even when it is 0.',
    );
  }
  const taxTotal = taxTotals.main && r.decimal(taxTotals.main, ['cbc:TaxAmount'], { required: 'the total tax (BT-110) is required.' });
  const taxTotalInTaxCurrency = taxTotals.other && r.decimal(taxTotals.other, ['cbc:TaxAmount'], { currency: taxCurrency });
  const taxBreakdown = taxTotals.main ? readTaxBreakdown(r, taxTotals.main, money) : [];
  const allowanceCharges = readAllowanceCharges(r, root, money);
  const order = readOrderReference(r, root);
  const billing = r
    .many(root, 'cac:BillingReference')
    .map((b) => r.text(b, 'cac:InvoiceDocumentReference', 'cbc:ID'))
    .filter((id): id is string => id !== undefined);
  if (billing.length > 1)
    r.warn(`The document refers to ${billing.length} earlier invoices (${billing.join(', ')}); the first is kept as the preceding invoice.`);

  if (r.problems.length > 0 || !totals || !taxTotal || !supplier || !invoiceNumber || !issueDate || !currency) {
    return { ok: false, problems: r.problems };
  }
  const readLines = lines.filter((l): l is NonNullable<typeof l> => l !== undefined);
  const warnings = [...r.warnings, ...documentTotalsWarnings({ totals, lines: readLines, allowanceCharges, taxTotal, taxBreakdown }, root.path)];

  const draft = omitUndefined({
    documentType: kind.documentType,
    invoiceNumber,
    issueDate,
    taxPointDate: taxPoint.taxPointDate,
    dueDate,
    currency,
    supplier: omitUndefined({ ...supplier, bankAccount }),
    buyer,
    poNumber: order.poNumber,
    netTotal: totals.netTotal?.text,
    taxTotal: taxTotal.text,
    grossTotal: totals.grossTotal?.text,
    lines: readLines.map((l): InvoiceLine => l.line),
    specification: r.text(root, 'cbc:CustomizationID'),
    typeCode,
    buyerReference: r.text(root, 'cbc:BuyerReference'),
    salesOrderId: order.salesOrderId,
    precedingInvoiceNumber: billing[0],
    taxCurrency,
    taxTotalInTaxCurrency: taxTotalInTaxCurrency?.text,
    lineNetTotal: totals.lineNetTotal?.text,
    allowanceTotal: totals.allowanceTotal?.text,
    chargeTotal: totals.chargeTotal?.text,
    prepaidAmount: totals.prepaid?.text,
    roundingAmount: totals.rounding?.text,
    payableAmount: totals.payable?.text,
    taxBreakdown: taxBreakdown.length > 0 ? taxBreakdown : undefined,
    allowanceCharges: allowanceCharges.length > 0 ? allowanceCharges : undefined,
  });
  const checked = parseInvoice(draft);
  if (!checked.ok) {
    return {
      ok: false,
      problems: checked.problems.map((p) => {
        const path = ublPathFor(p.path, root.path, kind);
        return { code: 'schema', path, message: `${path} does not fit the canonical invoice: ${p.message}` };
      }),
    };
  }
  return { ok: true, invoice: checked.invoice, warnings };
}
