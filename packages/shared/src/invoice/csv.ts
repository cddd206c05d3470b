import Papa from 'papaparse';
import { amountFromText } from './decimal.js';
import { parseInvoice, type Invoice } from './invoice.js';
import { omitUndefined } from './omitUndefined.js';

/**
 * The columns of the invoice CSV, one row per invoice line. Header fields (`invoiceNumber` to
 * `grossTotal`) repeat on every row of an invoice and must agree; line fields
 * (`lineDescription` to `poLineRef`) describe that row's line.
 */
export const INVOICE_CSV_COLUMNS = [
  'invoiceNumber',
  'issueDate',
  'dueDate',
  'currency',
  'supplierId',
  'supplierName',
  'supplierTaxId',
  'supplierBankAccount',
  'supplierCountry',
  'poNumber',
  'businessUnit',
  'netTotal',
  'taxTotal',
  'grossTotal',
  'lineDescription',
  'quantity',
  'unitPrice',
  'lineNetAmount',
  'taxRate',
  'taxAmount',
  'poLineRef',
] as const;

export type InvoiceCsvColumn = (typeof INVOICE_CSV_COLUMNS)[number];

/** Stable codes for what can be wrong in an invoice CSV. */
export type CsvErrorCode = 'csv.empty' | 'csv.header' | 'csv.syntax' | 'csv.fields' | 'csv.missing' | 'csv.invalid' | 'csv.inconsistent' | 'schema';

/** One problem, on a 1-based row where the header is row 1 (so the first line of data is row 2). */
export interface CsvIntakeError {
  row: number;
  column?: string;
  message: string;
  code: CsvErrorCode;
}

export interface CsvIntakeResult {
  /** The invoices without any error, in the order they first appear. */
  invoices: Invoice[];
  /** Every problem found; an invoice with any of them is left out of `invoices`. */
  errors: CsvIntakeError[];
  /** Things that did not stop any invoice, e.g. columns this intake does not know. */
  warnings: string[];
}

export interface CsvIntakeOptions {
  /** Called as rows are checked, about a hundred times at most, and once at the end. */
  onProgress?: (rowsDone: number, rowsTotal: number) => void;
}

const REQUIRED: readonly InvoiceCsvColumn[] = [
  'invoiceNumber',
  'issueDate',
  'currency',
  'supplierName',
  'netTotal',
  'taxTotal',
  'grossTotal',
  'quantity',
  'unitPrice',
  'lineNetAmount',
];
const HEADER_COLUMNS = INVOICE_CSV_COLUMNS.slice(0, INVOICE_CSV_COLUMNS.indexOf('lineDescription'));
const DECIMAL_COLUMNS = new Set<InvoiceCsvColumn>(['netTotal', 'taxTotal', 'grossTotal', 'quantity', 'unitPrice', 'lineNetAmount', 'taxRate', 'taxAmount']);
const DATE_COLUMNS = new Set<InvoiceCsvColumn>(['issueDate', 'dueDate']);
const CODE_COLUMNS: Partial<Record<InvoiceCsvColumn, RegExp>> = { currency: /^[A-Z]{3}$/, supplierCountry: /^[A-Z]{2}$/ };
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const KEY_COLUMNS = new Set<InvoiceCsvColumn>(['invoiceNumber', 'supplierId', 'supplierName']);

/** Canonical field (JSON pointer) → column, to name the column when the schema objects. */
const FIELD_COLUMNS: Record<string, InvoiceCsvColumn> = {
  '/invoiceNumber': 'invoiceNumber',
  '/issueDate': 'issueDate',
  '/dueDate': 'dueDate',
  '/currency': 'currency',
  '/supplier/id': 'supplierId',
  '/supplier/name': 'supplierName',
  '/supplier/taxId': 'supplierTaxId',
  '/supplier/bankAccount': 'supplierBankAccount',
  '/supplier/country': 'supplierCountry',
  '/poNumber': 'poNumber',
  '/businessUnit': 'businessUnit',
  '/netTotal': 'netTotal',
  '/taxTotal': 'taxTotal',
  '/grossTotal': 'grossTotal',
  '/description': 'lineDescription',
  '/quantity': 'quantity',
  '/unitPrice': 'unitPrice',
  '/netAmount': 'lineNetAmount',
  '/taxRate': 'taxRate',
  '/taxAmount': 'taxAmount',
  '/poLineRef': 'poLineRef',
};

type Cells = Partial<Record<InvoiceCsvColumn, string>>;
interface CsvRow {
  row: number;
  cells: Cells;
  /** Columns whose cell was missing or invalid, so agreement checks skip them. */
  failed: Set<InvoiceCsvColumn>;
}

