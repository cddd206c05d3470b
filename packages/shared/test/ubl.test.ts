import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { parseInvoice, parseUblInvoice, type IntakeResult, type Invoice } from '../src/index.js';

const dataDir = fileURLToPath(new URL('../../../../shared/data/ubl', import.meta.url));
const dataPresent = existsSync(dataDir);
const fixture = (name: string) => readFileSync(fileURLToPath(new URL(`./fixtures/intake/${name}`, import.meta.url)), 'utf8');

function expectInvoice(result: IntakeResult): Invoice {
  if (!result.ok) throw new Error(`expected an invoice, got ${JSON.stringify(result.problems, null, 2)}`);
  return result.invoice;
}

function expectProblems(result: IntakeResult) {
  if (result.ok) throw new Error('expected the document to be refused');
  return result.problems;
}

/**
 * The document's own figures, read with plain regular expressions so the oracle shares no
 * code with the parser under test.
 */
function documentFacts(xml: string) {
  const text = xml.replace(/<!--[\s\S]*?-->/g, '');
  const el = (name: string) => new RegExp(`<(?:[\\w.-]+:)?${name}\\b([^>]*)>([^<]*)</(?:[\\w.-]+:)?${name}>`);
  const value = (scope: string, name: string) => el(name).exec(scope)?.[2]?.trim();
  const block = (name: string) => [...text.matchAll(new RegExp(`<(?:[\\w.-]+:)?${name}>([\\s\\S]*?)</(?:[\\w.-]+:)?${name}>`, 'g'))].map((m) => m[1] ?? '');
  const root = /<(?:[\w.-]+:)?(Invoice|CreditNote)[\s>]/.exec(text)?.[1];
  const currency = value(text, 'DocumentCurrencyCode');
  const monetary = block('LegalMonetaryTotal')[0] ?? '';
  const taxTotal = block('TaxTotal')
    .map((b) => el('TaxAmount').exec(b))
    .find((m) => m?.[1]?.replace(/\s/g, '').includes(`currencyID="${currency}"`))?.[2];
  return {
    root,
    lineExtension: value(monetary, 'LineExtensionAmount'),
    taxExclusive: value(monetary, 'TaxExclusiveAmount'),
    taxInclusive: value(monetary, 'TaxInclusiveAmount'),
    payable: value(monetary, 'PayableAmount'),
    taxTotal,
    lineCount: [...text.matchAll(/<(?:[\w.-]+:)?(?:InvoiceLine|CreditNoteLine)[\s>]/g)].length,
  };
}

const sameAmount = (actual: string | undefined, expected: string | undefined) => {
  expect(actual, 'amount present').toBeDefined();
  expect(expected, 'document amount present').toBeDefined();
  expect(new Decimal(actual as string).equals(new Decimal(expected as string)), `${actual} = ${expected}`).toBe(true);
};

const exampleFiles = dataPresent
  ? readdirSync(dataDir)
      .filter((f) => f.endsWith('.xml'))
      .sort()
  : [];

