import { amountFromText, divideExactly, formatDecimal, IntakeDecimal, sumDecimals, type Amount } from './decimal.js';
import type { IntakeProblem, IntakeProblemCode, IntakeResult } from './intake.js';
import { parseInvoice, type InvoiceAllowanceCharge, type InvoiceLine, type InvoiceParty, type TaxSubtotal } from './invoice.js';
import { omitUndefined } from './omitUndefined.js';
import { totalsWarnings, type TotalNames } from './ublChecks.js';

export interface EdifactIntakeOptions {
  /** Refuse interchanges longer than this many characters. Default 5 MiB. */
  maxBytes?: number;
}

/** A segment as read: tag, data elements (index 1 = first after the tag) each as components. */
interface Segment {
  tag: string;
  elements: string[][];
  position: number;
}

interface ServiceCharacters {
  component: string;
  element: string;
  decimal: string;
  release: string;
  terminator: string;
}

const DEFAULT_MAX = 5 * 1024 * 1024;
const DEFAULTS: ServiceCharacters = { component: ':', element: '+', decimal: '.', release: '?', terminator: "'" };
const TAG = /^[A-Z]{3}$/;
const CURRENCY = /^[A-Z]{3}$/;
const CREDIT_NOTE_CODES = new Set(['81', '83', '261', '262', '296', '308', '381', '396', '420', '458', '532']);
const SUMMARY_NAMES: TotalNames = {
  total: 'UNS',
  lineNetTotal: 'MOA+79',
  allowanceTotal: 'MOA+260',
  chargeTotal: 'MOA+259',
  netTotal: 'MOA+125',
  taxTotal: 'UNS/MOA+124',
  grossTotal: 'MOA+77',
  payable: 'MOA+9',
};

class Problems {
  readonly list: IntakeProblem[] = [];
  readonly warnings: string[] = [];
  add(code: IntakeProblemCode, path: string, message: string) {
    this.list.push({ code, path, message: `${path} ${message}` });
  }
}

/** The UNA service string advice, or the defaults when there is none. */
function serviceCharacters(text: string, p: Problems): { chars: ServiceCharacters; rest: string } | undefined {
  if (!text.startsWith('UNA')) return { chars: DEFAULTS, rest: text };
  if (text.length < 9) {
    p.add('edifact.syntax', 'UNA', 'is shorter than its fixed 9 characters ("UNA" and six service characters).');
    return undefined;
  }
  const [component, element, decimal, release, , terminator] = [...text.slice(3, 9)] as [string, string, string, string, string, string];
  const chars = { component, element, decimal, release, terminator };
  const separators = [component, element, release, terminator];
  if (new Set(separators).size !== 4 || separators.some((c) => /[A-Za-z0-9]/.test(c)) || (decimal !== '.' && decimal !== ',')) {
    p.add(
      'edifact.syntax',
      'UNA',
      `declares component "${component}", element "${element}", decimal "${decimal}", release "${release}", terminator "${terminator}": the four separators must differ and not be letters or digits, and the decimal mark must be "." or ",".`,
    );
    return undefined;
  }
  return { chars, rest: text.slice(9) };
}

/**
 * Splits an interchange into segments with the service characters UNA declares (or the
 * defaults `:+.? '`). The release character makes the next character literal, so `?'` inside a
 * name is an apostrophe, not the end of the segment. Line breaks between segments are allowed.
 */
function tokenize(text: string, chars: ServiceCharacters, p: Problems): Segment[] | undefined {
  const segments: Segment[] = [];
  let elements: string[][] = [[]];
  let current = '';
  let started = false;
  const finish = () => {
    const last = elements[elements.length - 1]!;
    last.push(current);
    current = '';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (!started && (c === '\r' || c === '\n')) continue;
    started = true;
    if (c === chars.release) {
      if (i + 1 >= text.length) {
        p.add(
          'edifact.syntax',
          `segment ${segments.length + 1}`,
          `ends with the release character "${chars.release}", which must be followed by the character it releases.`,
        );
        return undefined;
      }
      current += text[++i];
    } else if (c === chars.element) {
      finish();
      elements.push([]);
    } else if (c === chars.component) {
      finish();
    } else if (c === chars.terminator) {
      finish();
      const tag = elements[0]![0] ?? '';
      if (!TAG.test(tag) || elements[0]!.length !== 1) {
        const shown = elements
          .map((e) => e.join(chars.component))
          .join(chars.element)
          .slice(0, 40);
        p.add(
          'edifact.syntax',
          `segment ${segments.length + 1}`,
          `("${shown}") has no valid tag. Elements must be separated by "${chars.element}", components by "${chars.component}" and segments ended by "${chars.terminator}", as UNA declares (or the defaults when there is no UNA).`,
        );
        return undefined;
      }
      segments.push({ tag, elements, position: segments.length + 1 });
      elements = [[]];
      started = false;
    } else {
      current += c;
    }
  }
  if (started && (current.trim() !== '' || elements.length > 1 || elements[0]!.length > 0)) {
    p.add('edifact.syntax', `segment ${segments.length + 1}`, `is not ended by the segment terminator "${chars.terminator}".`);
    return undefined;
  }
  return segments;
}

