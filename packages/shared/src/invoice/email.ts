import PostalMime from 'postal-mime';
import type { IntakeProblem, IntakeResult } from './intake.js';
import { invoiceFromPdfFiles, readXmlInvoice, type PdfEmbeddedFile } from './pdfInvoice.js';

/** Default cap on an incoming e-mail: 20 MiB, attachments included. */
export const DEFAULT_MAX_EMAIL_BYTES = 20 * 1024 * 1024;

export interface EmailIntakeOptions {
  /** Refuse messages larger than this many bytes. Default 20 MiB. */
  maxBytes?: number;
  /**
   * Lists the files a PDF embeds (the runtime passes its PDF reader; shared reads no PDF
   * itself). Without it, PDFs are kept as evidence unread. A PDF it cannot read rejects.
   */
  readPdf?: (bytes: Uint8Array) => Promise<PdfEmbeddedFile[]>;
}

/**
 * What became of one attachment: `invoice` (read as UBL or CII: see `result`; a PDF/A-3 whose
 * embedded XML was read says `embedded`), `evidence` (a PDF without an invoice inside, kept with
 * the invoices of the mail), or `ignored` (anything else).
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
  /** For an invoice read from a PDF: the embedded file it was read from (the PDF is kept as evidence too). */
  embedded?: string;
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
/** Names a PDF/A-3 hybrid invoice gives its XML, for the note on a PDF left unread. */
const EMBEDDED_XML = /(factur-x|zugferd-invoice|xrechnung|ZUGFeRD-invoice)\.xml/i;

const lower = (v: string | null | undefined) => (v ?? '').toLowerCase();

type Classified = Omit<EmailAttachment, 'index' | 'filename' | 'contentType' | 'content'>;

async function readPdfAttachment(bytes: Uint8Array, readPdf: EmailIntakeOptions['readPdf']): Promise<Classified> {
  if (!readPdf) {
    const head = new TextDecoder('latin1').decode(bytes.subarray(0, Math.min(bytes.length, 8 * 1024 * 1024)));
    const embedded = EMBEDDED_XML.exec(head)?.[0];
    return {
      kind: 'evidence',
      reason: embedded
        ? `A PDF naming an embedded ${embedded} (Factur-X / ZUGFeRD), kept as evidence: this intake reads no PDFs.`
        : 'A PDF without machine-readable invoice data: it is kept as evidence, not read. Send the invoice as UBL or CII XML.',
    };
  }
  let files: PdfEmbeddedFile[];
  try {
    files = await readPdf(bytes);
  } catch (error) {
    return { kind: 'evidence', reason: `The PDF could not be read (${(error as Error).message}); it is kept as evidence. Send the invoice as UBL or CII XML.` };
  }
  const found = invoiceFromPdfFiles(files);
  if ('reason' in found) return { kind: 'evidence', reason: found.reason };
  return { kind: 'invoice', syntax: found.syntax, result: found.result, embedded: found.filename };
}

async function classify(filename: string, mimeType: string, bytes: Uint8Array, options: EmailIntakeOptions): Promise<Classified> {
  const type = lower(mimeType);
  if (XML_TYPES.has(type) || type.endsWith('+xml') || lower(filename).endsWith('.xml')) return { kind: 'invoice', ...readXmlInvoice(bytes) };
  if (type === 'application/pdf' || lower(filename).endsWith('.pdf')) return readPdfAttachment(bytes, options.readPdf);
  return { kind: 'ignored', reason: `A ${type || 'file'} attachment is not an invoice format this intake reads (UBL or CII XML, PDF/A-3 with embedded XML).` };
}

/**
 * Reads an RFC 5322 / MIME e-mail (with postal-mime, which bounds nesting depth and header
 * size) and sorts its attachments: each UBL or CII XML attachment is read into a canonical
 * invoice on its own (`result`), and so is the XML a PDF/A-3 embeds (Factur-X / ZUGFeRD) when
 * `readPdf` is given; other PDFs are kept as evidence, anything else is ignored, each with its
 * reason. The body text is not read. Messages over `maxBytes` or that cannot be parsed are
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
  const attachments: EmailAttachment[] = [];
  for (const [i, a] of email.attachments.entries()) {
    const content = new Uint8Array(a.content as ArrayBuffer);
    const filename = a.filename ?? `attachment-${i + 1}`;
    attachments.push({ index: i + 1, filename, contentType: lower(a.mimeType), content, ...(await classify(filename, a.mimeType, content, options)) });
  }
  const from = email.from && 'address' in email.from ? email.from.address : undefined;
  return { ok: true, email: { subject: email.subject, from, messageId: email.messageId, date: email.date, attachments } };
}