describe.runIf(dataPresent)(`public UBL examples in ${dataDir}${dataPresent ? '' : ' (folder absent: skipped)'}`, () => {
  it('finds the examples', () => {
    expect(exampleFiles.length).toBeGreaterThan(20);
  });

  it.each(exampleFiles)('%s parses and keeps the document totals', (file) => {
    const xml = readFileSync(`${dataDir}/${file}`, 'utf8');
    const facts = documentFacts(xml);
    expect(facts.root, 'every example is an Invoice or a CreditNote').toBeDefined();
    const invoice = expectInvoice(parseUblInvoice(xml));
    expect(invoice.documentType).toBe(facts.root === 'CreditNote' ? 'creditNote' : 'invoice');
    sameAmount(invoice.netTotal, facts.taxExclusive);
    sameAmount(invoice.grossTotal, facts.taxInclusive);
    sameAmount(invoice.taxTotal, facts.taxTotal);
    sameAmount(invoice.lineNetTotal, facts.lineExtension);
    sameAmount(invoice.payableAmount, facts.payable);
    expect(invoice.lines).toHaveLength(facts.lineCount);
    expect(parseInvoice(invoice).ok).toBe(true);
  });

  it('sales-order-example.xml is an invoice against a sales order: read as non-PO, not refused', () => {
    // The file's name suggests an order, but it is a Peppol BIS 3 Invoice whose OrderReference/ID
    // is "NA" (no purchase order) with a SalesOrderID; SOURCES.md requires every file to parse.
    const result = parseUblInvoice(readFileSync(`${dataDir}/sales-order-example.xml`, 'utf8'));
    const invoice = expectInvoice(result);
    expect(invoice.poNumber).toBeUndefined();
    expect(invoice.salesOrderId).toBe('123456');
    expect(result.ok && result.warnings.join('\n')).toMatch(/OrderReference\/cbc:ID is "NA"/);
  });

  it('divides the price by its base quantity and keeps the tax-currency total apart', () => {
    const invoice = expectInvoice(parseUblInvoice(readFileSync(`${dataDir}/Allowance-example.xml`, 'utf8')));
    const perTwo = invoice.lines.find((l) => l.priceBaseQuantity === '2');
    expect(perTwo?.unitPrice).toBe('100');
    expect(invoice.taxTotal).toBe('1225.00');
    expect(invoice.taxCurrency).toBe('SEK');
    expect(invoice.taxTotalInTaxCurrency).toBe('9324.00');
  });

  it('reads ChargeIndicator 0/1 as well as false/true', () => {
    const invoice = expectInvoice(parseUblInvoice(readFileSync(`${dataDir}/en16931-ubl-tc434-example2.xml`, 'utf8')));
    expect(invoice.allowanceCharges?.map((a) => a.kind)).toEqual(['allowance', 'charge']);
  });

  it('reads a credit note with its preceding invoice', () => {
    const invoice = expectInvoice(parseUblInvoice(readFileSync(`${dataDir}/base-creditnote-correction.xml`, 'utf8')));
    expect(invoice).toMatchObject({ documentType: 'creditNote', typeCode: '381', precedingInvoiceNumber: 'Snippet1' });
    expect(invoice.lines[0]).toMatchObject({ quantity: '7', unitCode: 'DAY', unitPrice: '400', poLineRef: '123' });
  });
});

