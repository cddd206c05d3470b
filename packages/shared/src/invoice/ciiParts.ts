import { divideExactly, formatDecimal, IntakeDecimal, type Amount } from './decimal.js';
import type { InvoiceAllowanceCharge, InvoiceLine, InvoiceLineAllowanceCharge, InvoiceParty, TaxSubtotal } from './invoice.js';
import { omitUndefined } from './omitUndefined.js';
import type { ReadLine } from './ublParts.js';
import type { TaxPointStatement } from './taxPoint.js';
import type { UblNode, UblReader } from './ublReader.js';

const COUNTRY = /^[A-Z]{2}$/;
/** UN/CEFACT date format 102: CCYYMMDD. */
const FORMAT_102 = /^(\d{4})(\d{2})(\d{2})$/;

/**
 * A `udt:DateTimeString` with `format="102"` (CCYYMMDD, the only format EN 16931 CII allows) as
 * an ISO date. Problems name the element.
 */
export function readCiiDate(r: UblReader, node: UblNode | undefined, names: string[], why?: string, element = 'udt:DateTimeString'): string | undefined {
  const path = r.pathOf(node, [...names, element]);
  const el = r.one(node, ...names, element);
  const raw = r.text(el);
  if (raw === undefined) {
    if (why) r.missing(path, why);
    return undefined;
  }
  const format = r.attribute(el, 'format');
  if (format !== undefined && format !== '102') {
    r.invalid(`${path}/@format`, `is "${format}": EN 16931 CII dates use format="102" (CCYYMMDD).`);
    return undefined;
  }
  const m = FORMAT_102.exec(raw);
  const iso = m ? `${m[1]}-${m[2]}-${m[3]}` : undefined;
  const parsed = iso ? new Date(`${iso}T00:00:00Z`) : undefined;
  if (!iso || !parsed || Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== iso) {
    r.invalid(path, `is not a date in format 102 ("${raw}"): write it as CCYYMMDD, e.g. 20240301.`);
    return undefined;
  }
  return iso;
}

/**
 * The tax point (BT-7, `ram:TaxPointDate/udt:DateString`) and its date code (BT-8,
 * `ram:DueDateTypeCode`) from the header VAT breakdown, with the actual delivery date (BT-72)
 * that code 72 points to; the first breakdown row that states either is read.
 */
export function readCiiTaxPoint(r: UblReader, trade: UblNode | undefined, settlement: UblNode | undefined): TaxPointStatement {
  const taxes = r.many(settlement, 'ram:ApplicableTradeTax');
  const withPoint = taxes.find((t) => r.one(t, 'ram:TaxPointDate')) ?? taxes.find((t) => r.text(t, 'ram:DueDateTypeCode'));
  const delivery = r.one(trade, 'ram:ApplicableHeaderTradeDelivery', 'ram:ActualDeliverySupplyChainEvent');
  return {
    taxPointDate: withPoint ? readCiiDate(r, withPoint, ['ram:TaxPointDate'], undefined, 'udt:DateString') : undefined,
    dateCode: r.text(withPoint, 'ram:DueDateTypeCode'),
    deliveryDate: delivery ? readCiiDate(r, delivery, ['ram:OccurrenceDateTime']) : undefined,
    taxPointPath: r.pathOf(withPoint, ['ram:TaxPointDate', 'udt:DateString']),
    dateCodePath: r.pathOf(withPoint, ['ram:DueDateTypeCode']),
  };
}

/**
 * A trade party (seller or buyer). The identifier is the party's own ID, else its global ID,
 * else its legal registration; the tax ID is the VAT registration (schemeID="VA").
 */
export function readCiiParty(r: UblReader, party: UblNode, role: 'seller' | 'buyer'): InvoiceParty | undefined {
  const name = r.text(party, 'ram:Name');
  if (!name) {
    const path = r.pathOf(party, ['ram:Name']);
    if (role === 'seller') r.missing(path, "the seller's name (BT-27) is required.");
    else r.warn(`${path} is missing, so the buyer is left out.`);
    return undefined;
  }
  const registrations = r.many(party, 'ram:SpecifiedTaxRegistration').map((t) => r.one(t, 'ram:ID'));
  const vat = registrations.find((id) => r.attribute(id, 'schemeID') === 'VA') ?? registrations[0];
  const country = r.text(party, 'ram:PostalTradeAddress', 'ram:CountryID');
  if (country && !COUNTRY.test(country)) {
    r.warn(`${r.pathOf(party, ['ram:PostalTradeAddress', 'ram:CountryID'])} "${country}" is not an ISO 3166-1 alpha-2 code; the country is left out.`);
  }
  return omitUndefined({
    id: r.text(party, 'ram:ID') ?? r.text(party, 'ram:GlobalID') ?? r.text(party, 'ram:SpecifiedLegalOrganization', 'ram:ID'),
    name,
    taxId: r.text(vat),
    country: country && COUNTRY.test(country) ? country : undefined,
  });
}

