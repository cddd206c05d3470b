/** The kinds of file an analyst may attach to a case, and how to recognise their content. */
export const ATTACHMENT_TYPES: Record<string, { label: string; check(bytes: Buffer): boolean }> = {
  'application/pdf': { label: 'PDF', check: (b) => startsWith(b, '%PDF-') },
  'image/png': { label: 'PNG image', check: (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) },
  'image/jpeg': { label: 'JPEG image', check: (b) => b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  'image/gif': { label: 'GIF image', check: (b) => startsWith(b, 'GIF87a') || startsWith(b, 'GIF89a') },
  'image/webp': { label: 'WebP image', check: (b) => startsWith(b, 'RIFF') && b.subarray(8, 12).toString('latin1') === 'WEBP' },
  'text/plain': { label: 'text', check: isText },
  'text/csv': { label: 'CSV', check: isText },
  'application/xml': { label: 'XML (e.g. a UBL invoice)', check: isXml },
  'text/xml': { label: 'XML (e.g. a UBL invoice)', check: isXml },
  'message/rfc822': { label: 'e-mail', check: isText },
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { label: 'Excel workbook', check: isZip },
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': { label: 'Word document', check: isZip },
};

function startsWith(bytes: Buffer, magic: string): boolean {
  return bytes.subarray(0, magic.length).toString('latin1') === magic;
}

function isZip(bytes: Buffer): boolean {
  return bytes.length > 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

/** Valid UTF-8 with no NUL byte: text a person can read, not a binary with a text label. */
function isText(bytes: Buffer): boolean {
  if (bytes.includes(0)) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

function isXml(bytes: Buffer): boolean {
  return isText(bytes) && /^\uFEFF?\s*</.test(bytes.subarray(0, 256).toString('utf8'));
}

/** The media type without parameters, lower case: `Text/Plain; charset=utf-8` → `text/plain`. */
export function baseMediaType(header: string | undefined): string {
  return (header ?? '').split(';')[0].trim().toLowerCase();
}

// eslint-disable-next-line no-control-regex -- control characters are exactly what this strips
const UNSAFE_IN_FILENAME = /[\u0000-\u001f\u007f"]/g;

/** A file name safe to store and to send back in Content-Disposition: no path, no control characters. */
export function cleanFilename(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  return base.replace(UNSAFE_IN_FILENAME, '').trim().slice(0, 200);
}
