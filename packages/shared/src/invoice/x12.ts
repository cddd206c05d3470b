import { amountFromText, formatDecimal, IntakeDecimal, sumDecimals, type Amount } from './decimal.js';
import type { IntakeProblem, IntakeProblemCode, IntakeResult } from './intake.js';
import { parseInvoice, type InvoiceAllowanceCharge, type InvoiceLine, type InvoiceParty } from './invoice.js';
import { omitUndefined } from './omitUndefined.js';

export interface X12IntakeOptions {
  /** Refuse interchanges longer than this many characters. Default 5 MiB. */
  maxBytes?: number;
}

/** One segment as read: its ID, its elements (index 1 = XX01), and its 1-based position. */
interface Segment {
  id: string;
  elements: string[];
  position: number;
}

const DEFAULT_MAX = 5 * 1024 * 1024;
const ISA_LENGTH = 106;
const SEGMENT_ID = /^[A-Z][A-Z0-9]{1,2}$/;
const DATE = /^(\d{4})(\d{2})(\d{2})$/;
/** X12 type N2: an integer with two implied decimals ("19040" is 190.40). */
const IMPLIED_2 = /^-?\d+$/;
const CURRENCY = /^[A-Z]{3}$/;

class X12Problems {
  readonly list: IntakeProblem[] = [];
  readonly warnings: string[] = [];
  add(code: IntakeProblemCode, path: string, message: string) {
    this.list.push({ code, path, message: `${path} ${message}` });
  }
}

/**
 * Splits an interchange into segments with the separators the ISA header declares: the
 * element separator is the character after "ISA", the component separator is ISA16 and the
 * segment terminator the character after it (ISA is fixed-length, 106 characters). Line breaks
 * after terminators are allowed.
 */
function tokenize(text: string, p: X12Problems): Segment[] | undefined {
  const syntax = (message: string) => {
    p.add('x12.syntax', 'ISA', message);
    return undefined;
  };
  if (!text.startsWith('ISA')) return syntax('is missing: an X12 interchange starts with the ISA header segment.');
  if (text.length < ISA_LENGTH) return syntax(`is ${text.length} characters; the ISA header is fixed-length (106 characters).`);
  const element = text[3]!;
  const component = text[104]!;
  const terminator = text[105]!;
  const isa = text.slice(0, 105).split(element);
  if (isa.length !== 17) {
    return syntax(
      `has ${isa.length - 1} elements when split by its element separator "${element}" (the character after "ISA"); it must have 16 in its fixed 106 characters. Check that ISA is not shortened or padded, and that the separators are the ones the header declares.`,
    );
  }
  const separators = [element, component, terminator];
  if (separators.some((c) => /[A-Za-z0-9 ]/.test(c)) || new Set(separators).size !== 3) {
    return syntax(
      `declares separators element "${element}", component (ISA16) "${component}" and segment terminator "${terminator}"; they must be three different characters that are not letters, digits or spaces.`,
    );
  }
  const segments: Segment[] = [];
  const raw = text.split(terminator);
  for (let i = 0; i < raw.length; i++) {
    const body = terminator === '\n' || terminator === '\r' ? raw[i]!.replace(/^\r?\n?|\r$/g, '') : raw[i]!.replace(/^[\r\n]+|[\r\n]+$/g, '');
    if (body.trim() === '') {
      if (i === raw.length - 1) continue;
      p.add('x12.syntax', `segment ${segments.length + 1}`, `is empty: two segment terminators "${terminator}" follow each other.`);
      return undefined;
    }
    const elements = body.split(element);
    const id = elements[0]!;
    if (!SEGMENT_ID.test(id)) {
      p.add(
        'x12.syntax',
        `segment ${segments.length + 1}`,
        `("${body.slice(0, 40)}") has no valid segment ID. Elements must be separated by "${element}" and segments ended by "${terminator}", as ISA declares.`,
      );
      return undefined;
    }
    segments.push({ id, elements, position: segments.length + 1 });
  }
  if (raw[raw.length - 1]!.trim() !== '') {
    p.add('x12.syntax', segments.at(-1)?.id ?? 'IEA', `is not ended by the segment terminator "${terminator}" that ISA declares.`);
  }
  return segments;
}

const el = (s: Segment | undefined, n: number) => {
  const v = s?.elements[n]?.trim();
  return v === undefined || v === '' ? undefined : v;
};

