import { divideExactly, formatDecimal, IntakeDecimal, type Amount } from './decimal.js';
import { omitUndefined } from './omitUndefined.js';
import type { InvoiceAllowanceCharge, InvoiceLine, InvoiceLineAllowanceCharge, InvoiceParty, TaxSubtotal } from './invoice.js';
import type { UblNode, UblReader } from './ublReader.js';

/** What differs between the two UBL document kinds this intake reads. */
export interface UblKind {
  documentType: 'invoice' | 'creditNote';
  namespace: string;
  typeCode: string;
  line: string;
  quantity: string;
}

/** A line as read, with exact values kept for the document's own arithmetic checks. */
export interface ReadLine {
  line: InvoiceLine;
  netAmount: Amount;
}

const COUNTRY = /^[A-Z]{2}$/;
/** xsd:boolean allows 1 and 0 as well, and real documents use them. */
const XSD_BOOLEAN: Record<string, boolean> = { true: true, '1': true, false: false, '0': false };

/**
 * A party (seller or buyer) in canonical form. The legal name (BT-27/BT-44) is preferred over
 * the trading name because master data and duplicate checks key on it; the identifier is the
 * party identification, else the legal registration, else the electronic address.
 */
export function readParty(r: UblReader, party: UblNode, role: 'seller' | 'buyer'): InvoiceParty | undefined {
  const legalName = r.text(party, 'cac:PartyLegalEntity', 'cbc:RegistrationName');
  const name = legalName ?? r.text(party, 'cac:PartyName', 'cbc:Name');
  if (!name) {
    const why =
      role === 'seller'
        ? "the seller's legal name (BT-27) is required. Add cac:PartyLegalEntity/cbc:RegistrationName or cac:PartyName/cbc:Name."
        : "the buyer's legal name (BT-44) is required. Add cac:PartyLegalEntity/cbc:RegistrationName.";
    if (role === 'seller') r.missing(r.pathOf(party, ['cac:PartyLegalEntity', 'cbc:RegistrationName']), why);
    else r.warn(`${r.pathOf(party, ['cac:PartyLegalEntity', 'cbc:RegistrationName'])} is missing, so the buyer is left out.`);
    return undefined;
  }
  const identification = r
    .many(party, 'cac:PartyIdentification')
    .map((p) => r.one(p, 'cbc:ID'))
    .find((id) => id && r.attribute(id, 'schemeID') !== 'SEPA');
  const id = r.text(identification) ?? r.text(party, 'cac:PartyLegalEntity', 'cbc:CompanyID') ?? r.text(party, 'cbc:EndpointID');
  const taxSchemes = r.many(party, 'cac:PartyTaxScheme');
  const vat = taxSchemes.find((s) => r.text(s, 'cac:TaxScheme', 'cbc:ID')?.toUpperCase() === 'VAT') ?? taxSchemes[0];
  const country = r.text(party, 'cac:PostalAddress', 'cac:Country', 'cbc:IdentificationCode');
  if (country && !COUNTRY.test(country)) {
    r.warn(
      `${r.pathOf(party, ['cac:PostalAddress', 'cac:Country', 'cbc:IdentificationCode'])} "${country}" is not an ISO 3166-1 alpha-2 code; the country is left out.`,
    );
  }
  return omitUndefined({
    id,
    name,
    taxId: r.text(vat, 'cbc:CompanyID'),
    country: country && COUNTRY.test(country) ? country : undefined,
  });
}

/** The seller's account to pay into: the first PaymentMeans/PayeeFinancialAccount/ID. */
export function readBankAccount(r: UblReader, root: UblNode): string | undefined {
  const accounts = r
    .many(root, 'cac:PaymentMeans')
    .map((m) => r.text(m, 'cac:PayeeFinancialAccount', 'cbc:ID'))
    .filter((a): a is string => a !== undefined);
  const distinct = [...new Set(accounts)];
  if (distinct.length > 1) {
    r.warn(`The document names ${distinct.length} payee accounts (${distinct.join(', ')}); the first is used as the supplier's bank account.`);
  }
  return distinct[0];
}

/** The VAT breakdown of one TaxTotal. Incomplete subtotals are noted and skipped. */
export function readTaxBreakdown(r: UblReader, taxTotal: UblNode, currency: string): TaxSubtotal[] {
  const rows: TaxSubtotal[] = [];
  for (const sub of r.many(taxTotal, 'cac:TaxSubtotal')) {
    const taxable = r.decimal(sub, ['cbc:TaxableAmount'], { currency });
    const tax = r.decimal(sub, ['cbc:TaxAmount'], { currency });
    if (!taxable || !tax) {
      r.warn(`${sub.path} lacks cbc:TaxableAmount or cbc:TaxAmount and is left out of the tax breakdown.`);
      continue;
    }
    const category = r.one(sub, 'cac:TaxCategory');
    rows.push(
      omitUndefined({
        category: r.text(category, 'cbc:ID'),
        rate: r.decimal(category, ['cbc:Percent'])?.text,
        taxableAmount: taxable.text,
        taxAmount: tax.text,
        exemptionReason: r.text(category, 'cbc:TaxExemptionReason'),
        exemptionReasonCode: r.text(category, 'cbc:TaxExemptionReasonCode'),
      }),
    );
  }
  return rows;
}

