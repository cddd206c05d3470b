import { amountFromText, type Amount } from './decimal.js';
import type { IntakeProblem, IntakeResult } from './intake.js';
import { parseInvoice, type InvoiceLine } from './invoice.js';
import { omitUndefined } from './omitUndefined.js';
import { taxPointFrom } from './taxPoint.js';
import { DEFAULT_MAX_XML_BYTES, parseXmlSafely } from './safeXml.js';
import { readCiiAllowanceCharges, readCiiBankAccount, readCiiDate, readCiiLine, readCiiTaxPoint, readCiiParty, readCiiTaxBreakdown } from './ciiParts.js';
import { documentTotalsWarnings, type TotalNames } from './ublChecks.js';
import { createUblReader, type UblNode, type UblReader } from './ublReader.js';

export interface CiiIntakeOptions {
  /** Refuse documents larger than this many bytes of UTF-8. Default 5 MiB. */
  maxBytes?: number;
}

/** The namespace of the CII D16B root (`rsm:`). */
export const CII_NAMESPACE = 'urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100';
const ROOT = 'rsm:CrossIndustryInvoice';
const DOC = 'rsm:ExchangedDocument';
const TRADE = 'rsm:SupplyChainTradeTransaction';
const AGREEMENT = 'ram:ApplicableHeaderTradeAgreement';
const SETTLEMENT = 'ram:ApplicableHeaderTradeSettlement';
const SUMMATION = 'ram:SpecifiedTradeSettlementHeaderMonetarySummation';
const LINE = 'ram:IncludedSupplyChainTradeLineItem';
const CURRENCY = /^[A-Z]{3}$/;
/** UNTDID 1001 codes EN 16931 lists for credit notes; the rest are invoices (380, 384, 389, 751...). */
const CREDIT_NOTE_CODES = new Set(['81', '83', '261', '262', '296', '308', '381', '396', '420', '458', '532']);

const CII_TOTAL_NAMES: TotalNames = {
  total: `${TRADE}/${SETTLEMENT}/${SUMMATION}`,
  lineNetTotal: 'ram:LineTotalAmount',
  allowanceTotal: 'ram:AllowanceTotalAmount',
  chargeTotal: 'ram:ChargeTotalAmount',
  netTotal: 'ram:TaxBasisTotalAmount',
  taxTotal: `${TRADE}/${SETTLEMENT}/${SUMMATION}/ram:TaxTotalAmount`,
  grossTotal: 'ram:GrandTotalAmount',
  payable: 'ram:DuePayableAmount',
};

/** Where each canonical header field comes from, to name the element when the schema objects. */
const HEADER_SOURCES: Record<string, string> = {
  '/invoiceNumber': `${DOC}/ram:ID`,
  '/issueDate': `${DOC}/ram:IssueDateTime/udt:DateTimeString`,
  '/taxPointDate': `${TRADE}/${SETTLEMENT}/ram:ApplicableTradeTax/ram:TaxPointDate/udt:DateString`,
  '/dueDate': `${TRADE}/${SETTLEMENT}/ram:SpecifiedTradePaymentTerms/ram:DueDateDateTime/udt:DateTimeString`,
  '/currency': `${TRADE}/${SETTLEMENT}/ram:InvoiceCurrencyCode`,
  '/taxCurrency': `${TRADE}/${SETTLEMENT}/ram:TaxCurrencyCode`,
  '/typeCode': `${DOC}/ram:TypeCode`,
  '/buyerReference': `${TRADE}/${AGREEMENT}/ram:BuyerReference`,
  '/poNumber': `${TRADE}/${AGREEMENT}/ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID`,
  '/salesOrderId': `${TRADE}/${AGREEMENT}/ram:SellerOrderReferencedDocument/ram:IssuerAssignedID`,
  '/precedingInvoiceNumber': `${TRADE}/${SETTLEMENT}/ram:InvoiceReferencedDocument/ram:IssuerAssignedID`,
  '/supplier/name': `${TRADE}/${AGREEMENT}/ram:SellerTradeParty/ram:Name`,
  '/supplier/id': `${TRADE}/${AGREEMENT}/ram:SellerTradeParty/ram:ID`,
  '/supplier/taxId': `${TRADE}/${AGREEMENT}/ram:SellerTradeParty/ram:SpecifiedTaxRegistration/ram:ID`,
  '/supplier/bankAccount': `${TRADE}/${SETTLEMENT}/ram:SpecifiedTradeSettlementPaymentMeans/ram:PayeePartyCreditorFinancialAccount/ram:IBANID`,
  '/buyer/name': `${TRADE}/${AGREEMENT}/ram:BuyerTradeParty/ram:Name`,
  '/buyer/id': `${TRADE}/${AGREEMENT}/ram:BuyerTradeParty/ram:ID`,
  '/buyer/taxId': `${TRADE}/${AGREEMENT}/ram:BuyerTradeParty/ram:SpecifiedTaxRegistration/ram:ID`,
  '/lines': `${TRADE}/${LINE}`,
};
const LINE_SOURCES: Record<string, string> = {
  '/lineId': 'ram:AssociatedDocumentLineDocument/ram:LineID',
  '/description': 'ram:SpecifiedTradeProduct/ram:Name',
  '/unitCode': 'ram:SpecifiedLineTradeDelivery/ram:BilledQuantity/@unitCode',
  '/poLineRef': 'ram:SpecifiedLineTradeAgreement/ram:BuyerOrderReferencedDocument/ram:LineID',
  '/taxCategory': 'ram:SpecifiedLineTradeSettlement/ram:ApplicableTradeTax/ram:CategoryCode',
};

