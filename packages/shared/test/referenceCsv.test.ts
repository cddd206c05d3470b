import { describe, expect, it } from 'vitest';
import { parseGoodsReceiptsCsv, parsePurchaseOrdersCsv, parseSuppliersCsv } from '../src/index.js';

describe('reference data CSV', () => {
  it('reads suppliers in any column order and case, with per-row errors', () => {
    const r = parseSuppliersCsv('Name;ID;country;bankAccount;extra\nAcme GmbH;S1;de;DE89370400440532013000;x\n;S2;SE;;\nNordic;S3;Sweden;;\n');
    expect(r.records).toEqual([{ rows: [2], value: { id: 'S1', name: 'Acme GmbH', country: 'DE', bankAccount: 'DE89370400440532013000' } }]);
    expect(r.errors).toEqual([
      expect.objectContaining({ row: 3, column: 'name', code: 'csv.missing' }),
      expect.objectContaining({ row: 4, column: 'country', code: 'csv.invalid' }),
    ]);
    expect(r.warnings).toEqual([expect.stringContaining('"extra"')]);
  });

  it('names a missing required column on the header row', () => {
    expect(parseSuppliersCsv('id,taxId\nS1,DE1').errors).toEqual([expect.objectContaining({ row: 1, column: 'name', code: 'csv.header' })]);
    expect(parseSuppliersCsv('').errors[0]).toMatchObject({ code: 'csv.empty' });
  });

  it('groups PO lines into POs; a PO with any bad row is left out whole', () => {
    const text = [
      'poNumber,supplierId,currency,kind,lineId,description,quantity,unitPrice',
      'PO-1,S1,EUR,goods,1,Chair,10,120.00',
      'PO-1,S1,EUR,goods,2,Desk,5,300.00',
      'PO-2,S2,EUR,service,1,Consulting,10,"1,000.00"',
      'PO-2,S2,EUR,service,2,Travel,1,200.00',
      'PO-3,S3,EUR,goods,1,Gloves,40,18.50',
      'PO-3,S3,SEK,goods,2,Boots,4,80.00',
      'PO-4,S4,EUR,goods,1,Too,many,fields,here,now',
    ].join('\n');
    const r = parsePurchaseOrdersCsv(text);
    expect(r.records.map((p) => p.value.poNumber)).toEqual(['PO-1']);
    expect(r.records[0]).toEqual({
      rows: [2, 3],
      value: {
        poNumber: 'PO-1',
        supplierId: 'S1',
        currency: 'EUR',
        kind: 'goods',
        lines: [
          { lineId: '1', description: 'Chair', quantity: '10', unitPrice: '120.00' },
          { lineId: '2', description: 'Desk', quantity: '5', unitPrice: '300.00' },
        ],
      },
    });
    expect(r.errors.map((e) => [e.row, e.column, e.code])).toEqual([
      [4, 'unitPrice', 'csv.invalid'],
      [8, undefined, 'csv.fields'],
      [7, 'currency', 'csv.inconsistent'],
    ]);
  });

  it('reads goods receipts; a repeated id keeps the last row and says so', () => {
    const r = parseGoodsReceiptsCsv('id,poNumber,lineId,quantity,receivedAt\nGR1,PO-1,1,4,2026-11-01\nGR1,PO-1,1,6,2026-11-02T10:00:00Z\nGR2,PO-1,2,x,\n');
    expect(r.records).toEqual([{ rows: [3], value: { id: 'GR1', poNumber: 'PO-1', lineId: '1', quantity: '6', receivedAt: '2026-11-02T10:00:00Z' } }]);
    expect(r.errors).toEqual([expect.objectContaining({ row: 4, column: 'quantity' })]);
    expect(r.warnings).toEqual([expect.stringContaining('GR1 appears on rows 2 and 3')]);
  });
});