/** Checks one cell and returns its canonical text, or an error message. */
function checkCell(column: InvoiceCsvColumn, value: string): { value: string } | { message: string } {
  if (DECIMAL_COLUMNS.has(column)) {
    const amount = amountFromText(value);
    return amount
      ? { value: amount.text }
      : {
          message: `${column} "${value}" is not a decimal number: write digits with a dot as the decimal separator, e.g. 1234.50, without thousands separators.`,
        };
  }
  if (DATE_COLUMNS.has(column) && (!DATE.test(value) || Number.isNaN(Date.parse(value)))) {
    return { message: `${column} "${value}" is not a date: write it as YYYY-MM-DD.` };
  }
  const code = CODE_COLUMNS[column];
  if (code && !code.test(value.toUpperCase())) {
    return {
      message: `${column} "${value}" is not a ${column === 'currency' ? 'three-letter ISO 4217 currency code such as EUR' : 'two-letter ISO 3166 country code such as DE'}.`,
    };
  }
  return { value: code ? value.toUpperCase() : value };
}

function sameValue(column: InvoiceCsvColumn, a: string, b: string): boolean {
  if (!DECIMAL_COLUMNS.has(column) || a === '' || b === '') return a === b;
  const x = amountFromText(a);
  const y = amountFromText(b);
  return x && y ? x.value.eq(y.value) : a === b;
}

function readHeader(header: string[], errors: CsvIntakeError[], warnings: string[]): Map<number, InvoiceCsvColumn> {
  const known = new Map(INVOICE_CSV_COLUMNS.map((c) => [c.toLowerCase(), c]));
  const columns = new Map<number, InvoiceCsvColumn>();
  const seen = new Set<InvoiceCsvColumn>();
  header.forEach((raw, index) => {
    const name = raw.replace(/^\uFEFF/, '').trim();
    const column = known.get(name.toLowerCase());
    if (!column) {
      if (name !== '') warnings.push(`Column "${name}" is not an invoice CSV column and is ignored.`);
      return;
    }
    if (seen.has(column)) {
      errors.push({ row: 1, column, code: 'csv.header', message: `Column ${column} appears twice in the header; keep one.` });
    }
    seen.add(column);
    columns.set(index, column);
  });
  for (const column of REQUIRED) {
    if (!seen.has(column)) {
      errors.push({ row: 1, column, code: 'csv.header', message: `The header has no ${column} column; add a column named ${column} to the first row.` });
    }
  }
  return columns;
}

function buildInvoice(rows: CsvRow[]): Record<string, unknown> {
  const first = rows[0]?.cells ?? {};
  return omitUndefined({
    documentType: 'invoice',
    invoiceNumber: first.invoiceNumber,
    issueDate: first.issueDate,
    dueDate: first.dueDate,
    currency: first.currency,
    supplier: omitUndefined({
      id: first.supplierId,
      name: first.supplierName,
      taxId: first.supplierTaxId,
      bankAccount: first.supplierBankAccount,
      country: first.supplierCountry,
    }),
    poNumber: first.poNumber,
    businessUnit: first.businessUnit,
    netTotal: first.netTotal,
    taxTotal: first.taxTotal,
    grossTotal: first.grossTotal,
    lines: rows.map(({ cells }) =>
      omitUndefined({
        description: cells.lineDescription ?? '',
        quantity: cells.quantity,
        unitPrice: cells.unitPrice,
        netAmount: cells.lineNetAmount,
        taxRate: cells.taxRate,
        taxAmount: cells.taxAmount,
        poLineRef: cells.poLineRef,
      }),
    ),
  });
}

/**
 * Reads invoices from CSV text (papaparse; comma, semicolon, tab or pipe separated, quoted
 * fields may hold separators and line breaks), one row per invoice line.
 *
 * Columns, matched by name in any order and case; unknown ones are ignored with a warning:
 * - header, repeated on each row of an invoice: `invoiceNumber`*, `issueDate`* (YYYY-MM-DD),
 *   `dueDate`, `currency`* (ISO 4217), `supplierId`, `supplierName`*, `supplierTaxId`,
 *   `supplierBankAccount`, `supplierCountry` (ISO 3166 alpha-2), `poNumber`, `businessUnit`,
 *   `netTotal`*, `taxTotal`*, `grossTotal`*;
 * - line: `lineDescription`, `quantity`*, `unitPrice`*, `lineNetAmount`*, `taxRate` (percent,
 *   "19" for 19 %), `taxAmount`, `poLineRef`.
 *
 * (* required column and cell.) Numbers use a dot as decimal separator and no thousands
 * separators; they stay exact decimal strings. Rows with the same supplier (`supplierId`, or
 * `supplierName` when there is no id) and `invoiceNumber` form one invoice; its header cells
 * must agree on every row. Errors name the row (the header is row 1) and the column; an
 * invoice with any error is left out, the others are returned.
 *
 * @example
 * const { invoices, errors } = parseInvoiceCsv(text, { onProgress: (done, total) => bar.set(done / total) });
 * // errors: [{ row: 3, column: 'quantity', code: 'csv.invalid', message: 'quantity "2,5" is not a decimal number: ...' }]
 */