/** Reads the control envelope and returns the segments of the one 810 transaction set. */
function envelope(segments: Segment[], p: X12Problems): Segment[] | undefined {
  const isa = segments[0]!;
  const gs = segments[1];
  if (gs?.id !== 'GS') {
    p.add('x12.missing', 'GS', 'is missing after ISA: the functional group header must follow the interchange header.');
    return undefined;
  }
  if (el(gs, 1) !== 'IN') p.add('x12.notInvoice', 'GS01', `is "${el(gs, 1) ?? ''}", not IN (invoice): this intake reads 810 invoices only.`);
  const version = el(gs, 8);
  if (version && !version.startsWith('004010')) p.warnings.push(`GS08 version is ${version}, not 004010; the 810 is read with the 004010 layout.`);
  const starts = segments.filter((s) => s.id === 'ST');
  if (starts.length !== 1) {
    p.add(
      starts.length === 0 ? 'x12.missing' : 'x12.invalid',
      'ST',
      starts.length === 0
        ? 'is missing: the interchange holds no transaction set.'
        : `occurs ${starts.length} times: send one invoice (one ST…SE transaction set) per interchange.`,
    );
    return undefined;
  }
  const st = starts[0]!;
  if (el(st, 1) !== '810') p.add('x12.notInvoice', 'ST01', `is "${el(st, 1) ?? ''}", not 810: this intake reads X12 810 invoices only.`);
  const seIndex = segments.findIndex((s) => s.id === 'SE');
  const se = segments[seIndex];
  const ge = segments[seIndex + 1];
  const iea = segments[seIndex + 2];
  if (!se) p.add('x12.missing', 'SE', 'is missing: the transaction set must end with SE.');
  else {
    const count = se.position - st.position + 1;
    if (el(se, 1) !== String(count))
      p.add(
        'x12.invalid',
        'SE01',
        `is "${el(se, 1) ?? ''}" but the transaction set has ${count} segments (ST to SE): the interchange is truncated or altered.`,
      );
    if (el(se, 2) !== el(st, 2)) p.add('x12.invalid', 'SE02', `"${el(se, 2) ?? ''}" does not match ST02 "${el(st, 2) ?? ''}".`);
  }
  if (ge?.id !== 'GE') p.add('x12.missing', 'GE', 'is missing after SE: the functional group must end with GE.');
  else if (el(ge, 2) !== el(gs, 6) || el(ge, 1) !== '1')
    p.add('x12.invalid', 'GE', `(${ge.elements.slice(1).join(', ')}) must count 1 transaction set and repeat GS06 "${el(gs, 6) ?? ''}".`);
  if (iea?.id !== 'IEA') p.add('x12.missing', 'IEA', 'is missing after GE: the interchange must end with IEA.');
  else {
    if (el(iea, 2) !== el(isa, 13))
      p.add('x12.invalid', 'IEA02', `"${el(iea, 2) ?? ''}" does not match the interchange control number ISA13 "${el(isa, 13) ?? ''}".`);
    if (el(iea, 1) !== '1') p.add('x12.invalid', 'IEA01', `is "${el(iea, 1) ?? ''}"; the interchange holds 1 functional group.`);
    if (segments.length > iea.position) p.add('x12.syntax', `segment ${iea.position + 1}`, 'follows IEA: nothing may follow the interchange trailer.');
  }
  if (segments[1] && st.position !== 3) p.add('x12.syntax', 'ST', 'must follow GS directly.');
  return se ? segments.slice(st.position, se.position - 1) : undefined;
}

function decimal(p: X12Problems, path: string, raw: string | undefined, what: string, required = false): Amount | undefined {
  if (raw === undefined) {
    if (required) p.add('x12.missing', path, `(${what}) is missing.`);
    return undefined;
  }
  const value = amountFromText(raw);
  if (!value) p.add('x12.invalid', path, `(${what}) is not a decimal number ("${raw}").`);
  return value;
}

/** Type N2: digits with two implied decimal places. */
function implied2(p: X12Problems, path: string, raw: string | undefined, what: string, required = false): Amount | undefined {
  if (raw === undefined) {
    if (required) p.add('x12.missing', path, `(${what}) is missing.`);
    return undefined;
  }
  if (!IMPLIED_2.test(raw)) {
    p.add('x12.invalid', path, `(${what}) is "${raw}": it is an amount with two implied decimals, written as digits only (19040 for 190.40).`);
    return undefined;
  }
  const value = new IntakeDecimal(raw).div(100);
  return { value, text: value.toFixed(2) };
}