function ciiPathFor(pointer: string): string {
  const line = /^\/lines\/(\d+)(\/.*)?$/.exec(pointer);
  if (line) {
    const inner = line[2] ? LINE_SOURCES[line[2]] : undefined;
    return `${ROOT}/${TRADE}/${LINE}[${Number(line[1]) + 1}]${inner ? `/${inner}` : ''}`;
  }
  const source = HEADER_SOURCES[pointer];
  return source ? `${ROOT}/${source}` : `${ROOT} (canonical ${pointer})`;
}

/**
 * The tax total in the document currency. A document that also accounts VAT in a second
 * currency (BT-6) states ram:TaxTotalAmount twice, told apart by currencyID.
 */
function pickTaxTotals(r: UblReader, summation: UblNode | undefined, currency: string, taxCurrency: string | undefined) {
  const all = r.many(summation, 'ram:TaxTotalAmount');
  const main = all.find((t) => r.attribute(t, 'currencyID') === currency) ?? (all.length === 1 && !r.attribute(all[0], 'currencyID') ? all[0] : undefined);
  const other = taxCurrency ? all.find((t) => t !== main && r.attribute(t, 'currencyID') === taxCurrency) : undefined;
  return { main, other, count: all.length };
}

function readSummation(r: UblReader, summation: UblNode | undefined, path: string, currency: string) {
  if (!summation) {
    r.missing(path, 'every invoice states its totals (BG-22): line total, tax basis, grand total and due payable amounts.');
    return undefined;
  }
  const req = (name: string, what: string) => r.decimal(summation, [name], { required: `${what} is required in ${SUMMATION}.`, currency });
  const opt = (name: string) => r.decimal(summation, [name], { currency });
  return {
    lineNetTotal: req('ram:LineTotalAmount', 'the sum of line net amounts (BT-106)'),
    netTotal: req('ram:TaxBasisTotalAmount', 'the total without tax (BT-109)'),
    grossTotal: req('ram:GrandTotalAmount', 'the total with tax (BT-112)'),
    payable: req('ram:DuePayableAmount', 'the amount due for payment (BT-115)'),
    allowanceTotal: opt('ram:AllowanceTotalAmount'),
    chargeTotal: opt('ram:ChargeTotalAmount'),
    prepaid: opt('ram:TotalPrepaidAmount'),
    rounding: opt('ram:RoundingAmount'),
  };
}

/**
 * Reads a UN/CEFACT Cross Industry Invoice (CII D16B, the EN 16931 CII syntax, also the XML
 * inside Factur-X / ZUGFeRD) into the canonical {@link Invoice}. Elements are matched by local
 * name, so any namespace prefix works; problem paths use the conventional `rsm:` / `ram:` /
 * `udt:` prefixes. The input is untrusted and goes through the same hardened reader as UBL:
 * DOCTYPE/ENTITY declarations, documents over `maxBytes` and malformed XML are refused first.
 *
 * `netTotal` is TaxBasisTotalAmount, `grossTotal` GrandTotalAmount, `taxTotal` the
 * TaxTotalAmount in the invoice currency, `payableAmount` DuePayableAmount. TypeCode 381 (and
 * the other credit-note codes) gives `documentType: 'creditNote'`, amounts kept as stated.
 * Sums that do not add up come back as warnings.
 *
 * @example
 * const result = parseCiiInvoice(xmlText);
 * if (!result.ok) console.log(result.problems[0].path); // 'rsm:CrossIndustryInvoice/rsm:ExchangedDocument/ram:ID'
 */
