import { describe, expect, it } from 'vitest';
import { invoiceForFeel, parseInvoice, type Invoice } from '../src/index.js';

function posted(overrides: Record<string, unknown> = {}, line: Record<string, unknown> = {}) {
  return {
    invoiceNumber: 'INV-1001',
    issueDate: '2025-03-01',
    currency: 'EUR',
    supplier: { name: 'Acme GmbH', country: 'DE' },
    poNumber: 'PO-77',
    netTotal: '1000.00',
    taxTotal: '50.00',
    grossTotal: '1050.00',
    lines: [{ description: 'Widgets', quantity: 10, unitPrice: '100.00', netAmount: '1000.00', ...line }],
    ...overrides,
  };
}

function parsed(input: unknown): Invoice {
  const result = parseInvoice(input);
  if (!result.ok) throw new Error(`expected a valid invoice: ${JSON.stringify(result.problems)}`);
  return result.invoice;
}

describe('parseInvoice: amounts', () => {
  it('keeps amounts posted as strings exactly as written, scale included', () => {
    const invoice = parsed(posted({ taxTotal: '0.10', netTotal: '007' }));
    expect([invoice.netTotal, invoice.taxTotal, invoice.grossTotal]).toEqual(['007', '0.10', '1050.00']);
    expect(invoice.lines[0].unitPrice).toBe('100.00');
  });

  it('writes amounts posted as numbers as plain decimal strings', () => {
    const invoice = parsed(posted({ netTotal: 0.1, taxTotal: 1050, grossTotal: 1050.5 }, { quantity: 3, unitPrice: 0.3, netAmount: -12.25 }));
    expect([invoice.netTotal, invoice.taxTotal, invoice.grossTotal]).toEqual(['0.1', '1050', '1050.5']);
    expect(invoice.lines[0]).toMatchObject({ quantity: '3', unitPrice: '0.3', netAmount: '-12.25' });
  });

  it('never writes exponent notation', () => {
    const invoice = parsed(posted({ netTotal: 1e21, taxTotal: 1e-7 }, { taxRate: 0.00000001 }));
    expect(invoice.netTotal).toBe('1000000000000000000000');
    expect(invoice.taxTotal).toBe('0.0000001');
    expect(invoice.lines[0].taxRate).toBe('0.00000001');
    for (const amount of [invoice.netTotal, invoice.taxTotal, invoice.lines[0].taxRate!]) expect(amount).toMatch(/^-?\d+(\.\d+)?$/);
  });

  it('adds taxRate and taxAmount to a line only when posted', () => {
    const without = parsed(posted()).lines[0];
    expect('taxRate' in without || 'taxAmount' in without).toBe(false);
    expect(parsed(posted({}, { taxRate: 19, taxAmount: '190.00' })).lines[0]).toMatchObject({ taxRate: '19', taxAmount: '190.00' });
  });
});

describe('parseInvoice: the rest', () => {
  it('defaults documentType to invoice and keeps a credit note', () => {
    expect(parsed(posted()).documentType).toBe('invoice');
    expect(parsed(posted({ documentType: 'creditNote' })).documentType).toBe('creditNote');
  });

  it('takes a credit-note type code (UNTDID 1001, e.g. 381) without a stated documentType as a credit note', () => {
    expect(parsed(posted({ typeCode: '381' })).documentType).toBe('creditNote');
    expect(parsed(posted({ typeCode: '380' })).documentType).toBe('invoice');
    // a stated documentType is kept as stated (UBL takes it from the root element)
    expect(parsed(posted({ typeCode: '381', documentType: 'invoice' })).documentType).toBe('invoice');
  });

  it('keeps the other fields and leaves the input alone', () => {
    const input = posted({ grossTotal: 1050 });
    const copy = structuredClone(input);
    const invoice = parsed(input);
    expect(invoice).toMatchObject({ invoiceNumber: 'INV-1001', issueDate: '2025-03-01', poNumber: 'PO-77', supplier: { name: 'Acme GmbH', country: 'DE' } });
    expect(input).toEqual(copy);
  });

  it('names a missing required field, at the top and on a line', () => {
    const { invoiceNumber: _drop, ...noNumber } = posted();
    expect(parseInvoice(noNumber)).toEqual({ ok: false, problems: [{ path: '/invoiceNumber', message: '/invoiceNumber is required' }] });
    const { netAmount: _net, ...line } = posted().lines[0];
    expect(parseInvoice(posted({ lines: [line] }))).toEqual({
      ok: false,
      problems: [{ path: '/lines/0/netAmount', message: '/lines/0/netAmount is required' }],
    });
  });

  it.each([
    ['grossTotal', true],
    ['grossTotal', '1,050.00'],
    ['currency', 'eur'],
    ['issueDate', '01/03/2025'],
    ['supplier', 'Acme'],
    ['lines', []],
  ])('names the field when %s is %j', (field, value) => {
    const result = parseInvoice(posted({ [field]: value }));
    expect(result.ok).toBe(false);
    const problems = result.ok ? [] : result.problems;
    expect(problems.length).toBeGreaterThan(0);
    for (const problem of problems) {
      expect(problem.path).toBe(`/${field}`);
      expect(problem.message.startsWith(`/${field} `)).toBe(true);
    }
  });

  it('names an unknown field', () => {
    expect(parseInvoice(posted({ total: 1 }))).toEqual({ ok: false, problems: [{ path: '/total', message: '/total is not a known field' }] });
  });

  it('refuses something that is not an invoice, without throwing', () => {
    expect(parseInvoice(null).ok).toBe(false);
    expect(parseInvoice([]).ok).toBe(false);
  });
});

describe('invoiceForFeel', () => {
  it('turns amounts into numbers so FEEL compares values', () => {
    const view = invoiceForFeel(parsed(posted({}, { taxRate: '19' })));
    expect(view).toMatchObject({ netTotal: 1000, taxTotal: 50, grossTotal: 1050, invoiceNumber: 'INV-1001' });
    expect((view.lines as Record<string, unknown>[])[0]).toMatchObject({ quantity: 10, unitPrice: 100, netAmount: 1000, taxRate: 19 });
    expect('taxAmount' in (view.lines as Record<string, unknown>[])[0]).toBe(false);
  });
});
