import Papa from 'papaparse';
import type { CsvIntakeError } from '../invoice/csv.js';
import { amountFromText } from '../invoice/decimal.js';

/** A supplier as master data holds it. */
export interface SupplierRecord {
  id: string;
  name: string;
  taxId?: string;
  country?: string;
  bankAccount?: string;
  /** When the bank account changed (ISO 8601); default: when the change is received. */
  bankAccountChangedAt?: string;
}

export interface PurchaseOrderRecord {
  poNumber: string;
  supplierId?: string;
  currency: string;
  kind?: 'goods' | 'service';
  businessUnit?: string;
  lines: { lineId: string; description?: string; quantity: string; unitPrice: string }[];
}

export interface GoodsReceiptRecord {
  id: string;
  poNumber: string;
  lineId: string;
  quantity: string;
  receivedAt?: string;
}

/** A record read from CSV and the 1-based rows (header = row 1) it came from. */
export interface CsvRecord<T> {
  rows: number[];
  value: T;
}

export interface ReferenceCsvResult<T> {
  /** Records without any error, in file order. */
  records: CsvRecord<T>[];
  errors: CsvIntakeError[];
  warnings: string[];
}

type CellKind = 'text' | 'decimal' | 'country' | 'currency' | 'timestamp' | 'poKind';
interface Column {
  name: string;
  kind: CellKind;
  required?: boolean;
}

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$/;

function checkCell(column: Column, value: string): { value: string } | { message: string } {
  switch (column.kind) {
    case 'decimal': {
      const amount = amountFromText(value);
      return amount
        ? { value: amount.text }
        : { message: `${column.name} "${value}" is not a decimal number: write digits with a dot as the decimal separator, e.g. 1234.50.` };
    }
    case 'country':
      return /^[A-Z]{2}$/.test(value.toUpperCase())
        ? { value: value.toUpperCase() }
        : { message: `${column.name} "${value}" is not a two-letter ISO 3166 country code such as DE.` };
    case 'currency':
      return /^[A-Z]{3}$/.test(value.toUpperCase())
        ? { value: value.toUpperCase() }
        : { message: `${column.name} "${value}" is not a three-letter ISO 4217 currency code such as EUR.` };
    case 'timestamp':
      return TIMESTAMP.test(value) && !Number.isNaN(Date.parse(value))
        ? { value }
        : { message: `${column.name} "${value}" is not a date: write YYYY-MM-DD or an ISO 8601 timestamp.` };
    case 'poKind':
      return value === 'goods' || value === 'service' ? { value } : { message: `${column.name} "${value}" must be goods or service.` };
    default:
      return { value };
  }
}

