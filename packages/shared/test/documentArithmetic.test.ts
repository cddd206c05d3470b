import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseCiiInvoice, parseUblInvoice, taxCheck, type IntakeResult, type Invoice, type TaxRate } from '../src/index.js';

const dataDir = fileURLToPath(new URL('../../../../shared/data/ubl', import.meta.url));
const dataPresent = existsSync(dataDir);
if (!dataPresent) console.warn(`documentArithmetic.test: ${dataDir} is absent; the public UBL example tests are skipped`);
const fixture = (name: string) => readFileSync(fileURLToPath(new URL(`./fixtures/intake/${name}`, import.meta.url)), 'utf8');
const nlRates: TaxRate[] = [
  { country: 'NL', rate: '21' },
  { country: 'NL', rate: '6', validTo: '2018-12-31' },
  { country: 'NL', rate: '9', validFrom: '2019-01-01' },
];

function read(result: IntakeResult): { invoice: Invoice; warnings: string[] } {
  if (!result.ok) throw new Error(`expected an invoice, got ${JSON.stringify(result.problems, null, 2)}`);
  return { invoice: result.invoice, warnings: result.warnings };
}
const checked = (invoice: Invoice) => taxCheck(invoice, { rates: nlRates });

describe('tax point date (BT-7) and its code (BT-8)', () => {
  it('UBL cbc:TaxPointDate becomes taxPointDate, and the rates are read on it', () => {
    const { invoice } = read(parseUblInvoice(fixture('ubl-nl-taxpoint.xml')));
    expect(invoice).toMatchObject({ issueDate: '2019-01-04', taxPointDate: '2018-12-28' });
    expect(checked(invoice)).toMatchObject({ ok: true, rateDate: '2018-12-28', invalidRates: [] });
    const withoutPoint = read(parseUblInvoice(fixture('ubl-nl-taxpoint.xml').replace(/<cbc:TaxPointDate>.*<\/cbc:TaxPointDate>/, ''))).invoice;
    expect(withoutPoint.taxPointDate).toBeUndefined();
    expect(checked(withoutPoint)).toMatchObject({ rateDate: '2019-01-04', invalidRates: ['6'] });
  });

  it('UBL BT-8 (InvoicePeriod/DescriptionCode): 35 takes the actual delivery date, 432 (payment) the issue date with a warning', () => {
    const coded = (code: string, delivery = '') =>
      read(
        parseUblInvoice(
          fixture('ubl-nl-taxpoint.xml').replace(
            /<cbc:TaxPointDate>.*<\/cbc:TaxPointDate>/,
            `<cac:InvoicePeriod><cbc:DescriptionCode>${code}</cbc:DescriptionCode></cac:InvoicePeriod>${delivery}`,
          ),
        ),
      );
    // element order does not matter to the reader; the delivery follows the period here for brevity
    expect(coded('35', '<cac:Delivery><cbc:ActualDeliveryDate>2018-12-20</cbc:ActualDeliveryDate></cac:Delivery>').invoice.taxPointDate).toBe('2018-12-20');
    expect(coded('3').invoice.taxPointDate).toBeUndefined();
    const payment = coded('432');
    expect(payment.invoice.taxPointDate).toBeUndefined();
    expect(payment.warnings.join('\n')).toMatch(/DescriptionCode 432 is the date of payment/);
  });

  it('CII ram:TaxPointDate/udt:DateString becomes taxPointDate; DueDateTypeCode 72 takes the actual delivery date, 5 none', () => {
    const xml = fixture('cii-nl-taxpoint.xml');
    const { invoice } = read(parseCiiInvoice(xml));
    expect(invoice).toMatchObject({ issueDate: '2019-01-04', taxPointDate: '2018-12-28' });
    expect(checked(invoice).ok).toBe(true);
    const byCode = (code: string) =>
      read(parseCiiInvoice(xml.replace(/<ram:TaxPointDate>.*<\/ram:TaxPointDate>/, `<ram:DueDateTypeCode>${code}</ram:DueDateTypeCode>`))).invoice;
    expect(byCode('72').taxPointDate).toBe('2018-12-20');
    expect(byCode('5').taxPointDate).toBeUndefined();
    expect(checked(byCode('5')).invalidRates).toEqual(['6']);
    const badDate = parseCiiInvoice(xml.replace('20181228</udt:DateString>', '2018-12-28</udt:DateString>'));
    expect(badDate.ok).toBe(false);
    expect(!badDate.ok && badDate.problems[0]?.path).toMatch(/ram:TaxPointDate\/udt:DateString$/);
  });
});