/** Document-level allowances and charges (not the ones inside lines or prices). */
export function readAllowanceCharges(r: UblReader, root: UblNode, currency: string): InvoiceAllowanceCharge[] {
  const rows: InvoiceAllowanceCharge[] = [];
  for (const ac of r.many(root, 'cac:AllowanceCharge')) {
    const indicator = XSD_BOOLEAN[r.text(ac, 'cbc:ChargeIndicator') ?? ''];
    const amount = r.decimal(ac, ['cbc:Amount'], { currency });
    if (indicator === undefined || !amount) {
      r.warn(`${ac.path} needs cbc:ChargeIndicator (true or false) and cbc:Amount; it is left out of the allowances and charges.`);
      continue;
    }
    const category = r.one(ac, 'cac:TaxCategory');
    rows.push(
      omitUndefined({
        kind: indicator ? 'charge' : 'allowance',
        amount: amount.text,
        baseAmount: r.decimal(ac, ['cbc:BaseAmount'], { currency })?.text,
        percent: r.decimal(ac, ['cbc:MultiplierFactorNumeric'])?.text,
        reason: r.text(ac, 'cbc:AllowanceChargeReason'),
        reasonCode: r.text(ac, 'cbc:AllowanceChargeReasonCode'),
        taxCategory: r.text(category, 'cbc:ID'),
        taxRate: r.decimal(category, ['cbc:Percent'])?.text,
      }),
    );
  }
  return rows;
}

/** The allowances and charges of one line (BG-27 / BG-28), which its net amount includes. */
function readLineAllowanceCharges(r: UblReader, node: UblNode, currency: string): InvoiceLineAllowanceCharge[] | undefined {
  const rows: InvoiceLineAllowanceCharge[] = [];
  for (const ac of r.many(node, 'cac:AllowanceCharge')) {
    const indicator = XSD_BOOLEAN[r.text(ac, 'cbc:ChargeIndicator') ?? ''];
    const amount = r.decimal(ac, ['cbc:Amount'], { currency });
    if (indicator === undefined || !amount) {
      r.warn(`${ac.path} needs cbc:ChargeIndicator (true or false) and cbc:Amount; it is left out of the line's allowances and charges.`);
      continue;
    }
    rows.push(
      omitUndefined({
        kind: indicator ? 'charge' : 'allowance',
        amount: amount.text,
        reason: r.text(ac, 'cbc:AllowanceChargeReason'),
        reasonCode: r.text(ac, 'cbc:AllowanceChargeReasonCode'),
      }),
    );
  }
  return rows.length > 0 ? rows : undefined;
}

/**
 * One invoice or credit-note line. The unit price is the net price per single unit: UBL states
 * `PriceAmount` per `BaseQuantity` units (default 1), so it is divided down here.
 */
export function readLine(r: UblReader, node: UblNode, kind: UblKind, currency: string): ReadLine | undefined {
  const quantityNode = r.one(node, kind.quantity);
  const quantity = r.decimal(node, [kind.quantity], { required: 'each line states the invoiced quantity (BT-129).' });
  const netAmount = r.decimal(node, ['cbc:LineExtensionAmount'], {
    required: 'each line states its net amount (BT-131).',
    currency,
  });
  const item = r.one(node, 'cac:Item');
  const description = r.text(item, 'cbc:Name') ?? r.text(item, 'cbc:Description');
  if (!description) r.missing(r.pathOf(node, ['cac:Item', 'cbc:Name']), 'each line names the item it bills (BT-153).');
  const price = r.decimal(node, ['cac:Price', 'cbc:PriceAmount'], {
    required: 'each line states the net price of the item (BT-146).',
    currency,
  });
  const base = r.decimal(node, ['cac:Price', 'cbc:BaseQuantity']);
  if (base?.value.isZero()) r.invalid(r.pathOf(node, ['cac:Price', 'cbc:BaseQuantity']), 'is 0: the price must be per a positive number of units.');
  if (!quantity || !netAmount || !description || !price || base?.value.isZero()) return undefined;

  let unitPrice = price.text;
  if (base && !base.value.eq(1)) {
    const { quotient: perUnit, exact } = divideExactly(price.value, base.value);
    if (!exact) {
      r.warn(
        `${node.path}: price ${price.text} per ${base.text} units does not divide exactly; the unit price is rounded to ${IntakeDecimal.precision} significant digits.`,
      );
    }
    unitPrice = formatDecimal(perUnit);
  }
  const taxCategory = r.one(item, 'cac:ClassifiedTaxCategory');
  const line: InvoiceLine = omitUndefined({
    lineId: r.text(node, 'cbc:ID'),
    description,
    quantity: quantity.text,
    unitCode: r.attribute(quantityNode, 'unitCode') || undefined,
    unitPrice,
    netAmount: netAmount.text,
    taxRate: r.decimal(taxCategory, ['cbc:Percent'])?.text,
    taxCategory: r.text(taxCategory, 'cbc:ID'),
    poLineRef: r.text(node, 'cac:OrderLineReference', 'cbc:LineID'),
    priceBaseQuantity: base && !base.value.eq(1) ? base.text : undefined,
    allowanceCharges: readLineAllowanceCharges(r, node, currency),
  });
  return { line, netAmount };
}