export function parseCiiInvoice(xml: string, options: CiiIntakeOptions = {}): IntakeResult {
  const parsed = parseXmlSafely(xml, options.maxBytes ?? DEFAULT_MAX_XML_BYTES);
  if (!parsed.ok) return parsed;
  if (parsed.rootName !== 'CrossIndustryInvoice') {
    const problem: IntakeProblem = {
      path: parsed.rootName,
      code: 'cii.notInvoice',
      message: `The document is a <${parsed.rootName}>, not a UN/CEFACT <rsm:CrossIndustryInvoice>. This intake reads CII D16B invoices and credit notes (EN 16931); a UBL <Invoice> or <CreditNote> goes to the UBL intake.`,
    };
    return { ok: false, problems: [problem] };
  }
  const { reader: r, root } = createUblReader(parsed.root, ROOT, 'cii');
  if (parsed.rootNamespace !== CII_NAMESPACE) {
    r.warn(
      `The root element's namespace is ${parsed.rootNamespace ? `"${parsed.rootNamespace}"` : 'missing'}, not ${CII_NAMESPACE}; elements are read by local name anyway.`,
    );
  }
  const doc = r.one(root, DOC);
  const trade = r.one(root, TRADE);
  if (!doc) r.missing(`${ROOT}/${DOC}`, 'every invoice has an exchanged document header with its number, type and date.');
  if (!trade) r.missing(`${ROOT}/${TRADE}`, 'every invoice has a trade transaction with parties, lines and totals.');
  const agreement = r.one(trade, AGREEMENT);
  const settlement = r.one(trade, SETTLEMENT);
  const at = (...names: string[]) => [ROOT, ...names].join('/');

  const invoiceNumber = doc ? r.requiredText(doc, ['ram:ID'], 'every invoice has a number (BT-1).') : undefined;
  const typeCode = r.text(doc, 'ram:TypeCode');
  if (doc && !typeCode) r.missing(at(DOC, 'ram:TypeCode'), 'every invoice states its type code (BT-3), e.g. 380 invoice or 381 credit note.');
  const documentType = typeCode && CREDIT_NOTE_CODES.has(typeCode) ? 'creditNote' : 'invoice';
  const issueDate = doc ? readCiiDate(r, doc, ['ram:IssueDateTime'], 'every invoice has an issue date (BT-2).') : undefined;
  if (trade && !settlement) r.missing(at(TRADE, SETTLEMENT), 'every invoice states its currency, tax and totals in the header trade settlement.');
  const currency = settlement ? r.requiredText(settlement, ['ram:InvoiceCurrencyCode'], 'every invoice states its currency (BT-5).') : undefined;
  if (currency && !CURRENCY.test(currency))
    r.invalid(at(TRADE, SETTLEMENT, 'ram:InvoiceCurrencyCode'), `"${currency}" is not an ISO 4217 currency code such as EUR.`);
  const money = currency ?? '';
  const rawTaxCurrency = r.text(settlement, 'ram:TaxCurrencyCode');
  const taxCurrency = rawTaxCurrency && rawTaxCurrency !== currency ? rawTaxCurrency : undefined;
  const dueDate = r
    .many(settlement, 'ram:SpecifiedTradePaymentTerms')
    .map((t) => readCiiDate(r, t, ['ram:DueDateDateTime']))
    .find(Boolean);

  const taxPoint = taxPointFrom(readCiiTaxPoint(r, trade, settlement));
  for (const w of taxPoint.warnings) r.warn(w);

  const sellerNode = r.one(agreement, 'ram:SellerTradeParty');
  if (trade && !sellerNode) r.missing(at(TRADE, AGREEMENT, 'ram:SellerTradeParty'), 'every invoice names its seller (BG-4).');
  const supplier = sellerNode && readCiiParty(r, sellerNode, 'seller');
  const buyerNode = r.one(agreement, 'ram:BuyerTradeParty');
  if (trade && !buyerNode) r.warn(`${at(TRADE, AGREEMENT, 'ram:BuyerTradeParty')} is missing; the invoice has no buyer.`);
  const buyer = buyerNode && readCiiParty(r, buyerNode, 'buyer');
  const bankAccount = readCiiBankAccount(r, settlement);

  const lineNodes = r.many(trade, LINE);
  if (trade && lineNodes.length === 0) r.missing(at(TRADE, LINE), 'an invoice needs at least one line (BG-25).');
  const lines = lineNodes.map((node) => readCiiLine(r, node, money));

  const summation = r.one(settlement, SUMMATION);
  const totals = settlement ? readSummation(r, summation, at(TRADE, SETTLEMENT, SUMMATION), money) : undefined;
  const taxTotals = pickTaxTotals(r, summation, money, taxCurrency);
  if (summation && !taxTotals.main) {
    r.missing(
      at(TRADE, SETTLEMENT, SUMMATION, 'ram:TaxTotalAmount'),
      taxTotals.count > 0
        ? `no ram:TaxTotalAmount carries currencyID="${money}" (the invoice currency). Add one in the invoice currency.`
        : 'every invoice states its total tax (BT-110), even when it is 0.',
    );
  }
  const taxTotal = taxTotals.main && readTaxAmount(r, taxTotals.main);
  const taxTotalInTaxCurrency = taxTotals.other && readTaxAmount(r, taxTotals.other);
  const taxBreakdown = readCiiTaxBreakdown(r, settlement, money);
  const allowanceCharges = readCiiAllowanceCharges(r, settlement, money);
  const poNumber = r.text(agreement, 'ram:BuyerOrderReferencedDocument', 'ram:IssuerAssignedID');
  const salesOrderId = r.text(agreement, 'ram:SellerOrderReferencedDocument', 'ram:IssuerAssignedID');
  const preceding = r
    .many(settlement, 'ram:InvoiceReferencedDocument')
    .map((d) => r.text(d, 'ram:IssuerAssignedID'))
    .filter((id): id is string => id !== undefined);
  if (preceding.length > 1)
    r.warn(`The document refers to ${preceding.length} earlier invoices (${preceding.join(', ')}); the first is kept as the preceding invoice.`);

  if (r.problems.length > 0 || !totals || !taxTotal || !supplier || !invoiceNumber || !issueDate || !currency) {
    return { ok: false, problems: r.problems };
  }
  const readLines = lines.filter((l): l is NonNullable<typeof l> => l !== undefined);
  const warnings = [...r.warnings, ...documentTotalsWarnings({ totals, lines: readLines, allowanceCharges, taxTotal, taxBreakdown }, ROOT, CII_TOTAL_NAMES)];

  const draft = omitUndefined({
    documentType,
    invoiceNumber,
    issueDate,
    taxPointDate: taxPoint.taxPointDate,
    dueDate,
    currency,
    supplier: omitUndefined({ ...supplier, bankAccount }),
    buyer,
    poNumber,
    netTotal: totals.netTotal?.text,
    taxTotal: taxTotal.text,
    grossTotal: totals.grossTotal?.text,
    lines: readLines.map((l): InvoiceLine => l.line),
    specification: r.text(root, 'rsm:ExchangedDocumentContext', 'ram:GuidelineSpecifiedDocumentContextParameter', 'ram:ID'),
    typeCode,
    buyerReference: r.text(agreement, 'ram:BuyerReference'),
    salesOrderId,
    precedingInvoiceNumber: preceding[0],
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
        const path = ciiPathFor(p.path);
        return { code: 'schema', path, message: `${path} does not fit the canonical invoice: ${p.message}` };
      }),
    };
  }
  return { ok: true, invoice: checked.invoice, warnings };
}

/** The decimal value of one ram:TaxTotalAmount element (several may share the name). */
function readTaxAmount(r: UblReader, node: UblNode): Amount | undefined {
  const raw = r.text(node);
  const value = raw === undefined ? undefined : amountFromText(raw);
  if (!value) r.invalid(node.path, `is not a decimal number ("${raw ?? ''}"): write digits with a dot as the decimal separator.`);
  return value;
}