describe('parseUblInvoice on own fixtures', () => {
  const xml = fixture('invoice-custom-prefixes.xml');

  it('maps header, parties, lines and totals whatever the namespace prefixes', () => {
    const result = parseUblInvoice(xml);
    const invoice = expectInvoice(result);
    expect(result.ok && result.warnings).toEqual([]);
    expect(invoice).toMatchObject({
      documentType: 'invoice',
      invoiceNumber: 'EXF-0001',
      issueDate: '2024-03-01',
      dueDate: '2024-03-31',
      currency: 'EUR',
      poNumber: 'PO-4711',
      buyerReference: 'CC-100',
      supplier: { id: 'SUP-42', name: 'Müller & Söhne GmbH', taxId: 'DE123456789', bankAccount: 'DE89370400440532013000', country: 'DE' },
      buyer: { name: 'Exflow Buyer B.V.', country: 'NL' },
      netTotal: '160.00',
      taxTotal: '30.40',
      grossTotal: '190.40',
      lineNetTotal: '150.00',
      chargeTotal: '10.00',
      payableAmount: '190.40',
      taxBreakdown: [{ category: 'S', rate: '19', taxableAmount: '160.00', taxAmount: '30.40' }],
      allowanceCharges: [{ kind: 'charge', amount: '10.00', reason: 'Freight', taxCategory: 'S', taxRate: '19' }],
    });
    expect(invoice.lines).toEqual([
      {
        lineId: '1',
        description: 'Widget <12-pack> €-edition',
        quantity: '24',
        unitCode: 'C62',
        unitPrice: '5',
        netAmount: '120.00',
        taxRate: '19',
        taxCategory: 'S',
        poLineRef: '10',
        priceBaseQuantity: '12',
      },
      {
        lineId: '2',
        description: 'Installation',
        quantity: '2',
        unitCode: 'HUR',
        unitPrice: '15.00',
        netAmount: '30.00',
        taxRate: '19',
        taxCategory: 'S',
        poLineRef: '20',
      },
    ]);
  });

  it('reads a minimal credit note, due date from PaymentMeans', () => {
    const invoice = expectInvoice(parseUblInvoice(fixture('creditnote-minimal.xml')));
    expect(invoice).toMatchObject({ documentType: 'creditNote', dueDate: '2024-04-15', precedingInvoiceNumber: 'EXF-0001', grossTotal: '35.70' });
    expect(invoice.lines[0]).toMatchObject({ quantity: '2', unitCode: 'HUR', netAmount: '30.00' });
  });

  it('notes totals that do not add up, and keeps them as stated', () => {
    const result = parseUblInvoice(xml.replace('<bas:TaxInclusiveAmount currencyID="EUR">190.40', '<bas:TaxInclusiveAmount currencyID="EUR">190.41'));
    const invoice = expectInvoice(result);
    expect(invoice.grossTotal).toBe('190.41');
    expect(result.ok && result.warnings.join('\n')).toMatch(/TaxInclusiveAmount is 190\.41 but net total \+ tax total gives 190\.4 \(EN 16931 BR-CO-15\)/);
  });

  it('warns when a price per base quantity does not divide exactly', () => {
    const result = parseUblInvoice(
      xml.replace('<bas:BaseQuantity unitCode="C62">12</bas:BaseQuantity>', '<bas:BaseQuantity unitCode="C62">7</bas:BaseQuantity>'),
    );
    const invoice = expectInvoice(result);
    expect(new Decimal(invoice.lines[0]?.unitPrice ?? '0').times(7).toDecimalPlaces(10).equals(60)).toBe(true);
    expect(result.ok && result.warnings.join('\n')).toMatch(/does not divide exactly/);
  });

  it('names a missing required element in the error', () => {
    const problems = expectProblems(parseUblInvoice(xml.replace(/<bas:PayableAmount[^]*?<\/bas:PayableAmount>/, '')));
    expect(problems).toEqual([
      expect.objectContaining({
        path: 'Invoice/cac:LegalMonetaryTotal/cbc:PayableAmount',
        code: 'ubl.missing',
        message: expect.stringMatching(/is missing: .*BT-115/),
      }),
    ]);
  });

  it('names the TaxTotal once when there is none', () => {
    const problems = expectProblems(parseUblInvoice(xml.replace(/<agg:TaxTotal>[^]*<\/agg:TaxTotal>/, '')));
    expect(problems).toEqual([expect.objectContaining({ path: 'Invoice/cac:TaxTotal/cbc:TaxAmount', code: 'ubl.missing' })]);
  });

  it('reports every missing element at once, with line positions', () => {
    const broken = xml
      .replace('<bas:ID>EXF-0001</bas:ID>', '')
      .replace('<bas:Name>Installation</bas:Name>', '')
      .replace('<bas:Description>Installation on site</bas:Description>', '');
    const paths = expectProblems(parseUblInvoice(broken)).map((p) => p.path);
    expect(paths).toEqual(['Invoice/cbc:ID', 'Invoice/cac:InvoiceLine[2]/cac:Item/cbc:Name']);
  });

  it('refuses an amount that is not a decimal, naming the element', () => {
    const problems = expectProblems(parseUblInvoice(xml.replace('>30.40</bas:TaxAmount>', '>30,40</bas:TaxAmount>')));
    expect(problems[0]).toMatchObject({ path: 'Invoice/cac:TaxTotal[1]/cbc:TaxAmount', code: 'ubl.invalid' });
    expect(problems[0]?.message).toMatch(/not a decimal number \("30,40"\)/);
  });

  it('names the element when a value does not fit the canonical invoice', () => {
    const problems = expectProblems(
      parseUblInvoice(xml.replace('<bas:CompanyID>DE123456789</bas:CompanyID>', `<bas:CompanyID>DE${'9'.repeat(60)}</bas:CompanyID>`)),
    );
    expect(problems).toEqual([
      expect.objectContaining({
        code: 'schema',
        path: 'Invoice/cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme/cbc:CompanyID',
        message: expect.stringMatching(/\/supplier\/taxId must NOT have more than 50 characters/),
      }),
    ]);
  });

  it('takes the only TaxTotal as the document one when its currencyID is missing, with a warning', () => {
    const result = parseUblInvoice(
      xml.replace(
        '<bas:TaxAmount currencyID="EUR">30.40</bas:TaxAmount>\n    <agg:TaxSubtotal>',
        '<bas:TaxAmount>30.40</bas:TaxAmount>\n    <agg:TaxSubtotal>',
      ),
    );
    expect(expectInvoice(result).taxTotal).toBe('30.40');
    expect(result.ok && result.warnings.join('\n')).toMatch(/TaxTotal\[1\]\/cbc:TaxAmount is not marked currencyID="EUR"/);
  });

  it('refuses a document that is not an invoice or credit note', () => {
    const problems = expectProblems(parseUblInvoice(fixture('order.xml')));
    expect(problems).toEqual([
      expect.objectContaining({ path: 'Order', code: 'ubl.notInvoice', message: expect.stringMatching(/<Order>, not a UBL <Invoice> or <CreditNote>/) }),
    ]);
  });
});