/** Reads a CSV with named columns (any order and case) into checked rows of cells. */
function readTable(
  text: string,
  columns: readonly Column[],
): {
  rows: { row: number; cells: Record<string, string> }[];
  rejected: { row: number; cells: Record<string, string> }[];
  errors: CsvIntakeError[];
  warnings: string[];
} {
  const errors: CsvIntakeError[] = [];
  const warnings: string[] = [];
  const parsed = Papa.parse<string[]>(text.replace(/^\uFEFF/, ''), { header: false, skipEmptyLines: false, delimitersToGuess: [',', ';', '\t', '|'] });
  const [header, ...data] = parsed.data;
  const names = columns.map((c) => c.name);
  if (!header || header.every((c) => c.trim() === '')) {
    return {
      rows: [],
      rejected: [],
      errors: [{ row: 1, code: 'csv.empty', message: `The CSV has no header row; start with the column names (${names.join(', ')}).` }],
      warnings,
    };
  }
  const byName = new Map(columns.map((c) => [c.name.toLowerCase(), c]));
  const at = new Map<number, Column>();
  header.forEach((raw, i) => {
    const name = raw.trim();
    const column = byName.get(name.toLowerCase());
    if (!column) {
      if (name) warnings.push(`Column "${name}" is not one of ${names.join(', ')} and is ignored.`);
    } else if ([...at.values()].includes(column)) {
      errors.push({ row: 1, column: column.name, code: 'csv.header', message: `Column ${column.name} appears twice in the header; keep one.` });
    } else at.set(i, column);
  });
  for (const c of columns.filter((c) => c.required && ![...at.values()].includes(c))) {
    errors.push({ row: 1, column: c.name, code: 'csv.header', message: `The header has no ${c.name} column; add a column named ${c.name} to the first row.` });
  }
  if (errors.length) return { rows: [], rejected: [], errors, warnings };
  const syntax = new Map<number, string>();
  for (const e of parsed.errors)
    if (e.type !== 'Delimiter' && e.row !== undefined) syntax.set(e.row + 2, `${e.message} (${e.code}); check the quoting on this row.`);
  const rows: { row: number; cells: Record<string, string> }[] = [];
  const rejected: { row: number; cells: Record<string, string> }[] = [];
  data.forEach((fields, index) => {
    const row = index + 2;
    if (fields.every((f) => f.trim() === '')) return;
    let ok = true;
    if (syntax.has(row)) {
      ok = false;
      errors.push({ row, code: 'csv.syntax', message: syntax.get(row)! });
    } else if (fields.length !== header.length) {
      ok = false;
      errors.push({
        row,
        code: 'csv.fields',
        message: `Row ${row} has ${fields.length} fields but the header has ${header.length}; check separators and quotes.`,
      });
    }
    const misshapen = !ok;
    const cells: Record<string, string> = {};
    at.forEach((column, i) => {
      const value = (fields[i] ?? '').trim();
      if (misshapen) {
        // a misshapen row: keep what may identify its record, check nothing else
        if (value && column.kind === 'text') cells[column.name] = value;
        return;
      }
      if (value === '') {
        if (column.required) {
          ok = false;
          errors.push({ row, column: column.name, code: 'csv.missing', message: `${column.name} is empty; every row needs it.` });
        }
        return;
      }
      const checked = checkCell(column, value);
      if ('message' in checked) {
        ok = false;
        errors.push({ row, column: column.name, code: 'csv.invalid', message: checked.message });
      } else cells[column.name] = checked.value;
    });
    (ok ? rows : rejected).push({ row, cells });
  });
  return { rows, rejected, errors, warnings };
}

const pick = <K extends string>(cells: Record<string, string>, keys: readonly K[]) =>
  Object.fromEntries(keys.filter((k) => cells[k] !== undefined).map((k) => [k, cells[k]])) as Partial<Record<K, string>>;

/** A later row for the same key replaces an earlier one; say so, as it is most likely a mistake. */
function lastWins<T>(records: CsvRecord<T>[], key: (v: T) => string, what: string, warnings: string[]): CsvRecord<T>[] {
  const byKey = new Map<string, CsvRecord<T>>();
  for (const r of records) {
    const earlier = byKey.get(key(r.value));
    if (earlier) warnings.push(`${what} ${key(r.value)} appears on rows ${earlier.rows[0]} and ${r.rows[0]}; row ${r.rows[0]} is used.`);
    byKey.set(key(r.value), r);
  }
  return [...byKey.values()];
}

const SUPPLIER_COLUMNS: Column[] = [
  { name: 'id', kind: 'text', required: true },
  { name: 'name', kind: 'text', required: true },
  { name: 'taxId', kind: 'text' },
  { name: 'country', kind: 'country' },
  { name: 'bankAccount', kind: 'text' },
  { name: 'bankAccountChangedAt', kind: 'timestamp' },
];

/**
 * Reads suppliers from CSV, one per row: `id`*, `name`*, `taxId`, `country`, `bankAccount`,
 * `bankAccountChangedAt` (* required). Errors name the row (header = row 1) and column.
 * @example parseSuppliersCsv('id,name\nS1,Acme').records[0].value // { id: 'S1', name: 'Acme' }
 */
export function parseSuppliersCsv(text: string): ReferenceCsvResult<SupplierRecord> {
  const { rows, errors, warnings } = readTable(text, SUPPLIER_COLUMNS);
  const records = rows.map(({ row, cells }) => ({
    rows: [row],
    value: pick(cells, ['id', 'name', 'taxId', 'country', 'bankAccount', 'bankAccountChangedAt']) as SupplierRecord,
  }));
  return { records: lastWins(records, (s) => s.id, 'Supplier', warnings), errors, warnings };
}