function date(p: X12Problems, path: string, raw: string | undefined, what: string, required = false): string | undefined {
  if (raw === undefined) {
    if (required) p.add('x12.missing', path, `(${what}) is missing.`);
    return undefined;
  }
  const m = DATE.exec(raw);
  const iso = m ? `${m[1]}-${m[2]}-${m[3]}` : undefined;
  const d = iso ? new Date(`${iso}T00:00:00Z`) : undefined;
  if (!iso || !d || Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== iso) {
    p.add('x12.invalid', path, `(${what}) is "${raw}", not a date CCYYMMDD.`);
    return undefined;
  }
  return iso;
}

/** N1 loops by entity code (N101): name N102, id N104, country N404, tax ID REF*TJ. */
function parties(body: Segment[]): Map<string, InvoiceParty> {
  const out = new Map<string, InvoiceParty>();
  for (let i = 0; i < body.length; i++) {
    const n1 = body[i]!;
    if (n1.id !== 'N1') continue;
    const loop: Segment[] = [];
    for (let j = i + 1; j < body.length && ['N2', 'N3', 'N4', 'REF', 'PER'].includes(body[j]!.id); j++) loop.push(body[j]!);
    const code = el(n1, 1) ?? '';
    const name = el(n1, 2);
    const country = el(
      loop.find((s) => s.id === 'N4'),
      4,
    );
    if (!name || out.has(code)) continue;
    out.set(
      code,
      omitUndefined({
        id: el(n1, 4),
        name,
        taxId: el(
          loop.find((s) => s.id === 'REF' && el(s, 1) === 'TJ'),
          2,
        ),
        country: country && /^[A-Z]{2}$/.test(country) ? country : undefined,
      }),
    );
  }
  return out;
}

interface ReadX12Line {
  line: InvoiceLine;
  net: IntakeDecimal;
  tax?: IntakeDecimal;
}

/** IT1 loops: IT1 with its PID description and TXI line tax. The line net is quantity × price. */
function lines(body: Segment[], p: X12Problems): ReadX12Line[] {
  const out: ReadX12Line[] = [];
  const starts = body.map((s, i) => (s.id === 'IT1' ? i : -1)).filter((i) => i >= 0);
  starts.forEach((start, n) => {
    const it1 = body[start]!;
    const summaryStart = body.findIndex((s, i) => i > start && (s.id === 'TDS' || s.id === 'CTT'));
    const end = starts[n + 1] ?? (summaryStart < 0 ? body.length : summaryStart);
    const loop = body.slice(start + 1, end);
    const at = `IT1[${n + 1}]`;
    const quantity = decimal(p, `${at}/IT102`, el(it1, 2), 'quantity invoiced', true);
    const price = decimal(p, `${at}/IT104`, el(it1, 4), 'unit price', true);
    const ids: Record<string, string> = {};
    for (let k = 6; k + 1 < it1.elements.length; k += 2) {
      const q = el(it1, k);
      const v = el(it1, k + 1);
      if (q && v && !(q in ids)) ids[q] = v;
    }
    const productId = Object.entries(ids).find(([q]) => q !== 'PL');
    const description =
      el(
        loop.find((s) => s.id === 'PID'),
        5,
      ) ?? (productId ? `${productId[0]} ${productId[1]}` : undefined);
    if (!description) p.add('x12.missing', `${at}/PID05`, '(item description) is missing, and IT1 names no product ID to describe the line by.');
    const txi = loop.find((s) => s.id === 'TXI');
    const taxAmount = txi ? decimal(p, `${at}/TXI02`, el(txi, 2), 'line tax amount') : undefined;
    const taxRate = txi ? decimal(p, `${at}/TXI03`, el(txi, 3), 'line tax percent') : undefined;
    if (!quantity || !price || !description) return;
    const net = quantity.value.times(price.value);
    out.push({
      net,
      tax: taxAmount?.value,
      line: omitUndefined({
        lineId: el(it1, 1),
        description,
        quantity: quantity.text,
        unitCode: el(it1, 3),
        unitPrice: price.text,
        netAmount: formatDecimal(net),
        taxRate: taxRate?.text,
        taxAmount: taxAmount?.text,
        poLineRef: ids.PL,
      }),
    });
  });
  return out;
}