const c = (s: Segment | undefined, element: number, component = 0) => {
  const v = s?.elements[element]?.[component]?.trim();
  return v === undefined || v === '' ? undefined : v;
};
const isQualified = (s: Segment, tag: string, qualifier: string) => s.tag === tag && c(s, 1) === qualifier;

/** The message body (UNH…UNT) after checking the envelope: UNB/UNZ, UNH/UNT, counts, references. */
function envelope(segments: Segment[], p: Problems): Segment[] | undefined {
  const unb = segments[0];
  if (unb?.tag !== 'UNB') {
    p.add('edifact.missing', 'UNB', 'is missing: an interchange starts with UNB (after an optional UNA).');
    return undefined;
  }
  const heads = segments.filter((s) => s.tag === 'UNH');
  if (heads.length !== 1) {
    p.add(
      heads.length === 0 ? 'edifact.missing' : 'edifact.invalid',
      'UNH',
      heads.length === 0 ? 'is missing: the interchange holds no message.' : `occurs ${heads.length} times: send one INVOIC message per interchange.`,
    );
    return undefined;
  }
  const unh = heads[0]!;
  const type = unh.elements[2] ?? [];
  if (c(unh, 2) !== 'INVOIC')
    p.add('edifact.notInvoice', 'UNH02', `message type is "${c(unh, 2) ?? ''}", not INVOIC: this intake reads EDIFACT invoices only.`);
  else if (`${type[1]}:${type[2]}:${type[3]}` !== 'D:96A:UN')
    p.warnings.push(`UNH02 is ${type.join(':')}, not INVOIC:D:96A:UN; it is read with the D96A layout.`);
  const untIndex = segments.findIndex((s) => s.tag === 'UNT');
  const unt = segments[untIndex];
  if (!unt) p.add('edifact.missing', 'UNT', 'is missing: the message must end with UNT.');
  else {
    const count = unt.position - unh.position + 1;
    if (c(unt, 1) !== String(count))
      p.add('edifact.invalid', 'UNT01', `is "${c(unt, 1) ?? ''}" but the message has ${count} segments (UNH to UNT): it is truncated or altered.`);
    if (c(unt, 2) !== c(unh, 1)) p.add('edifact.invalid', 'UNT02', `"${c(unt, 2) ?? ''}" does not match the message reference UNH01 "${c(unh, 1) ?? ''}".`);
  }
  const unz = segments[untIndex + 1];
  if (unz?.tag !== 'UNZ') p.add('edifact.missing', 'UNZ', 'is missing after UNT: the interchange must end with UNZ.');
  else {
    if (c(unz, 1) !== '1') p.add('edifact.invalid', 'UNZ01', `is "${c(unz, 1) ?? ''}"; the interchange holds 1 message.`);
    if (c(unz, 2) !== c(unb, 5))
      p.add('edifact.invalid', 'UNZ02', `"${c(unz, 2) ?? ''}" does not match the interchange control reference UNB05 "${c(unb, 5) ?? ''}".`);
    if (segments.length > unz.position) p.add('edifact.syntax', `segment ${unz.position + 1}`, 'follows UNZ: nothing may follow the interchange trailer.');
  }
  if (unh.position !== 2) p.add('edifact.syntax', 'UNH', 'must follow UNB directly.');
  return unt ? segments.slice(unh.position, unt.position - 1) : undefined;
}

