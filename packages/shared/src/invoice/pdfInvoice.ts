import { parseCiiInvoice } from './cii.js';
import type { IntakeResult } from './intake.js';
import { parseUblInvoice } from './ubl.js';

/** A file embedded in a PDF (its EmbeddedFiles name tree / AF), as the runtime's PDF reader lists it. */
export interface PdfEmbeddedFile {
  filename: string;
  content: Uint8Array;
}

/** An XML invoice document: which syntax it was read as, and the outcome. */
export interface XmlInvoiceReading {
  syntax: 'ubl' | 'cii';
  result: IntakeResult;
}

/** File names Factur-X / ZUGFeRD / XRechnung give the invoice XML embedded in a PDF/A-3. */
const EMBEDDED_XML = /^(factur-x|zugferd-invoice|xrechnung|order-x)\.xml$/i;

/**
 * Reads XML bytes as a UBL invoice or credit note, or as CII when the root is
 * `CrossIndustryInvoice`; bytes that are not UTF-8 are refused with `xml.malformed`.
 * @example readXmlInvoice(bytes).syntax // 'cii'
 */
export function readXmlInvoice(bytes: Uint8Array): XmlInvoiceReading {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return {
      syntax: 'ubl',
      result: { ok: false, problems: [{ code: 'xml.malformed', path: '(document)', message: 'The XML is not valid UTF-8. Send the invoice XML in UTF-8.' }] },
    };
  }
  const ubl = parseUblInvoice(text);
  if (!ubl.ok && ubl.problems[0]?.code === 'ubl.notInvoice' && ubl.problems[0].path === 'CrossIndustryInvoice') {
    return { syntax: 'cii', result: parseCiiInvoice(text) };
  }
  return { syntax: 'ubl', result: ubl };
}

/**
 * The invoice a PDF/A-3 carries (Factur-X, ZUGFeRD, XRechnung as hybrid PDF): the embedded file
 * with the conventional name (`factur-x.xml`, `zugferd-invoice.xml`, `xrechnung.xml`), else the
 * only embedded `.xml`, read as CII or UBL. Without one, `reason` says why.
 * @example invoiceFromPdfFiles([{ filename: 'factur-x.xml', content }]) // { filename: 'factur-x.xml', syntax: 'cii', result }
 */
export function invoiceFromPdfFiles(files: readonly PdfEmbeddedFile[]): (XmlInvoiceReading & { filename: string }) | { reason: string } {
  const xml = files.filter((f) => f.filename.toLowerCase().endsWith('.xml'));
  const chosen = xml.find((f) => EMBEDDED_XML.test(f.filename)) ?? (xml.length === 1 ? xml[0] : undefined);
  if (!chosen) {
    const listed = files.length ? `its embedded files (${files.map((f) => f.filename).join(', ')}) include` : 'it embeds no files, so it has';
    return {
      reason:
        xml.length > 1
          ? `The PDF embeds ${xml.length} XML files (${xml.map((f) => f.filename).join(', ')}) and none has a Factur-X / ZUGFeRD / XRechnung name; send the invoice XML itself.`
          : `The PDF carries no machine-readable invoice: ${listed} no invoice XML (Factur-X / ZUGFeRD embed factur-x.xml or zugferd-invoice.xml as a PDF/A-3 associated file). Send the invoice as UBL or CII XML, or as a PDF/A-3 with it embedded.`,
    };
  }
  return { filename: chosen.filename, ...readXmlInvoice(chosen.content) };
}