const PO_COLUMNS: Column[] = [
  { name: 'poNumber', kind: 'text', required: true },
  { name: 'supplierId', kind: 'text' },
  { name: 'currency', kind: 'currency', required: true },
  { name: 'kind', kind: 'poKind' },
  { name: 'businessUnit', kind: 'text' },
  { name: 'lineId', kind: 'text', required: true },
  { name: 'description', kind: 'text' },
  { name: 'quantity', kind: 'decimal', required: true },
  { name: 'unitPrice', kind: 'decimal', required: true },
];
const PO_HEADER = ['supplierId', 'currency', 'kind', 'businessUnit'] as const;

/**
 * Reads purchase orders from CSV, one row per PO line: `poNumber`*, `supplierId`, `currency`*,
 * `kind` (goods or service), `businessUnit`, `lineId`*, `description`, `quantity`*,
 * `unitPrice`*. The PO's own cells repeat on each of its rows and must agree; a PO with any bad
 * row is left out whole, so a PO is never stored with lines missing.
 * @example parsePurchaseOrdersCsv(text).records.map((r) => r.value.poNumber)
 */
export function parsePurchaseOrdersCsv(text: string): ReferenceCsvResult<PurchaseOrderRecord> {
  const table = readTable(text, PO_COLUMNS);
  const { errors, warnings } = table;
  // a bad row spoils its PO, when its PO number can be read
  const badPos = new Set(table.rejected.map((r) => r.cells.poNumber).filter((n): n is string => !!n));
  const groups = new Map<string, { rows: number[]; cells: Record<string, string>[] }>();
  for (const { row, cells } of table.rows) {
    const group = groups.get(cells.poNumber!) ?? { rows: [], cells: [] };
    const first = group.cells[0];
    if (first) {
      for (const column of PO_HEADER) {
        if ((first[column] ?? '') !== (cells[column] ?? '')) {
          badPos.add(cells.poNumber!);
          errors.push({
            row,
            column,
            code: 'csv.inconsistent',
            message: `${column} is "${cells[column] ?? ''}" here but "${first[column] ?? ''}" on row ${group.rows[0]} of PO ${cells.poNumber}; every row of a PO must repeat the same PO values.`,
          });
        }
      }
      if (group.cells.some((c) => c.lineId === cells.lineId)) {
        badPos.add(cells.poNumber!);
        errors.push({
          row,
          column: 'lineId',
          code: 'csv.inconsistent',
          message: `Line ${cells.lineId} of PO ${cells.poNumber} appears twice; each line once.`,
        });
      }
    }
    group.rows.push(row);
    group.cells.push(cells);
    groups.set(cells.poNumber!, group);
  }
  const records: CsvRecord<PurchaseOrderRecord>[] = [];
  for (const [poNumber, group] of groups) {
    if (badPos.has(poNumber)) continue;
    const first = group.cells[0]!;
    records.push({
      rows: group.rows,
      value: {
        poNumber,
        ...pick(first, ['supplierId', 'businessUnit']),
        currency: first.currency!,
        ...(first.kind ? { kind: first.kind as 'goods' | 'service' } : {}),
        lines: group.cells.map((c) => ({ lineId: c.lineId!, ...pick(c, ['description']), quantity: c.quantity!, unitPrice: c.unitPrice! })),
      },
    });
  }
  return { records, errors, warnings };
}

const RECEIPT_COLUMNS: Column[] = [
  { name: 'id', kind: 'text', required: true },
  { name: 'poNumber', kind: 'text', required: true },
  { name: 'lineId', kind: 'text', required: true },
  { name: 'quantity', kind: 'decimal', required: true },
  { name: 'receivedAt', kind: 'timestamp' },
];

/**
 * Reads goods receipts from CSV, one per row: `id`*, `poNumber`*, `lineId`*, `quantity`*,
 * `receivedAt`. Whether the PO line exists is for the caller to check.
 * @example parseGoodsReceiptsCsv('id,poNumber,lineId,quantity\nGR1,PO1,1,5').records.length // 1
 */
export function parseGoodsReceiptsCsv(text: string): ReferenceCsvResult<GoodsReceiptRecord> {
  const { rows, errors, warnings } = readTable(text, RECEIPT_COLUMNS);
  const records = rows.map(({ row, cells }) => ({
    rows: [row],
    value: pick(cells, ['id', 'poNumber', 'lineId', 'quantity', 'receivedAt']) as GoodsReceiptRecord,
  }));
  return { records: lastWins(records, (r) => r.id, 'Goods receipt', warnings), errors, warnings };
}
