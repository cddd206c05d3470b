import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { INVOICE_CSV_COLUMNS, parseInvoice, parseInvoiceCsv } from '../src/index.js';

const HEADER = INVOICE_CSV_COLUMNS.join(',');

type Row = Partial<Record<(typeof INVOICE_CSV_COLUMNS)[number], string>>;

const base: Row = {
  invoiceNumber: 'INV-1',
  issueDate: '2024-03-01',
  dueDate: '2024-03-31',
  currency: 'EUR',
  supplierId: 'SUP-1',
  supplierName: 'Acme GmbH',
  supplierTaxId: 'DE123456789',
  supplierBankAccount: 'DE89370400440532013000',
  supplierCountry: 'DE',
  poNumber: 'PO-1',
  businessUnit: 'BU-North',
  netTotal: '100.00',
  taxTotal: '19.00',
  grossTotal: '119.00',
  lineDescription: 'Widget',
  quantity: '10',
  unitPrice: '10.00',
  lineNetAmount: '100.00',
  taxRate: '19',
  taxAmount: '19.00',
  poLineRef: '10',
};

const quote = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
const csv = (...rows: Row[]) => [HEADER, ...rows.map((r) => INVOICE_CSV_COLUMNS.map((c) => quote(r[c] ?? '')).join(','))].join('\n');

