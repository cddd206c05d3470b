import type { PdfEmbeddedFile } from '@exflow/shared';

type PdfJs = typeof import('pdfjs-dist/legacy/build/pdf.mjs');
let pdfjs: Promise<PdfJs> | undefined;

/**
 * The files a PDF embeds (its EmbeddedFiles name tree, where PDF/A-3 keeps the associated files
 * of a Factur-X / ZUGFeRD invoice), read with Mozilla's pdf.js: maintained, and built to open
 * hostile PDFs in browsers. No script runs (`isEvalSupported: false`), nothing is fetched, no
 * fonts are loaded: only the document structure is parsed. Throws when the bytes are not a PDF.
 * @example (await embeddedFilesOfPdf(bytes)).map((f) => f.filename) // ['factur-x.xml']
 */
export async function embeddedFilesOfPdf(bytes: Uint8Array): Promise<PdfEmbeddedFile[]> {
  pdfjs ??= import('pdfjs-dist/legacy/build/pdf.mjs');
  const { getDocument } = await pdfjs;
  // pdf.js takes over (detaches) the buffer it is given: hand it a copy
  const task = getDocument({
    data: new Uint8Array(bytes),
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    stopAtErrors: true,
    verbosity: 0,
  });
  try {
    const doc = await task.promise;
    const attachments = (await doc.getAttachments()) as Record<string, { filename: string; content: Uint8Array }> | null;
    return Object.values(attachments ?? {}).map((a) => ({ filename: a.filename, content: a.content }));
  } finally {
    await task.destroy();
  }
}
