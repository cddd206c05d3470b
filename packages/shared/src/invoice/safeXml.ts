import { XMLParser, XMLValidator, type EntityDecoderOptions } from 'fast-xml-parser';
import type { IntakeProblem } from './intake.js';

/** Default cap on an incoming XML document: 5 MiB of UTF-8. */
export const DEFAULT_MAX_XML_BYTES = 5 * 1024 * 1024;

/**
 * An element as read by {@link parseXmlSafely}: child elements by local name (always arrays,
 * in document order), attributes as `@_localName`, text as `#text`.
 */
export interface XmlElement {
  [key: string]: XmlElement[] | string | undefined;
}

export type SafeXmlResult = { ok: true; root: XmlElement; rootName: string; rootNamespace?: string } | { ok: false; problems: IntakeProblem[] };

const DOCUMENT = '(document)';
const DECLARATION = /<!\s*(DOCTYPE|ENTITY)/i;
const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
const REFERENCE = /&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|lt|gt|amp|quot|apos);/g;

/**
 * Decodes only what XML itself defines: the five predefined entities and character
 * references. DOCTYPE-declared entities never reach here (the document is refused first), and
 * `addInputEntities` throws in case the parser ever tries, so nothing can expand.
 */
const xmlOnlyEntities: EntityDecoderOptions = {
  setExternalEntities: () => {},
  addInputEntities: () => {
    throw new Error('Entity declarations are not accepted');
  },
  reset: () => {},
  setXmlVersion: () => {},
  decode: (text) =>
    text.includes('&')
      ? text.replace(REFERENCE, (whole, ref: string) => {
          if (ref[0] !== '#') return PREDEFINED[ref] ?? whole;
          const code = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
          const valid = code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff);
          return valid ? String.fromCodePoint(code) : whole;
        })
      : text,
};

function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

function tooLarge(text: string, maxBytes: number): boolean {
  if (text.length > maxBytes) return true;
  return text.length * 3 > maxBytes && utf8Length(text) > maxBytes;
}

/** The namespace URI of the root element, read from its start tag. */
function rootNamespaceOf(xml: string): string | undefined {
  const start = /<([A-Za-z_][\w.-]*:)?[A-Za-z_][\w.-]*(\s[^>]*)?>/.exec(xml.replace(/<\?[\s\S]*?\?>|<!--[\s\S]*?-->/g, ''));
  if (!start) return undefined;
  const prefix = start[1] ? `:${start[1].slice(0, -1)}` : '';
  const attrs = start[2] ?? '';
  const decl = new RegExp(`\\sxmlns${prefix.replace(/[.-]/g, '\\$&')}\\s*=\\s*("([^"]*)"|'([^']*)')`).exec(attrs);
  return decl ? (decl[2] ?? decl[3]) : undefined;
}

/**
 * Parses untrusted XML into plain objects, refusing what could hurt: any DOCTYPE or ENTITY
 * declaration (billion laughs, external entities), input over `maxBytes`, and anything not
 * well-formed. Element and attribute names lose their namespace prefix; values stay text
 * (no number conversion, so amounts never pass through floating point).
 * @example
 * const r = parseXmlSafely('<a:Invoice xmlns:a="urn:x"><a:ID>1</a:ID></a:Invoice>');
 * // r.ok && r.rootName === 'Invoice' && r.root.ID?.[0]['#text'] === '1'
 */
export function parseXmlSafely(xml: string, maxBytes = DEFAULT_MAX_XML_BYTES): SafeXmlResult {
  const fail = (code: IntakeProblem['code'], message: string): SafeXmlResult => ({
    ok: false,
    problems: [{ path: DOCUMENT, code, message }],
  });
  if (typeof xml !== 'string' || xml.trim() === '') {
    return fail('xml.malformed', 'The document is empty. Send the UBL XML text itself.');
  }
  if (tooLarge(xml, maxBytes)) {
    return fail('xml.tooLarge', `The document is larger than ${maxBytes} bytes. Send attachments separately or raise the intake size limit.`);
  }
  const text = xml.charCodeAt(0) === 0xfeff ? xml.slice(1) : xml;
  if (DECLARATION.test(text)) {
    return fail(
      'xml.doctype',
      'The document contains a DOCTYPE or ENTITY declaration. UBL invoices never need one, and it is how entity-expansion ("billion laughs") and external-entity (XXE) attacks work, so the document is refused. Remove the DOCTYPE and send it again.',
    );
  }
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    const { line, col, msg } = valid.err;
    return fail('xml.malformed', `The XML is not well-formed (line ${line}, column ${col}): ${msg} Fix the XML and send it again.`);
  }
  const parser = new XMLParser({
    removeNSPrefix: true,
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: true,
    alwaysCreateTextNode: true,
    ignoreDeclaration: true,
    ignorePiTags: true,
    htmlEntities: false,
    processEntities: { enabled: true, maxEntityCount: 1, maxEntitySize: 1, maxTotalExpansions: 1, maxExpandedLength: 1 },
    entityDecoder: xmlOnlyEntities,
    maxNestedTags: 64,
    isArray: (_tag, _path, _leaf, isAttribute) => !isAttribute,
  });
  let doc: XmlElement;
  try {
    doc = parser.parse(text) as XmlElement;
  } catch (error) {
    return fail('xml.malformed', `The XML could not be read: ${(error as Error).message}`);
  }
  const roots = Object.keys(doc).filter((k) => !k.startsWith('#') && !k.startsWith('@_'));
  const rootName = roots[0];
  const root = rootName ? (doc[rootName] as XmlElement[] | undefined)?.[0] : undefined;
  if (roots.length !== 1 || !rootName || !root) {
    return fail('xml.malformed', 'The XML must have exactly one root element.');
  }
  return { ok: true, root, rootName, rootNamespace: rootNamespaceOf(text) };
}

/** Child elements with the given local name; a `cac:`/`cbc:` prefix in `name` is ignored. */
export function childrenOf(element: XmlElement, name: string): XmlElement[] {
  const value = element[name.slice(name.indexOf(':') + 1)];
  return Array.isArray(value) ? value : [];
}

/** Trimmed text of an element, `undefined` when empty. */
export function textOf(element: XmlElement | undefined): string | undefined {
  const text = element?.['#text'];
  return typeof text === 'string' && text.trim() !== '' ? text.trim() : undefined;
}

/** An attribute by local name. */
export function attributeOf(element: XmlElement | undefined, name: string): string | undefined {
  const value = element?.[`@_${name}`];
  return typeof value === 'string' ? value.trim() : undefined;
}