export function parseInvoiceCsv(text: string, options: CsvIntakeOptions = {}): CsvIntakeResult {
  const errors: CsvIntakeError[] = [];
  const warnings: string[] = [];
  const parsed = Papa.parse<string[]>(text.replace(/^\uFEFF/, ''), {
    header: false,
    skipEmptyLines: false,
    delimitersToGuess: [',', ';', '\t', '|'],
  });
  const [header, ...data] = parsed.data;
  if (!header || header.every((cell) => cell.trim() === '')) {
    return {
      invoices: [],
      errors: [{ row: 1, code: 'csv.empty', message: `The CSV has no header row; start with the column names (${INVOICE_CSV_COLUMNS.join(', ')}).` }],
      warnings,
    };
  }
  const columns = readHeader(header, errors, warnings);
  if (errors.length > 0) return { invoices: [], errors, warnings };

  const badRows = new Set<number>();
  const fail = (error: CsvIntakeError) => {
    errors.push(error);
    badRows.add(error.row);
  };
  for (const e of parsed.errors) {
    if (e.type === 'Delimiter' || e.row === undefined) continue;
    fail({ row: e.row + 1, code: 'csv.syntax', message: `${e.message} (${e.code}); check the quoting on this row.` });
  }

  const total = data.length;
  const step = Math.max(1, Math.ceil(total / 100));
  const groups = new Map<string, CsvRow[]>();
  data.forEach((fields, index) => {
    const row = index + 2;
    if (fields.every((cell) => cell.trim() === '')) return;
    // A row with the wrong field count has its cells shifted: only its key cells are read
    // (best effort) so that the invoice it belongs to is left out rather than returned short.
    const misshapen = fields.length !== header.length;
    if (misshapen) {
      fail({ row, code: 'csv.fields', message: `Row ${row} has ${fields.length} fields but the header has ${header.length}; check separators and quotes.` });
    }
    const cells: Cells = {};
    const failed = new Set<InvoiceCsvColumn>();
    columns.forEach((column, i) => {
      const value = (fields[i] ?? '').trim();
      if (misshapen) {
        if (KEY_COLUMNS.has(column) && value !== '') cells[column] = value;
        else failed.add(column);
        return;
      }
      if (value === '') {
        if (REQUIRED.includes(column)) {
          failed.add(column);
          fail({ row, column, code: 'csv.missing', message: `${column} is empty; every row needs it.` });
        }
        return;
      }
      const checked = checkCell(column, value);
      if ('message' in checked) {
        failed.add(column);
        fail({ row, column, code: 'csv.invalid', message: checked.message });
      } else cells[column] = checked.value;
    });
    const supplierKey = cells.supplierId ?? (cells.supplierName && `name:${cells.supplierName.toLowerCase()}`);
    if (cells.invoiceNumber && supplierKey) {
      const key = `${supplierKey}\u0000${cells.invoiceNumber}`;
      const group = groups.get(key) ?? [];
      const first = group[0];
      if (first) {
        for (const column of HEADER_COLUMNS.filter((c) => !failed.has(c) && !first.failed.has(c))) {
          const a = first.cells[column] ?? '';
          const b = cells[column] ?? '';
          if (!sameValue(column, a, b)) {
            fail({
              row,
              column,
              code: 'csv.inconsistent',
              message: `${column} is "${b}" here but "${a}" on row ${first.row} of invoice ${cells.invoiceNumber}; every row of an invoice must repeat the same header values.`,
            });
          }
        }
      }
      group.push({ row, cells, failed });
      groups.set(key, group);
    }
    if ((index + 1) % step === 0 && index + 1 < total) options.onProgress?.(index + 1, total);
  });

  const invoices: Invoice[] = [];
  for (const rows of groups.values()) {
    const broken = rows.filter((r) => badRows.has(r.row));
    if (broken.length > 0) {
      const first = rows[0] as CsvRow;
      if (rows.length > broken.length) {
        warnings.push(
          `Invoice ${first.cells.invoiceNumber} (rows ${rows.map((r) => r.row).join(', ')}) is left out because of the errors on row ${broken.map((r) => r.row).join(', ')}.`,
        );
      }
      continue;
    }
    const checked = parseInvoice(buildInvoice(rows));
    if (checked.ok) {
      invoices.push(checked.invoice);
      continue;
    }
    for (const p of checked.problems) {
      const line = /^\/lines\/(\d+)(\/.*)?$/.exec(p.path);
      const at = line ? (rows[Number(line[1])] ?? rows[0]) : rows[0];
      const column = FIELD_COLUMNS[line ? (line[2] ?? '') : p.path];
      errors.push({ row: (at as CsvRow).row, ...(column ? { column } : {}), code: 'schema', message: `${column ?? p.path}: ${p.message}` });
    }
  }
  options.onProgress?.(total, total);
  return { invoices, errors, warnings };
}