/**
 * Reads a UN/EDIFACT INVOIC message (directory D96A) into the canonical {@link Invoice}. The
 * service characters are those of UNA (default `:+.? '`), the release character `?` is honoured,
 * a decimal comma is read when UNA declares it. A broken envelope (UNT01/UNT02, UNZ01/UNZ02),
 * more than one message, a message other than INVOIC, or missing required data is refused,
 * naming the segment (`BGM02`, `MOA+79`, `LIN[2]/PRI+AAA`).
 *
 * Mapping: BGM01 380/381 (credit note), BGM02 number; DTM+137 issue date and DTM+13 due date
 * (format 102); RFF+ON PO number, RFF+IV the invoice credited; NAD+SU seller, NAD+BY buyer (with
 * RFF+VA tax ID and FII+RB account); CUX currency; LIN lines (QTY+47, MOA+203, PRI+AAA, IMD,
 * TAX); summary after UNS: MOA+79 line total, MOA+125 net, MOA+124 (or 176, else the TAX groups'
 * MOA+124) tax, MOA+77 (or 86) gross, MOA+9 payable; TAX groups the VAT breakdown.
 *
 * @example
 * const r = parseEdifactInvoice("UNA:+.? 'UNB+UNOC:3+...'UNH+1+INVOIC:D:96A:UN'BGM+380+INV-1+9'...");
 * if (!r.ok) console.log(r.problems[0].path); // e.g. 'MOA+79'
 */
