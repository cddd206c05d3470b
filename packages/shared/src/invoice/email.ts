import PostalMime from 'postal-mime';
import { parseCiiInvoice } from './cii.js';
import type { IntakeProblem, IntakeResult } from './intake.js';
import { parseUblInvoice } from './ubl.js';

/** Default cap on an incoming e-mail: 20 MiB, attachments included. */
export const DEFAULT_MAX_EMAIL_BYTES = 20 * 1024 * 1024;

export interface EmailIntakeOptions {
  /** Refuse messages larger than this many bytes. Default 20 MiB. */
  maxBytes?: number;
}

/**
 * What became of one attachment: `invoice` (read as UBL or CII: see `result`), `evidence` (a
 * PDF kept with the invoices of the mail, not read), or `ignored` (anything else).
 */
export interface EmailAttachment {
  /** 1-based position among the message's attachments. */
  index: number;
  filename: string;
  contentType: string;
  content: Uint8Array;
  kind: 'invoice' | 'evidence' | 'ignored';
  /** For `invoice`: the syntax it was read as, and the outcome. */
  syntax?: 'ubl' | 'cii';
  result?: IntakeResult;
  /** For `evidence` and `ignored`: why it was not read as an invoice. */
  reason?: string;
}

export interface InvoiceEmail {
  subject?: string;
  from?: string;
  messageId?: string;
  date?: string;
  attachments: EmailAttachment[];
}

export type EmailIntakeResult = { ok: true; email: InvoiceEmail } | { ok: false; problems: IntakeProblem[] };

const XML_TYPES = new Set(['application/xml', 'text/xml']);
/** File names Factur-X / ZUGFeRD / XRechnung give the invoice XML embedded in a PDF/A-3. */
const EMBEDDED_XML = /(factur-x|zugferd-invoice|xrechnung|ZUGFeRD-invoice)\.xml/i;

const lower = (v: string | null | undefined) => (v ?? '').toLowerCase();

function classify(filename: string, mimeType: string, bytes: Uint8Array): Omit<EmailAttachment, 'index' | 'filename' | 'contentType' | 'content'> {
  const type = lower(mimeType);
  if (XML_TYPES.has(type) || type.endsWith('+xml') || lower(filename).endsWith('.xml')) {
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      return {
        kind: 'invoice',
        syntax: 'ubl',
        result: {
          ok: false,
          problems: [{ code: 'xml.malformed', path: '(document)', message: 'The XML attachment is not valid UTF-8. Send the invoice XML in UTF-8.' }],
        },
      };
    }
    const ubl = parseUblInvoice(text);
    if (!ubl.ok && ubl.problems[0]?.code === 'ubl.notInvoice' && ubl.problems[0].path === 'CrossIndustryInvoice') {
      return { kind: 'invoice', syntax: 'cii', result: parseCiiInvoice(text) };
    }
    return { kind: 'invoice', syntax: 'ubl', result: ubl };
  }
  if (type === 'application/pdf' || lower(filename).endsWith('.pdf')) {
    const head = new TextDecoder('latin1').decode(bytes.subarray(0, Math.min(bytes.length, 8 * 1024 * 1024)));
    const embedded = EMBEDDED_XML.exec(head)?.[0];
    return {
      kind: 'evidence',
      reason: embedded
        ? `A PDF carrying an embedded ${embedded} (Factur-X / ZUGFeRD): the embedded XML is not extracted; the PDF is kept as evidence. Attach the XML itself to have it read.`
        : 'A PDF without machine-readable invoice data: it is kept as evidence, not read. Send the invoice as UBL or CII XML.',
    };
  }
  return { kind: 'ignored', reason: `A ${type || 'file'} attachment is not an invoice format this intake reads (UBL or CII XML, PDF as evidence).` };
}

/**
 * Reads an RFC 5322 / MIME e-mail (with postal-mime, which bounds nesting depth and header
 * size) and sorts its attachments: each UBL or CII XML attachment is read into a canonical
 * invoice on its own (`result`), PDFs are kept as evidence, anything else is ignored, each with
 * its reason. The body text is not read. Messages over `maxBytes` or that cannot be parsed are
 * refused as a whole.
 * @example
 * const r = await readInvoiceEmail(emlText);
 * if (r.ok) for (const a of r.email.attachments) console.log(a.filename, a.kind, a.result?.ok);
 */
export async function readInvoiceEmail(raw: string | Uint8Array, options: EmailIntakeOptions = {}): Promise<EmailIntakeResult> {
  const max = options.maxBytes ?? DEFAULT_MAX_EMAIL_BYTES;
  const size = typeof raw === 'string' ? new TextEncoder().encode(raw).length : raw.length;
  const fail = (code: IntakeProblem['code'], message: string): EmailIntakeResult => ({ ok: false, problems: [{ code, path: '(message)', message }] });
  if (size === 0) return fail('email.malformed', 'The message is empty. Send the whole e-mail (.eml, RFC 5322) as the body.');
  if (size > max) return fail('email.tooLarge', `The message is larger than ${max} bytes. Send fewer attachments per message or raise the intake size limit.`);
  let email: Awaited<ReturnType<typeof PostalMime.parse>>;
  try {
    email = await PostalMime.parse(raw, { attachmentEncoding: 'arraybuffer', maxNestingDepth: 32, maxHeadersSize: 256 * 1024, maxRfc822NestingDepth: 0 });
  } catch (error) {
    return fail('email.malformed', `The message could not be read as MIME: ${(error as Error).message}`);
  }
  if (!email.headers.some((h) => ['from', 'content-type', 'mime-version'].includes(h.key)))
    return fail('email.malformed', 'The body is not an e-mail: it has no From, Content-Type or MIME-Version header. Send the .eml file as it was received.');
  const attachments = email.attachments.map((a, i): EmailAttachment => {
    const content = new Uint8Array(a.content as ArrayBuffer);
    const filename = a.filename ?? `attachment-${i + 1}`;
    return { index: i + 1, filename, contentType: lower(a.mimeType), content, ...classify(filename, a.mimeType, content) };
  });
  const from = email.from && 'address' in email.from ? email.from.address : undefined;
  return { ok: true, email: { subject: email.subject, from, messageId: email.messageId, date: email.date, attachments } };
}