describe('line arithmetic (PEPPOL-EN16931-R120) and the VAT breakdown (BR-CO-17)', () => {
  it('reads line allowances and charges and finds the fixtures clean', () => {
    const ubl = read(parseUblInvoice(fixture('ubl-nl-taxpoint.xml'))).invoice;
    expect(ubl.lines.map((l) => l.allowanceCharges)).toEqual([
      [{ kind: 'allowance', amount: '5.00', reason: 'Discount', reasonCode: '95' }],
      [{ kind: 'charge', amount: '4.00', reason: 'Gift wrapping', reasonCode: 'ABL' }],
    ]);
    expect(read(parseCiiInvoice(fixture('cii-nl-taxpoint.xml'))).invoice.lines[0]!.allowanceCharges).toEqual([
      { kind: 'allowance', amount: '5.00', reason: 'Discount' },
    ]);
  });

  it('a line net amount that is not quantity × price − allowances + charges is an arithmeticError of the line', () => {
    // line 1: 10 × 12.50 − 5.00 = 120.00, stated 125.00 (the allowance not applied); totals kept consistent
    const xml = fixture('ubl-nl-taxpoint.xml')
      .replace(
        '<cbc:LineExtensionAmount currencyID="EUR">120.00</cbc:LineExtensionAmount>',
        '<cbc:LineExtensionAmount currencyID="EUR">125.00</cbc:LineExtensionAmount>',
      )
      .replaceAll('204.00', '209.00')
      .replaceAll('12.24', '12.54')
      .replaceAll('216.24', '221.54');
    const result = checked(read(parseUblInvoice(xml)).invoice);
    expect(result.findings).toEqual([
      expect.objectContaining({
        kind: 'arithmeticError',
        ruleId: 'PEPPOL-EN16931-R120',
        lineId: '1',
        valueAtRisk: '5.00',
        figures: { stated: '125.00', computed: '120', difference: '5', quantity: '10', unitPrice: '12.50', allowancesAndCharges: '-5' },
      }),
    ]);
    expect(result.findings[0]!.message).toBe('Line 1: net amount 125.00 ≠ 10 × 12.50 − 5 = 120 (difference 5, tolerance 0.01)');
  });

  it('a category tax that is not taxable × rate is an arithmeticError BR-CO-17, at the header tolerance', () => {
    const xml = fixture('cii-nl-taxpoint.xml').replace(
      '<ram:CalculatedAmount>7.20</ram:CalculatedAmount>',
      '<ram:CalculatedAmount>7.80</ram:CalculatedAmount>',
    );
    const findings = checked(read(parseCiiInvoice(xml)).invoice).findings.filter((f) => f.ruleId === 'BR-CO-17');
    expect(findings).toEqual([
      expect.objectContaining({
        kind: 'arithmeticError',
        valueAtRisk: '0.60',
        figures: { category: 'S', rate: '6', taxableAmount: '120.00', stated: '7.80', computed: '7.2', difference: '0.6' },
      }),
    ]);
    const oneCent = read(parseCiiInvoice(fixture('cii-nl-taxpoint.xml').replace('>7.20</ram:CalculatedAmount>', '>7.21</ram:CalculatedAmount>'))).invoice;
    expect(taxCheck(oneCent, { rates: nlRates }, { headerTolerance: 0.01 }).findings.filter((f) => f.ruleId === 'BR-CO-17')).toEqual([]);
    expect(taxCheck(oneCent, { rates: nlRates }, { headerTolerance: 0 }).findings.filter((f) => f.ruleId === 'BR-CO-17')).toHaveLength(1);
  });
});

const exampleFiles = dataPresent ? readdirSync(dataDir).filter((f) => f.endsWith('.xml')) : [];

describe.runIf(dataPresent)(`the public UBL examples in ${dataDir}${dataPresent ? '' : ' (folder absent: skipped)'}`, () => {
  it.each(exampleFiles)('%s: no arithmetic, tax-line or tax-total finding', (file) => {
    const { invoice } = read(parseUblInvoice(readFileSync(`${dataDir}/${file}`, 'utf8')));
    expect(taxCheck(invoice, { rates: [] }).findings).toEqual([]);
  });

  it('holds a document that declares Peppol BIS to the line rule, and one that declares EN 16931 core alone not', () => {
    // en16931-guide-example3 bills 2 × 800.00 as 400.00 per line: allowed by EN 16931 core (BT-131
    // may include other taxes), a PEPPOL-EN16931-R120 error once the document claims Peppol BIS
    const xml = readFileSync(`${dataDir}/en16931-guide-example3.xml`, 'utf8');
    const core = read(parseUblInvoice(xml)).invoice;
    expect(core.specification).toBe('urn:cen.eu:en16931:2017');
    expect(taxCheck(core, { rates: [] }).findings).toEqual([]);
    const peppol = { ...core, specification: 'urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0' };
    expect(taxCheck(peppol, { rates: [] }).findings.map((f) => [f.ruleId, f.lineId, f.figures?.computed])).toEqual([
      ['PEPPOL-EN16931-R120', '1', '1600'],
      ['PEPPOL-EN16931-R120', '2', '1600'],
    ]);
  });
});