export function parseEdifactInvoice(text: string, options: EdifactIntakeOptions = {}): IntakeResult {
  const p = new Problems();
  const input = (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).replace(/^\s+/, '');
  const max = options.maxBytes ?? DEFAULT_MAX;
  if (input.length > max) {
    return {
      ok: false,
      problems: [
        {
          code: 'edifact.tooLarge',
          path: '(document)',
          message: `The interchange is larger than ${max} characters. Send one invoice per interchange or raise the intake size limit.`,
        },
      ],
    };
  }
  const service = serviceCharacters(input, p);
  const segments = service && tokenize(service.rest, service.chars, p);
  const body = segments && envelope(segments, p);
  if (!service || !segments || !body || p.list.length > 0) return { ok: false, problems: p.list };

  const amount = (path: string, raw: string | undefined, what: string, required = true): Amount | undefined => {
    if (raw === undefined) {
      if (required) p.add('edifact.missing', path, `(${what}) is missing.`);
      return undefined;
    }
    const normal = service.chars.decimal === ',' ? raw.replace(',', '.') : raw;
    const value = normal.includes(',') ? undefined : amountFromText(normal);
    if (!value) p.add('edifact.invalid', path, `(${what}) is not a number ("${raw}"): write digits with "${service.chars.decimal}" as the decimal mark.`);
    return value;
  };
  const date = (s: Segment | undefined, path: string, what: string, required = false): string | undefined => {
    const value = c(s, 1, 1);
    if (value === undefined) {
      if (required) p.add('edifact.missing', path, `(${what}) is missing.`);
      return undefined;
    }
    const format = c(s, 1, 2) ?? '102';
    const m = /^(\d{4})(\d{2})(\d{2})/.exec(value);
    const iso = m ? `${m[1]}-${m[2]}-${m[3]}` : undefined;
    const d = iso ? new Date(`${iso}T00:00:00Z`) : undefined;
    if (
      !['102', '203', '204'].includes(format) ||
      !iso ||
      !d ||
      Number.isNaN(d.getTime()) ||
      d.toISOString().slice(0, 10) !== iso ||
      (format === '102' && value.length !== 8)
    ) {
      p.add('edifact.invalid', path, `(${what}) "${value}" in format ${format} is not a date: use format 102 (CCYYMMDD).`);
      return undefined;
    }
    return iso;
  };

  const firstLin = body.findIndex((s) => s.tag === 'LIN');
  const unsIndex = body.findIndex((s) => s.tag === 'UNS');
  const header = body.slice(0, firstLin < 0 ? (unsIndex < 0 ? body.length : unsIndex) : firstLin);
  const detailEnd = unsIndex < 0 ? body.length : unsIndex;
  const summary = unsIndex < 0 ? [] : body.slice(unsIndex + 1);

  const bgm = header.find((s) => s.tag === 'BGM');
  if (!bgm) p.add('edifact.missing', 'BGM', '(beginning of message) is missing: it carries the document type and number.');
  const typeCode = c(bgm, 1);
  const invoiceNumber = c(bgm, 2);
  if (bgm && !invoiceNumber) p.add('edifact.missing', 'BGM02', '(invoice number) is missing: every invoice has a number.');
  if (bgm && !typeCode) p.add('edifact.missing', 'BGM01', '(document name code) is missing: 380 for an invoice, 381 for a credit note.');
  const issueDate = date(
    header.find((s) => isQualified(s, 'DTM', '137')),
    'DTM+137',
    'document date',
    true,
  );
  const dueDate = date(
    header.find((s) => isQualified(s, 'DTM', '13')),
    'DTM+13',
    'payment due date',
  );
  const cux = header.find((s) => s.tag === 'CUX');
  const currency = c(cux, 1, 1);
  if (!currency) p.add('edifact.missing', 'CUX', '(invoice currency, CUX+2:EUR:4) is missing.');
  else if (!CURRENCY.test(currency)) p.add('edifact.invalid', 'CUX', `currency "${currency}" is not an ISO 4217 code such as EUR.`);

  const party = (qualifier: string): (InvoiceParty & { bankAccount?: string }) | undefined => {
    const at = header.findIndex((s) => isQualified(s, 'NAD', qualifier));
    if (at < 0) return undefined;
    const nad = header[at]!;
    const group: Segment[] = [];
    for (let j = at + 1; j < header.length && ['LOC', 'FII', 'RFF', 'DTM', 'CTA', 'COM'].includes(header[j]!.tag); j++) group.push(header[j]!);
    const name =
      (nad.elements[4] ?? [])
        .filter((x) => x.trim() !== '')
        .join(' ')
        .trim() || c(nad, 3);
    if (!name) {
      if (qualifier === 'SU') p.add('edifact.missing', `NAD+${qualifier}/NAD04`, '(party name) is missing: the seller needs a name.');
      else p.warnings.push(`NAD+${qualifier} has no name (NAD04); the buyer is left out.`);
      return undefined;
    }
    const country = c(nad, 9);
    return omitUndefined({
      id: c(nad, 2),
      name,
      taxId: c(
        group.find((s) => isQualified(s, 'RFF', 'VA')),
        1,
        1,
      ),
      country: country && /^[A-Z]{2}$/.test(country) ? country : undefined,
      bankAccount: c(
        group.find((s) => isQualified(s, 'FII', 'RB')),
        2,
      ),
    });
  };
  const supplier = party('SU');
  if (!header.some((s) => isQualified(s, 'NAD', 'SU'))) p.add('edifact.missing', 'NAD+SU', '(supplier) is missing: every invoice names its seller.');
  const buyer = party('BY');
  const reference = (qualifier: string) =>
    c(
      header.find((s) => s.tag === 'RFF' && c(s, 1) === qualifier),
      1,
      1,
    );

  const allowanceCharges: InvoiceAllowanceCharge[] = [];
  header.forEach((s, i) => {
    if (s.tag !== 'ALC') return;
    const kind = c(s, 1) === 'A' ? 'allowance' : c(s, 1) === 'C' ? 'charge' : undefined;
    const next = header.slice(i + 1).findIndex((x) => x.tag === 'ALC');
    const group = header.slice(i + 1, next < 0 ? header.length : i + 1 + next);
    const moa = group.find((x) => isQualified(x, 'MOA', '8') || isQualified(x, 'MOA', '23') || isQualified(x, 'MOA', '204'));
    const value = amount(`ALC[${allowanceCharges.length + 1}]/MOA+8`, c(moa, 1, 1), 'allowance or charge amount', kind !== undefined);
    if (!kind) p.warnings.push(`ALC01 "${c(s, 1) ?? ''}" is neither A (allowance) nor C (charge); it is left out.`);
    if (kind && value) allowanceCharges.push(omitUndefined({ kind, amount: value.text, reasonCode: c(s, 5), reason: c(s, 5, 3) }));
  });

  const lineStarts = body.map((s, i) => (s.tag === 'LIN' && i < detailEnd ? i : -1)).filter((i) => i >= 0);
  const lines: { line: InvoiceLine; net: Amount }[] = [];
  lineStarts.forEach((start, n) => {
    const group = body.slice(start + 1, lineStarts[n + 1] ?? detailEnd);
    const lin = body[start]!;
    const at = `LIN[${n + 1}]`;
    const qty = group.find((s) => isQualified(s, 'QTY', '47'));
    const quantity = amount(`${at}/QTY+47`, c(qty, 1, 1), 'invoiced quantity');
    const net = amount(
      `${at}/MOA+203`,
      c(
        group.find((s) => isQualified(s, 'MOA', '203')),
        1,
        1,
      ),
      'line item amount',
    );
    const pri = group.find((s) => isQualified(s, 'PRI', 'AAA'));
    const price = amount(`${at}/PRI+AAA`, c(pri, 1, 1), 'net unit price');
    const baseRaw = c(pri, 1, 4);
    const base = baseRaw === undefined ? undefined : amount(`${at}/PRI+AAA`, baseRaw, 'unit price basis');
    const imd = group.find((s) => s.tag === 'IMD');
    const productId = c(lin, 3);
    const description = c(imd, 3, 3) ?? productId;
    if (!description) p.add('edifact.missing', `${at}/IMD`, '(item description) is missing, and LIN03 names no item number to describe the line by.');
    const tax = group.find((s) => s.tag === 'TAX');
    const rate = tax && c(tax, 5, 3) !== undefined ? amount(`${at}/TAX`, c(tax, 5, 3), 'tax rate') : undefined;
    const lineRef = group.find((s) => s.tag === 'RFF' && (c(s, 1) === 'ON' || c(s, 1) === 'LI'));
    if (!quantity || !net || !price || !description || (baseRaw !== undefined && !base)) return;
    let unitPrice = price.text;
    if (base && !base.value.isZero() && !base.value.eq(1)) {
      const { quotient, exact } = divideExactly(price.value, base.value);
      if (!exact)
        p.warnings.push(
          `${at}: price ${price.text} per ${base.text} units does not divide exactly; the unit price is rounded to ${IntakeDecimal.precision} significant digits.`,
        );
      unitPrice = formatDecimal(quotient);
    }
    lines.push({
      net,
      line: omitUndefined({
        lineId: c(lin, 1),
        description,
        quantity: quantity.text,
        unitCode: c(qty, 1, 2),
        unitPrice,
        netAmount: net.text,
        taxRate: rate?.text,
        taxCategory: c(tax, 6),
        poLineRef: lineRef && (c(lineRef, 1) === 'ON' ? c(lineRef, 1, 2) : c(lineRef, 1, 1)),
        priceBaseQuantity: base && !base.value.eq(1) ? base.text : undefined,
      }),
    });
  });
  if (lineStarts.length === 0) p.add('edifact.missing', 'LIN', '(line item) is missing: an invoice needs at least one line.');
  if (unsIndex < 0) p.add('edifact.missing', 'UNS', '(section control) is missing: the totals follow UNS+S.');
  const cnt = summary.find((s) => isQualified(s, 'CNT', '2'));
  if (cnt && c(cnt, 1, 1) !== String(lineStarts.length))
    p.add('edifact.invalid', 'CNT+2', `counts ${c(cnt, 1, 1) ?? ''} lines but the message has ${lineStarts.length} LIN segments.`);

  const firstTax = summary.findIndex((s) => s.tag === 'TAX');
  const totalsPart = firstTax < 0 ? summary : summary.slice(0, firstTax);
  const moa = (qualifier: string) =>
    c(
      totalsPart.find((s) => isQualified(s, 'MOA', qualifier)),
      1,
      1,
    );
  const breakdown: TaxSubtotal[] = [];
  const taxGroups = summary.map((s, i) => (s.tag === 'TAX' ? i : -1)).filter((i) => i >= 0);
  taxGroups.forEach((start, n) => {
    const group = summary.slice(start + 1, taxGroups[n + 1] ?? summary.length);
    const tax = summary[start]!;
    const taxable = amount(
      `UNS/TAX[${n + 1}]/MOA+125`,
      c(
        group.find((s) => isQualified(s, 'MOA', '125')),
        1,
        1,
      ),
      'taxable amount',
      false,
    );
    const due = amount(
      `UNS/TAX[${n + 1}]/MOA+124`,
      c(
        group.find((s) => isQualified(s, 'MOA', '124')),
        1,
        1,
      ),
      'tax amount',
    );
    const rate = c(tax, 5, 3) === undefined ? undefined : amount(`UNS/TAX[${n + 1}]`, c(tax, 5, 3), 'tax rate');
    if (taxable && due) breakdown.push(omitUndefined({ category: c(tax, 6), rate: rate?.text, taxableAmount: taxable.text, taxAmount: due.text }));
  });
  const lineNetTotal = amount('MOA+79', moa('79'), 'total line items amount, after UNS');
  const netTotal = amount('MOA+125', moa('125'), 'taxable amount of the invoice, after UNS');
  const grossTotal = amount(
    moa('77') !== undefined ? 'MOA+77' : 'MOA+86',
    moa('77') ?? moa('86'),
    'invoice amount (MOA+77, or message total MOA+86), after UNS',
  );
  const statedTax = moa('124') ?? moa('176');
  let taxTotal: Amount | undefined;
  if (statedTax !== undefined) taxTotal = amount(moa('124') !== undefined ? 'MOA+124' : 'MOA+176', statedTax, 'tax amount');
  else if (breakdown.length > 0 && breakdown.length === taxGroups.length) {
    const sum = sumDecimals(breakdown.map((b) => b.taxAmount));
    taxTotal = { value: sum, text: sum.toFixed(Math.max(...breakdown.map((b) => b.taxAmount.split('.')[1]?.length ?? 0))) };
  } else p.add('edifact.missing', 'MOA+124', '(total tax amount) is missing after UNS: state it, or one MOA+124 in each TAX group.');
  const payable = amount('MOA+9', moa('9'), 'amount due', false);
  const prepaid = amount('MOA+113', moa('113'), 'prepaid amount', false);
  const allowanceTotal = amount('MOA+260', moa('260'), 'total allowances', false);
  const chargeTotal = amount('MOA+259', moa('259'), 'total charges', false);

  if (p.list.length > 0 || !invoiceNumber || !issueDate || !currency || !supplier || !lineNetTotal || !netTotal || !grossTotal || !taxTotal) {
    return { ok: false, problems: p.list };
  }
  const valuesOf = (texts: string[]) => texts.map((t) => new IntakeDecimal(t));
  const warnings = [
    ...p.warnings,
    ...totalsWarnings(
      {
        lineNetAmounts: lines.map((l) => l.net),
        lineNetTotal,
        allowances: valuesOf(allowanceCharges.filter((a) => a.kind === 'allowance').map((a) => a.amount)),
        charges: valuesOf(allowanceCharges.filter((a) => a.kind === 'charge').map((a) => a.amount)),
        allowanceTotal,
        chargeTotal,
        netTotal,
        taxTotal,
        taxSubtotals: valuesOf(breakdown.map((b) => b.taxAmount)),
        grossTotal,
        prepaid,
        payable,
      },
      'INVOIC',
      SUMMARY_NAMES,
    ),
  ];
  const { bankAccount, ...seller } = supplier;
  const draft = omitUndefined({
    documentType: typeCode && CREDIT_NOTE_CODES.has(typeCode) ? 'creditNote' : 'invoice',
    typeCode,
    invoiceNumber,
    issueDate,
    dueDate,
    currency,
    supplier: omitUndefined({ ...seller, bankAccount }),
    buyer: buyer ? omitUndefined({ ...buyer, bankAccount: undefined }) : undefined,
    poNumber: reference('ON'),
    precedingInvoiceNumber: reference('IV'),
    netTotal: netTotal.text,
    taxTotal: taxTotal.text,
    grossTotal: grossTotal.text,
    lineNetTotal: lineNetTotal.text,
    allowanceTotal: allowanceTotal?.text,
    chargeTotal: chargeTotal?.text,
    prepaidAmount: prepaid?.text,
    payableAmount: payable?.text,
    lines: lines.map((l) => l.line),
    taxBreakdown: breakdown.length > 0 ? breakdown : undefined,
    allowanceCharges: allowanceCharges.length > 0 ? allowanceCharges : undefined,
  });
  const checked = parseInvoice(draft);
  if (!checked.ok) {
    return {
      ok: false,
      problems: checked.problems.map((q) => ({
        code: 'schema',
        path: `(canonical ${q.path})`,
        message: `The INVOIC does not fit the canonical invoice at ${q.path}: ${q.message}`,
      })),
    };
  }
  return { ok: true, invoice: checked.invoice, warnings };
}