describe('parseInvoiceCsv', () => {
  it('groups rows by supplier and invoice number into invoices', () => {
    const text = csv(
      { ...base, netTotal: '150.00', taxTotal: '28.50', grossTotal: '178.50' },
      {
        ...base,
        netTotal: '150.00',
        taxTotal: '28.50',
        grossTotal: '178.50',
        lineDescription: 'Installation, on site',
        quantity: '2',
        unitPrice: '25',
        lineNetAmount: '50.00',
        taxAmount: '9.50',
        poLineRef: '20',
      },
      { ...base, invoiceNumber: 'INV-2', poNumber: '', lineNetAmount: '100.00' },
      { ...base, supplierId: 'SUP-2', supplierName: 'Other Ltd', supplierTaxId: 'GB999', supplierCountry: 'gb' },
    );
    const { invoices, errors, warnings } = parseInvoiceCsv(text);
    expect(errors).toEqual([]);
    expect(warnings).toEqual([]);
    expect(invoices.map((i) => [i.supplier.id, i.invoiceNumber, i.lines.length])).toEqual([
      ['SUP-1', 'INV-1', 2],
      ['SUP-1', 'INV-2', 1],
      ['SUP-2', 'INV-1', 1],
    ]);
    expect(invoices[0]).toMatchObject({
      documentType: 'invoice',
      issueDate: '2024-03-01',
      dueDate: '2024-03-31',
      currency: 'EUR',
      supplier: { id: 'SUP-1', name: 'Acme GmbH', taxId: 'DE123456789', bankAccount: 'DE89370400440532013000', country: 'DE' },
      poNumber: 'PO-1',
      businessUnit: 'BU-North',
      netTotal: '150.00',
      taxTotal: '28.50',
      grossTotal: '178.50',
    });
    expect(invoices[0]?.lines[1]).toEqual({
      description: 'Installation, on site',
      quantity: '2',
      unitPrice: '25',
      netAmount: '50.00',
      taxRate: '19',
      taxAmount: '9.50',
      poLineRef: '20',
    });
    expect(invoices[1]?.poNumber).toBeUndefined();
    expect(invoices[2]?.supplier.country).toBe('GB');
    for (const invoice of invoices) expect(parseInvoice(invoice).ok).toBe(true);
  });

  it('names row and column of each bad cell, leaves that invoice out and keeps the others', () => {
    const text = csv(
      base,
      { ...base, quantity: '2,5' },
      { ...base, invoiceNumber: 'INV-2', issueDate: '01.03.2024', currency: 'EURO' },
      { ...base, invoiceNumber: 'INV-3', grossTotal: '' },
      { ...base, invoiceNumber: 'INV-4' },
    );
    const { invoices, errors } = parseInvoiceCsv(text);
    expect(errors).toEqual([
      expect.objectContaining({ row: 3, column: 'quantity', code: 'csv.invalid', message: expect.stringMatching(/"2,5" is not a decimal number.*dot/) }),
      expect.objectContaining({ row: 4, column: 'issueDate', code: 'csv.invalid', message: expect.stringMatching(/YYYY-MM-DD/) }),
      expect.objectContaining({ row: 4, column: 'currency', code: 'csv.invalid' }),
      expect.objectContaining({ row: 5, column: 'grossTotal', code: 'csv.missing' }),
    ]);
    expect(invoices.map((i) => i.invoiceNumber)).toEqual(['INV-4']);
  });

  it('counts rows as records, so a quoted line break does not shift row numbers', () => {
    const text = csv({ ...base, lineDescription: 'Two\nlines' }, { ...base, invoiceNumber: 'INV-2', unitPrice: 'ten' });
    const { invoices, errors } = parseInvoiceCsv(text);
    expect(errors).toEqual([expect.objectContaining({ row: 3, column: 'unitPrice' })]);
    expect(invoices[0]?.lines[0]?.description).toBe('Two\nlines');
  });

  it('refuses an invoice whose header fields differ between its rows', () => {
    const text = csv(base, { ...base, currency: 'USD', lineNetAmount: '0' }, { ...base, netTotal: '100.0' }, { ...base, invoiceNumber: 'INV-2' });
    const { invoices, errors, warnings } = parseInvoiceCsv(text);
    expect(errors).toEqual([
      expect.objectContaining({
        row: 3,
        column: 'currency',
        code: 'csv.inconsistent',
        message: expect.stringMatching(/"USD" here but "EUR" on row 2 of invoice INV-1/),
      }),
    ]);
    expect(invoices.map((i) => i.invoiceNumber)).toEqual(['INV-2']);
    expect(warnings.join('\n')).toMatch(/Invoice INV-1 \(rows 2, 3, 4\) is left out because of the errors on row 3\./);
  });

  it('treats a header cell left blank on a later row as a disagreement', () => {
    const { errors } = parseInvoiceCsv(csv(base, { ...base, dueDate: '' }));
    expect(errors).toEqual([expect.objectContaining({ row: 3, column: 'dueDate', code: 'csv.inconsistent' })]);
  });

  it('names a missing column in the header row and reads no invoices', () => {
    const text = ['invoiceNumber,issueDate,currency,supplierName,netTotal,taxTotal,grossTotal,quantity,unitPrice', 'INV-1,2024-03-01,EUR,Acme,1,0,1,1,1'].join(
      '\n',
    );
    const { invoices, errors } = parseInvoiceCsv(text);
    expect(invoices).toEqual([]);
    expect(errors).toEqual([expect.objectContaining({ row: 1, column: 'lineNetAmount', code: 'csv.header' })]);
  });

  it('matches columns in any order and case, ignores unknown ones with a warning, reads semicolons', () => {
    const text = [
      'InvoiceNumber;supplierName;issueDate;currency;netTotal;taxTotal;grossTotal;quantity;unitPrice;lineNetAmount;costCentre',
      'A-1;Acme;2024-01-02;eur;10;0;10;1;10;10;4711',
      '',
    ].join('\r\n');
    const { invoices, errors, warnings } = parseInvoiceCsv(text);
    expect(errors).toEqual([]);
    expect(warnings).toEqual(['Column "costCentre" is not an invoice CSV column and is ignored.']);
    expect(invoices[0]).toMatchObject({ invoiceNumber: 'A-1', currency: 'EUR', lines: [{ description: '', quantity: '1', unitPrice: '10', netAmount: '10' }] });
  });

  it('reports a row with the wrong number of fields once, and leaves its invoice out', () => {
    const text = `${csv(base, { ...base, invoiceNumber: 'INV-2' })}\nINV-1,2024-03-01,2024-03-31,EUR,SUP-1`;
    const { invoices, errors } = parseInvoiceCsv(text);
    expect(errors).toEqual([expect.objectContaining({ row: 4, code: 'csv.fields', message: expect.stringMatching(/has 5 fields but the header has 21/) })]);
    expect(invoices.map((i) => i.invoiceNumber)).toEqual(['INV-2']);
  });

  it('reports an unterminated quote on its row', () => {
    const text = `${csv(base)}\n${csv({ ...base, invoiceNumber: 'INV-2', lineDescription: 'x' })
      .split('\n')[1]
      ?.replace(',x,', ',"x,')}`;
    const { errors } = parseInvoiceCsv(text);
    expect(errors[0]).toMatchObject({ row: 3, code: 'csv.syntax' });
  });

  it('calls onProgress as rows are checked, ending with done = total', () => {
    const rows = Array.from({ length: 250 }, (_, i) => ({ ...base, invoiceNumber: `INV-${i}` }));
    const calls: [number, number][] = [];
    const { invoices } = parseInvoiceCsv(csv(...rows), { onProgress: (done, total) => calls.push([done, total]) });
    expect(invoices).toHaveLength(250);
    expect(calls.length).toBeGreaterThan(2);
    expect(calls.length).toBeLessThanOrEqual(101);
    expect(calls.at(-1)).toEqual([250, 250]);
    expect(calls.every(([done, total], i) => total === 250 && done >= (calls[i - 1]?.[0] ?? 0))).toBe(true);
  });

  it('calls onProgress once for a CSV with only a header', () => {
    const calls: [number, number][] = [];
    expect(parseInvoiceCsv(HEADER, { onProgress: (d, t) => calls.push([d, t]) }).invoices).toEqual([]);
    expect(calls).toEqual([[0, 0]]);
  });

  it('keeps amounts exact: no binary floating point anywhere', () => {
    expect(0.1 + 0.2).not.toBe(0.3);
    const text = csv(
      { ...base, netTotal: '0.3', taxTotal: '0.00', grossTotal: '0.30', lineNetAmount: '0.1', quantity: '1', unitPrice: '0.1', taxAmount: '0' },
      { ...base, netTotal: '0.30', taxTotal: '0', grossTotal: '0.3', lineNetAmount: '0.2', quantity: '1', unitPrice: '0.2', taxAmount: '0' },
      {
        ...base,
        invoiceNumber: 'BIG',
        netTotal: '12345678901234567.89',
        taxTotal: '0.01',
        grossTotal: '12345678901234567.90',
        lineNetAmount: '12345678901234567.89',
        quantity: '0.000000001',
        unitPrice: '+.5',
      },
    );
    const { invoices, errors } = parseInvoiceCsv(text);
    expect(errors).toEqual([]);
    const [small, big] = invoices;
    const lineSum = (small?.lines ?? []).reduce((sum, l) => sum.plus(l.netAmount), new Decimal(0));
    expect(lineSum.equals(new Decimal(small?.netTotal ?? 'NaN'))).toBe(true);
    expect(small?.netTotal).toBe('0.3');
    expect(big).toMatchObject({ netTotal: '12345678901234567.89', grossTotal: '12345678901234567.90' });
    expect(big?.lines[0]).toMatchObject({ quantity: '0.000000001', unitPrice: '0.5' });
    expect(new Decimal(big?.netTotal ?? '0').plus(big?.taxTotal ?? '0').equals(big?.grossTotal ?? '')).toBe(true);
  });

  it('says what to do with an empty file', () => {
    expect(parseInvoiceCsv('').errors).toEqual([expect.objectContaining({ row: 1, code: 'csv.empty' })]);
  });
});