/** The payee account: the first IBAN (else proprietary account ID) among the payment means. */
export function readCiiBankAccount(r: UblReader, settlement: UblNode | undefined): string | undefined {
  const accounts = r
    .many(settlement, 'ram:SpecifiedTradeSettlementPaymentMeans')
    .map((m) => r.text(m, 'ram:PayeePartyCreditorFinancialAccount', 'ram:IBANID') ?? r.text(m, 'ram:PayeePartyCreditorFinancialAccount', 'ram:ProprietaryID'))
    .filter((a): a is string => a !== undefined);
  const distinct = [...new Set(accounts)];
  if (distinct.length > 1) {
    r.warn(`The document names ${distinct.length} payee accounts (${distinct.join(', ')}); the first is used as the supplier's bank account.`);
  }
  return distinct[0];
}

/** The VAT breakdown (BG-23): one ram:ApplicableTradeTax per category and rate. */
export function readCiiTaxBreakdown(r: UblReader, settlement: UblNode | undefined, currency: string): TaxSubtotal[] {
  const rows: TaxSubtotal[] = [];
  for (const tax of r.many(settlement, 'ram:ApplicableTradeTax')) {
    const taxable = r.decimal(tax, ['ram:BasisAmount'], { currency });
    const amount = r.decimal(tax, ['ram:CalculatedAmount'], { currency });
    if (!taxable || !amount) {
      r.warn(`${tax.path} lacks ram:BasisAmount or ram:CalculatedAmount and is left out of the tax breakdown.`);
      continue;
    }
    rows.push(
      omitUndefined({
        category: r.text(tax, 'ram:CategoryCode'),
        rate: r.decimal(tax, ['ram:RateApplicablePercent'])?.text,
        taxableAmount: taxable.text,
        taxAmount: amount.text,
        exemptionReason: r.text(tax, 'ram:ExemptionReason'),
        exemptionReasonCode: r.text(tax, 'ram:ExemptionReasonCode'),
      }),
    );
  }
  return rows;
}

/** Document-level allowances and charges (BG-20, BG-21). */
export function readCiiAllowanceCharges(r: UblReader, settlement: UblNode | undefined, currency: string): InvoiceAllowanceCharge[] {
  const rows: InvoiceAllowanceCharge[] = [];
  for (const ac of r.many(settlement, 'ram:SpecifiedTradeAllowanceCharge')) {
    const indicator = r.text(ac, 'ram:ChargeIndicator', 'udt:Indicator');
    const amount = r.decimal(ac, ['ram:ActualAmount'], { currency });
    if ((indicator !== 'true' && indicator !== 'false') || !amount) {
      r.warn(`${ac.path} needs ram:ChargeIndicator/udt:Indicator (true or false) and ram:ActualAmount; it is left out of the allowances and charges.`);
      continue;
    }
    const tax = r.one(ac, 'ram:CategoryTradeTax');
    rows.push(
      omitUndefined({
        kind: indicator === 'true' ? 'charge' : 'allowance',
        amount: amount.text,
        baseAmount: r.decimal(ac, ['ram:BasisAmount'], { currency })?.text,
        percent: r.decimal(ac, ['ram:CalculationPercent'])?.text,
        reason: r.text(ac, 'ram:Reason'),
        reasonCode: r.text(ac, 'ram:ReasonCode'),
        taxCategory: r.text(tax, 'ram:CategoryCode'),
        taxRate: r.decimal(tax, ['ram:RateApplicablePercent'])?.text,
      }),
    );
  }
  return rows;
}

