import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseCiiInvoice, parseUblInvoice, type IntakeResult, type Invoice } from '../src/index.js';

const fixture = (name: string) => readFileSync(fileURLToPath(new URL(`./fixtures/intake/${name}`, import.meta.url)), 'utf8');

function expectInvoice(result: IntakeResult): Invoice {
  if (!result.ok) throw new Error(`expected an invoice, got ${JSON.stringify(result.problems, null, 2)}`);
  return result.invoice;
}

function expectProblems(result: IntakeResult) {
  if (result.ok) throw new Error('expected the document to be refused');
  return result.problems;
}

const cii = fixture('cii-invoice.xml');
const ROOT = 'rsm:CrossIndustryInvoice';
const SUMMATION = `${ROOT}/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement/ram:SpecifiedTradeSettlementHeaderMonetarySummation`;

describe('parseCiiInvoice', () => {
  it('reads the same canonical invoice as the UBL twin of the document, exactly', () => {
    const result = parseCiiInvoice(cii);
    const invoice = expectInvoice(result);
    expect(result.ok && result.warnings).toEqual([]);
    // the twins differ only in the specification they declare (BT-24): EN 16931 core, Peppol BIS
    const { specification: fromCii, ...rest } = invoice;
    const { specification: fromUbl, ...ublRest } = expectInvoice(parseUblInvoice(fixture('invoice-custom-prefixes.xml')));
    expect([fromCii, fromUbl]).toEqual(['urn:cen.eu:en16931:2017', 'urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0']);
    expect(rest).toEqual(ublRest);
  });

  it('maps header, parties, lines, tax and totals with their scale kept', () => {
    const invoice = expectInvoice(parseCiiInvoice(cii));
    expect(invoice).toMatchObject({
      documentType: 'invoice',
      typeCode: '380',
      invoiceNumber: 'EXF-0001',
      issueDate: '2024-03-01',
      dueDate: '2024-03-31',
      currency: 'EUR',
      poNumber: 'PO-4711',
      buyerReference: 'CC-100',
      supplier: { id: 'SUP-42', name: 'Müller & Söhne GmbH', taxId: 'DE123456789', country: 'DE', bankAccount: 'DE89370400440532013000' },
      buyer: { name: 'Exflow Buyer B.V.', country: 'NL' },
      lineNetTotal: '150.00',
      chargeTotal: '10.00',
      netTotal: '160.00',
      taxTotal: '30.40',
      grossTotal: '190.40',
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

  it('reads a credit note (TypeCode 381) like its UBL twin', () => {
    const invoice = expectInvoice(parseCiiInvoice(fixture('cii-creditnote.xml')));
    expect(invoice).toMatchObject({
      documentType: 'creditNote',
      typeCode: '381',
      precedingInvoiceNumber: 'EXF-0001',
      grossTotal: '35.70',
      dueDate: '2024-04-15',
    });
    const { typeCode: _a, specification: _c, ...fromCii } = invoice;
    const { typeCode: _b, ...fromUbl } = expectInvoice(parseUblInvoice(fixture('creditnote-minimal.xml')));
    expect(fromCii).toEqual(fromUbl);
  });

  it('keeps the tax total in the invoice currency apart from the one in the tax currency', () => {
    const xml = cii
      .replace(
        '<ram:InvoiceCurrencyCode>EUR</ram:InvoiceCurrencyCode>',
        '<ram:InvoiceCurrencyCode>EUR</ram:InvoiceCurrencyCode><ram:TaxCurrencyCode>SEK</ram:TaxCurrencyCode>',
      )
      .replace(
        '<ram:TaxTotalAmount currencyID="EUR">30.40</ram:TaxTotalAmount>',
        '<ram:TaxTotalAmount currencyID="SEK">345.12</ram:TaxTotalAmount><ram:TaxTotalAmount currencyID="EUR">30.40</ram:TaxTotalAmount>',
      );
    expect(expectInvoice(parseCiiInvoice(xml))).toMatchObject({ taxTotal: '30.40', taxCurrency: 'SEK', taxTotalInTaxCurrency: '345.12' });
  });

  it('notes totals that do not add up, in CII names, and keeps them as stated', () => {
    const result = parseCiiInvoice(cii.replace('<ram:GrandTotalAmount>190.40', '<ram:GrandTotalAmount>191.40'));
    expect(expectInvoice(result).grossTotal).toBe('191.40');
    expect(result.ok && result.warnings.join('\n')).toContain(
      `${SUMMATION}/ram:GrandTotalAmount is 191.40 but net total + tax total gives 190.4 (EN 16931 BR-CO-15)`,
    );
  });

  it('names each missing required element', () => {
    const xml = cii
      .replace('<ram:ID>EXF-0001</ram:ID>', '')
      .replace(/<ram:DuePayableAmount>[^<]*<\/ram:DuePayableAmount>/, '')
      .replace('<ram:Name>Installation</ram:Name>', '');
    const problems = expectProblems(parseCiiInvoice(xml.replace('<ram:Description>Installation on site</ram:Description>', '')));
    expect(problems.map((p) => [p.code, p.path])).toEqual([
      ['cii.missing', `${ROOT}/rsm:ExchangedDocument/ram:ID`],
      ['cii.missing', `${ROOT}/rsm:SupplyChainTradeTransaction/ram:IncludedSupplyChainTradeLineItem[2]/ram:SpecifiedTradeProduct/ram:Name`],
      ['cii.missing', `${SUMMATION}/ram:DuePayableAmount`],
    ]);
    expect(problems[0]?.message).toMatch(/is missing: every invoice has a number \(BT-1\)/);
  });

  it('refuses a date that is not format 102, naming the element', () => {
    const bad = expectProblems(parseCiiInvoice(cii.replace('>20240301<', '>2024-03-01<')));
    expect(bad).toEqual([expect.objectContaining({ code: 'cii.invalid', path: `${ROOT}/rsm:ExchangedDocument/ram:IssueDateTime/udt:DateTimeString` })]);
    const impossible = expectProblems(parseCiiInvoice(cii.replace('>20240301<', '>20240231<')));
    expect(impossible[0]?.message).toMatch(/not a date in format 102/);
    const otherFormat = expectProblems(parseCiiInvoice(cii.replace('format="102">20240301', 'format="203">202403011200')));
    expect(otherFormat[0]?.path).toBe(`${ROOT}/rsm:ExchangedDocument/ram:IssueDateTime/udt:DateTimeString/@format`);
  });

  it('refuses an amount that is not a decimal and a tax total in another currency only', () => {
    const comma = expectProblems(parseCiiInvoice(cii.replace('<ram:TaxBasisTotalAmount>160.00', '<ram:TaxBasisTotalAmount>160,00')));
    expect(comma).toEqual([expect.objectContaining({ code: 'cii.invalid', path: `${SUMMATION}/ram:TaxBasisTotalAmount` })]);
    const usd = expectProblems(parseCiiInvoice(cii.replace('<ram:TaxTotalAmount currencyID="EUR">', '<ram:TaxTotalAmount currencyID="USD">')));
    expect(usd).toEqual([expect.objectContaining({ code: 'cii.missing', path: `${SUMMATION}/ram:TaxTotalAmount` })]);
  });

  it('names the element when a value does not fit the canonical invoice', () => {
    const problems = expectProblems(
      parseCiiInvoice(
        cii
          .replace('<ram:CountryID>DE</ram:CountryID>', '<ram:CountryID>DE</ram:CountryID>')
          .replace('<ram:ID>SUP-42</ram:ID>', `<ram:ID>${'X'.repeat(101)}</ram:ID>`),
      ),
    );
    expect(problems).toEqual([
      expect.objectContaining({
        code: 'schema',
        path: `${ROOT}/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement/ram:SellerTradeParty/ram:ID`,
      }),
    ]);
  });

  it('refuses a UBL invoice and other documents, pointing to the right intake', () => {
    const ubl = expectProblems(parseCiiInvoice(fixture('invoice-custom-prefixes.xml')));
    expect(ubl).toEqual([expect.objectContaining({ code: 'cii.notInvoice', path: 'Invoice' })]);
    expect(ubl[0]?.message).toMatch(/UBL intake/);
  });
});

describe('parseCiiInvoice against hostile input', () => {
  it('refuses external entities (XXE) and entity expansion (billion laughs) before parsing', () => {
    for (const xml of [fixture('cii-xxe.xml'), fixture('billion-laughs.xml').replace(/Invoice/g, 'rsm:CrossIndustryInvoice')]) {
      expect(expectProblems(parseCiiInvoice(xml))).toEqual([expect.objectContaining({ code: 'xml.doctype', path: '(document)' })]);
    }
  });

  it('refuses input over the size cap and malformed XML', () => {
    expect(expectProblems(parseCiiInvoice(cii, { maxBytes: 1000 }))[0]?.code).toBe('xml.tooLarge');
    const padded = cii.replace('</rsm:CrossIndustryInvoice>', `<!--${'x'.repeat(5 * 1024 * 1024)}--></rsm:CrossIndustryInvoice>`);
    expect(expectProblems(parseCiiInvoice(padded))[0]?.code).toBe('xml.tooLarge');
    expect(expectProblems(parseCiiInvoice(cii.replace('</rsm:ExchangedDocument>', '')))[0]?.code).toBe('xml.malformed');
  });
});
