import { describe, expect, it } from 'vitest';
import { supplierCheck, type BankAccountChange, type SupplierMaster } from '../src/index.js';
import { invoice } from './checkFixtures.js';

const master: SupplierMaster = { id: 'SUP-1', name: 'Acme GmbH', taxId: 'DE123456789', country: 'DE', bankAccount: 'DE89 3704 0044 0532 0130 00' };
const history = (validFrom: string): BankAccountChange[] => [
  { account: 'DE02120300000000202051', validFrom: '2020-01-01', change: false, previousAccount: null },
  { account: 'DE89370400440532013000', validFrom, change: true, previousAccount: 'DE02120300000000202051' },
];
const kinds = (r: ReturnType<typeof supplierCheck>) => r.findings.map((f) => f.kind);
const TODAY = '2027-06-30';

describe('supplierCheck', () => {
  it('accepts a known supplier whose data agrees (spaces and country prefix ignored)', () => {
    const r = supplierCheck(
      invoice({ supplier: { id: 'SUP-1', name: 'Acme', taxId: '123456789', bankAccount: 'de89370400440532013000' } }),
      master,
      history('2020-06-01'),
      {},
      TODAY,
    );
    expect(r).toMatchObject({
      ok: true,
      known: true,
      supplierId: 'SUP-1',
      bankAccountChangedRecently: false,
      bankAccountChangedAt: '2020-06-01',
      previousBankAccount: 'DE02120300000000202051',
    });
  });

  it('an unknown supplier puts the whole invoice at risk', () => {
    const r = supplierCheck(invoice(), undefined, [], {}, TODAY);
    expect(r).toMatchObject({ ok: false, known: false, unknownSupplier: true, valueAtRisk: '119.00' });
    expect(r.findings).toEqual([expect.objectContaining({ kind: 'unknownSupplier', severity: 'high', valueAtRisk: '119.00' })]);
  });

  it('flags a tax id and a bank account that differ from master', () => {
    const r = supplierCheck(
      invoice({ supplier: { id: 'SUP-1', name: 'Acme', taxId: 'DE999999999', bankAccount: 'GB33BUKB20201555555555' } }),
      master,
      [],
      {},
      TODAY,
    );
    expect(kinds(r)).toEqual(['taxIdMismatch', 'bankAccountMismatch']);
    expect(r).toMatchObject({ taxIdMismatch: true, bankAccountMismatch: true });
  });

  it('the previous account is a mismatch too: only the current master account is right', () => {
    const r = supplierCheck(
      invoice({ supplier: { id: 'SUP-1', name: 'Acme', bankAccount: 'DE02120300000000202051' } }),
      master,
      history('2020-06-01'),
      {},
      TODAY,
    );
    expect(kinds(r)).toEqual(['bankAccountMismatch']);
  });

  it('recent change boundary: N days before today is recent, N + 1 is not', () => {
    const check = (validFrom: string) => supplierCheck(invoice({ issueDate: '2026-01-15' }), master, history(validFrom), { recentChangeDays: 30 }, TODAY);
    expect(check('2027-05-31').bankAccountChangedRecently).toBe(true); // 30 days
    expect(check('2027-05-30').bankAccountChangedRecently).toBe(false); // 31 days
    const recent = check('2027-06-20');
    expect(recent).toMatchObject({ daysSinceBankAccountChange: 10, ok: false });
    expect(recent.findings[0]).toMatchObject({ kind: 'bankAccountChanged', severity: 'high', valueAtRisk: '119.00' });
  });

  it('a change within N days around the issue date is recent whenever the check runs', () => {
    const check = (validFrom: string) =>
      supplierCheck(invoice({ issueDate: '2026-11-10' }), master, history(validFrom), { recentChangeDays: 14 }, TODAY).bankAccountChangedRecently;
    expect(check('2026-10-27')).toBe(true); // 14 days before the invoice
    expect(check('2026-11-24')).toBe(true); // 14 days after
    expect(check('2026-10-26')).toBe(false);
  });

  it('the first account on record is not a change; a change reported without the old account is', () => {
    const first = supplierCheck(
      invoice(),
      master,
      [{ account: 'DE89370400440532013000', validFrom: '2027-06-29', change: false, previousAccount: null }],
      {},
      TODAY,
    );
    expect(first.bankAccountChangedRecently).toBe(false);
    const reported = supplierCheck(
      invoice(),
      master,
      [{ account: 'DE89370400440532013000', validFrom: '2027-06-29', change: true, previousAccount: null }],
      {},
      TODAY,
    );
    expect(reported).toMatchObject({ bankAccountChangedRecently: true, previousBankAccount: null });
  });
});