/** The allowances and charges of one line (BG-27 / BG-28), which its net amount includes. */
function readCiiLineAllowanceCharges(r: UblReader, settlement: UblNode | undefined, currency: string): InvoiceLineAllowanceCharge[] | undefined {
  const rows: InvoiceLineAllowanceCharge[] = [];
  for (const ac of r.many(settlement, 'ram:SpecifiedTradeAllowanceCharge')) {
    const indicator = r.text(ac, 'ram:ChargeIndicator', 'udt:Indicator');
    const amount = r.decimal(ac, ['ram:ActualAmount'], { currency });
    if ((indicator !== 'true' && indicator !== 'false') || !amount) {
      r.warn(`${ac.path} needs ram:ChargeIndicator/udt:Indicator (true or false) and ram:ActualAmount; it is left out of the line's allowances and charges.`);
      continue;
    }
    rows.push(
      omitUndefined({
        kind: indicator === 'true' ? 'charge' : 'allowance',
        amount: amount.text,
        reason: r.text(ac, 'ram:Reason'),
        reasonCode: r.text(ac, 'ram:ReasonCode'),
      }),
    );
  }
  return rows.length > 0 ? rows : undefined;
}

/**
 * One ram:IncludedSupplyChainTradeLineItem. The unit price is the net price per single unit:
 * CII states `ChargeAmount` per `BasisQuantity` units (default 1), so it is divided down here.
 */
export function readCiiLine(r: UblReader, node: UblNode, currency: string): ReadLine | undefined {
  const agreement = r.one(node, 'ram:SpecifiedLineTradeAgreement');
  const delivery = r.one(node, 'ram:SpecifiedLineTradeDelivery');
  const settlement = r.one(node, 'ram:SpecifiedLineTradeSettlement');
  const quantity = r.decimal(node, ['ram:SpecifiedLineTradeDelivery', 'ram:BilledQuantity'], { required: 'each line states the invoiced quantity (BT-129).' });
  const netAmount = r.decimal(node, ['ram:SpecifiedLineTradeSettlement', 'ram:SpecifiedTradeSettlementLineMonetarySummation', 'ram:LineTotalAmount'], {
    required: 'each line states its net amount (BT-131).',
    currency,
  });
  const description = r.text(node, 'ram:SpecifiedTradeProduct', 'ram:Name') ?? r.text(node, 'ram:SpecifiedTradeProduct', 'ram:Description');
  if (!description) r.missing(r.pathOf(node, ['ram:SpecifiedTradeProduct', 'ram:Name']), 'each line names the item it bills (BT-153).');
  const priceNames = ['ram:SpecifiedLineTradeAgreement', 'ram:NetPriceProductTradePrice'];
  const price = r.decimal(node, [...priceNames, 'ram:ChargeAmount'], { required: 'each line states the net price of the item (BT-146).' });
  const base = r.decimal(node, [...priceNames, 'ram:BasisQuantity']);
  if (base?.value.isZero()) r.invalid(r.pathOf(node, [...priceNames, 'ram:BasisQuantity']), 'is 0: the price must be per a positive number of units.');
  if (!quantity || !netAmount || !description || !price || base?.value.isZero()) return undefined;

  let unitPrice = price.text;
  if (base && !base.value.eq(1)) {
    const { quotient, exact } = divideExactly(price.value, base.value);
    if (!exact)
      r.warn(
        `${node.path}: price ${price.text} per ${base.text} units does not divide exactly; the unit price is rounded to ${IntakeDecimal.precision} significant digits.`,
      );
    unitPrice = formatDecimal(quotient);
  }
  const tax = r.one(settlement, 'ram:ApplicableTradeTax');
  const line: InvoiceLine = omitUndefined({
    lineId: r.text(node, 'ram:AssociatedDocumentLineDocument', 'ram:LineID'),
    description,
    quantity: quantity.text,
    unitCode: r.attribute(r.one(delivery, 'ram:BilledQuantity'), 'unitCode') || undefined,
    unitPrice,
    netAmount: netAmount.text,
    taxRate: r.decimal(tax, ['ram:RateApplicablePercent'])?.text,
    taxCategory: r.text(tax, 'ram:CategoryCode'),
    poLineRef: r.text(agreement, 'ram:BuyerOrderReferencedDocument', 'ram:LineID'),
    priceBaseQuantity: base && !base.value.eq(1) ? base.text : undefined,
    allowanceCharges: readCiiLineAllowanceCharges(r, settlement, currency),
  });
  return { line, netAmount: netAmount as Amount };
}