/**
 * Reads an ANSI ASC X12 810 invoice (version 004010) into the canonical {@link Invoice}. The
 * separators are the ones the ISA header declares; anything that does not follow them, an
 * envelope whose control numbers or counts do not match (SE01, SE02, GE, IEA) or more than one
 * transaction set is refused, naming the segment or element (`BIG02`, `IT1[2]/IT104`).
 *
 * Mapping: BIG01 issue date, BIG02 number, BIG04 PO number, BIG07 "CR" (credit memo) a credit
 * note, REF*OI the invoice it credits; N1*SE seller, N1*BT or N1*BY buyer; CUR02 currency (USD when absent, with a warning);
 * IT1 lines (net = IT102 × IT104, exact); TDS01 the total with tax (two implied decimals);
 * summary TXI02 the tax (their sum; else the line TXIs; else 0 with a warning); SAC allowances
 * and charges (SAC05, implied decimals); net total = TDS01 − tax. CTT01 must count the lines.
 *
 * @example
 * const r = parseX12Invoice('ISA*00*...~GS*IN*...~ST*810*0001~BIG*20240301*INV-1~...~IEA*1*000000001~');
 * if (!r.ok) console.log(r.problems[0].path); // e.g. 'BIG02'
 */
export function parseX12Invoice(text: string, options: X12IntakeOptions = {}): IntakeResult {
  const p = new X12Problems();
  const input = (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).replace(/^\s+/, '');
  if (input.length > (options.maxBytes ?? DEFAULT_MAX)) {
    return {
      ok: false,
      problems: [
        {
          code: 'x12.tooLarge',
          path: '(document)',
          message: `The interchange is larger than ${options.maxBytes ?? DEFAULT_MAX} characters. Send one invoice per interchange or raise the intake size limit.`,
        },
      ],
    };
  }
  const segments = tokenize(input, p);
  const body = segments && envelope(segments, p);
  if (!segments || !body || p.list.length > 0) return { ok: false, problems: p.list };

  const one = (id: string) => body.find((s) => s.id === id);
  const big = one('BIG');
  if (!big) {
    p.add('x12.missing', 'BIG', '(beginning segment for invoice) is missing: it carries the invoice date and number.');
    return { ok: false, problems: p.list };
  }
  const issueDate = date(p, 'BIG01', el(big, 1), 'invoice date', true);
  const invoiceNumber = el(big, 2);
  if (!invoiceNumber) p.add('x12.missing', 'BIG02', '(invoice number) is missing: every invoice has a number.');
  const transactionType = el(big, 7);
  const documentType = transactionType === 'CR' ? 'creditNote' : 'invoice';
  const cur = one('CUR');
  let currency = el(cur, 2);
  if (!cur) {
    currency = 'USD';
    p.warnings.push('CUR is missing; the invoice is taken to be in USD (X12 default for domestic trade).');
  } else if (!currency || !CURRENCY.test(currency)) p.add('x12.invalid', 'CUR02', `(currency) "${currency ?? ''}" is not an ISO 4217 code such as USD.`);

  const byEntity = parties(body);
  const supplier = byEntity.get('SE') ?? byEntity.get('RI');
  if (!supplier) p.add('x12.missing', 'N1*SE/N102', '(seller name) is missing: add an N1 loop with entity code SE (selling party) and its name.');
  if (!byEntity.has('SE') && byEntity.has('RI')) p.warnings.push('No N1*SE loop; the remit-to party (N1*RI) is taken as the seller.');
  const buyer = byEntity.get('BY') ?? byEntity.get('BT');

  const readLines = lines(body, p);
  const it1Count = body.filter((s) => s.id === 'IT1').length;
  if (it1Count === 0) p.add('x12.missing', 'IT1', '(invoice line) is missing: an invoice needs at least one line.');
  const ctt = one('CTT');
  if (ctt && el(ctt, 1) !== String(it1Count))
    p.add('x12.invalid', 'CTT01', `is "${el(ctt, 1) ?? ''}" but the invoice has ${it1Count} IT1 lines: the interchange is truncated or altered.`);

  const tdsIndex = body.findIndex((s) => s.id === 'TDS');
  const gross = implied2(p, 'TDS01', el(body[tdsIndex], 1), 'total invoice amount', true);
  const summary = tdsIndex >= 0 ? body.slice(tdsIndex + 1) : [];
  const summaryTax = summary.filter((s) => s.id === 'TXI');
  const taxes: IntakeDecimal[] = [];
  summaryTax.forEach((t, i) => {
    const amount = decimal(p, `TXI[${i + 1}]/TXI02`, el(t, 2), 'tax amount', true);
    if (amount) taxes.push(amount.value);
  });
  const allowanceCharges: InvoiceAllowanceCharge[] = [];
  summary
    .filter((s) => s.id === 'SAC')
    .forEach((s, i) => {
      const kind = el(s, 1) === 'A' ? 'allowance' : el(s, 1) === 'C' ? 'charge' : undefined;
      if (!kind) return p.warnings.push(`SAC[${i + 1}]/SAC01 is "${el(s, 1) ?? ''}", neither A (allowance) nor C (charge); it is left out.`);
      const amount = implied2(p, `SAC[${i + 1}]/SAC05`, el(s, 5), 'allowance or charge amount', true);
      if (amount) allowanceCharges.push(omitUndefined({ kind, amount: amount.text, reasonCode: el(s, 2), reason: el(s, 15) }));
    });
  if (p.list.length > 0 || !gross || !issueDate || !invoiceNumber || !currency || !supplier) return { ok: false, problems: p.list };

  const lineTaxes = readLines.map((l) => l.tax).filter((t): t is IntakeDecimal => t !== undefined);
  if (taxes.length === 0 && lineTaxes.length === 0) p.warnings.push('No TXI segment states a tax amount; the tax total is taken as 0.');
  const tax = taxes.length > 0 ? sumDecimals(taxes) : sumDecimals(lineTaxes);
  const lineNet = sumDecimals(readLines.map((l) => l.net));
  const signed = (a: InvoiceAllowanceCharge) => new IntakeDecimal(a.amount).times(a.kind === 'allowance' ? -1 : 1);
  const net = gross.value.minus(tax);
  const expectedNet = lineNet.plus(sumDecimals(allowanceCharges.map(signed)));
  if (!expectedNet.eq(net)) {
    p.warnings.push(
      `TDS01 ${gross.text} − tax ${tax.toFixed(2)} gives a net of ${net.toFixed(2)}, but the lines (IT102 × IT104) and SAC allowances/charges give ${expectedNet.toFixed(2)}; the stated total is kept.`,
    );
  }
  const allowances = allowanceCharges.filter((a) => a.kind === 'allowance');
  const charges = allowanceCharges.filter((a) => a.kind === 'charge');
  const itd = one('ITD');
  const draft = omitUndefined({
    documentType,
    typeCode: documentType === 'creditNote' ? '381' : '380',
    invoiceNumber,
    issueDate,
    dueDate: itd ? date(p, 'ITD06', el(itd, 6), 'terms net due date') : undefined,
    currency,
    supplier,
    buyer,
    poNumber: el(big, 4),
    precedingInvoiceNumber: el(
      body.find((s) => s.id === 'REF' && el(s, 1) === 'OI'),
      2,
    ),
    netTotal: net.toFixed(2),
    taxTotal: tax.toFixed(2),
    grossTotal: gross.text,
    payableAmount: gross.text,
    lineNetTotal: formatDecimal(lineNet),
    allowanceTotal: allowances.length > 0 ? formatDecimal(sumDecimals(allowances.map((a) => a.amount))) : undefined,
    chargeTotal: charges.length > 0 ? formatDecimal(sumDecimals(charges.map((a) => a.amount))) : undefined,
    lines: readLines.map((l) => l.line),
    allowanceCharges: allowanceCharges.length > 0 ? allowanceCharges : undefined,
  });
  if (p.list.length > 0) return { ok: false, problems: p.list };
  const checked = parseInvoice(draft);
  if (!checked.ok) {
    return {
      ok: false,
      problems: checked.problems.map((q) => ({
        code: 'schema',
        path: `(canonical ${q.path})`,
        message: `The 810 does not fit the canonical invoice at ${q.path}: ${q.message}`,
      })),
    };
  }
  return { ok: true, invoice: checked.invoice, warnings: p.warnings };
}