describe('parseUblInvoice against hostile input', () => {
  it.each(['billion-laughs.xml', 'xxe-file.xml', 'xxe-parameter-entity.xml'])('refuses %s before expanding anything', (name) => {
    const problems = expectProblems(parseUblInvoice(fixture(name)));
    expect(problems).toEqual([
      expect.objectContaining({ path: '(document)', code: 'xml.doctype', message: expect.stringMatching(/DOCTYPE or ENTITY declaration/) }),
    ]);
    expect(JSON.stringify(problems)).not.toMatch(/root:|lollol/);
  });

  it('refuses a DOCTYPE without entities too, whatever its case', () => {
    const xml = fixture('invoice-custom-prefixes.xml').replace('<?xml version="1.0" encoding="UTF-8"?>', '<?xml version="1.0"?><!doctype Invoice>');
    expect(expectProblems(parseUblInvoice(xml))[0]?.code).toBe('xml.doctype');
  });

  it('refuses input over the size cap without parsing it', () => {
    const padding = `<!--${'x'.repeat(5 * 1024 * 1024)}-->`;
    const huge = fixture('invoice-custom-prefixes.xml').replace('<inv:Invoice', `${padding}<inv:Invoice`);
    const started = performance.now();
    expect(expectProblems(parseUblInvoice(huge))[0]).toMatchObject({ path: '(document)', code: 'xml.tooLarge' });
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('counts the cap in UTF-8 bytes and lets callers lower it', () => {
    const xml = fixture('invoice-custom-prefixes.xml');
    expect(parseUblInvoice(xml, { maxBytes: 1000 }).ok).toBe(false);
    expect(parseUblInvoice(xml, { maxBytes: 100_000 }).ok).toBe(true);
    const multiByte = `<Invoice>${'€'.repeat(400)}</Invoice>`;
    expect(expectProblems(parseUblInvoice(multiByte, { maxBytes: 1000 }))[0]?.code).toBe('xml.tooLarge');
  });

  it('refuses malformed XML with its position', () => {
    const problems = expectProblems(parseUblInvoice(fixture('malformed.xml')));
    expect(problems).toEqual([
      expect.objectContaining({ path: '(document)', code: 'xml.malformed', message: expect.stringMatching(/not well-formed \(line 5, column \d+\)/) }),
    ]);
  });

  it.each([
    ['empty text', ''],
    ['plain text', 'this is not xml'],
    ['two roots', '<Invoice/><Invoice/>'],
    ['deep nesting', `${'<a>'.repeat(200)}${'</a>'.repeat(200)}`],
  ])('refuses %s with a problem, never a throw', (_label, input) => {
    expect(parseUblInvoice(input).ok).toBe(false);
  });
});
