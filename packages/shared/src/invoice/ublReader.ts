import { amountFromText, type Amount } from './decimal.js';
import type { IntakeProblem } from './intake.js';
import { attributeOf, childrenOf, textOf, type XmlElement } from './safeXml.js';

/** An element together with the path that names it in problems and warnings. */
export interface UblNode {
  el: XmlElement;
  path: string;
}

/** Options for reading a decimal: `required` says why the element must be there. */
interface DecimalOptions {
  required?: string;
  /** The currency `currencyID` should carry; a different one is noted as a warning. */
  currency?: string;
}

/**
 * Path-aware access to a parsed UBL document that collects problems and warnings as it goes,
 * so one pass reports everything wrong with a document, not just the first thing.
 */
export interface UblReader {
  readonly problems: IntakeProblem[];
  readonly warnings: string[];
  one(node: UblNode | undefined, ...names: string[]): UblNode | undefined;
  many(node: UblNode | undefined, name: string): UblNode[];
  text(node: UblNode | undefined, ...names: string[]): string | undefined;
  attribute(node: UblNode | undefined, name: string): string | undefined;
  requiredText(node: UblNode | undefined, names: string[], why: string): string | undefined;
  decimal(node: UblNode | undefined, names: string[], options?: DecimalOptions): Amount | undefined;
  date(node: UblNode | undefined, names: string[], why?: string): string | undefined;
  pathOf(node: UblNode | undefined, names: string[]): string;
  missing(path: string, why: string): void;
  invalid(path: string, message: string): void;
  warn(message: string): void;
}

const DATE = /^(\d{4}-\d{2}-\d{2})(Z|[+-]\d{2}:\d{2})?$/;

/**
 * A reader over the document whose root element is `root`. `syntax` prefixes the problem codes
 * (`ubl.missing`, `cii.missing`): the reader itself only knows paths, not vocabularies.
 */
export function createUblReader(rootEl: XmlElement, rootName: string, syntax: 'ubl' | 'cii' = 'ubl'): { reader: UblReader; root: UblNode } {
  const problems: IntakeProblem[] = [];
  const warnings: string[] = [];
  const root: UblNode = { el: rootEl, path: rootName };

  const pathOf = (node: UblNode | undefined, names: string[]) => [node?.path ?? rootName, ...names].join('/');
  const one = (node: UblNode | undefined, ...names: string[]): UblNode | undefined => {
    let current = node;
    for (const name of names) {
      const el = current && childrenOf(current.el, name)[0];
      if (!current || !el) return undefined;
      current = { el, path: `${current.path}/${name}` };
    }
    return current;
  };
  const many = (node: UblNode | undefined, name: string): UblNode[] =>
    node ? childrenOf(node.el, name).map((el, i) => ({ el, path: `${node.path}/${name}[${i + 1}]` })) : [];
  const text = (node: UblNode | undefined, ...names: string[]) => textOf(one(node, ...names)?.el);
  const attribute = (node: UblNode | undefined, name: string) => attributeOf(node?.el, name);
  const missing = (path: string, why: string) => {
    problems.push({ code: `${syntax}.missing`, path, message: `${path} is missing: ${why}` });
  };
  const invalid = (path: string, message: string) => {
    problems.push({ code: `${syntax}.invalid`, path, message: `${path} ${message}` });
  };

  const requiredText = (node: UblNode | undefined, names: string[], why: string) => {
    const value = text(node, ...names);
    if (value === undefined) missing(pathOf(node, names), why);
    return value;
  };

  const decimal = (node: UblNode | undefined, names: string[], options: DecimalOptions = {}) => {
    const target = one(node, ...names);
    const raw = textOf(target?.el);
    const path = pathOf(node, names);
    if (raw === undefined) {
      if (options.required) missing(path, options.required);
      return undefined;
    }
    const value = amountFromText(raw);
    if (!value) {
      invalid(path, `is not a decimal number ("${raw}"): write digits with a dot as the decimal separator, no thousands separators or exponent.`);
      return undefined;
    }
    const currencyId = attribute(target, 'currencyID');
    if (options.currency && currencyId && currencyId !== options.currency) {
      warnings.push(`${path} is in ${currencyId}, not the expected ${options.currency}; the amount is kept as stated.`);
    }
    return value;
  };

  const date = (node: UblNode | undefined, names: string[], why?: string) => {
    const raw = why ? requiredText(node, names, why) : text(node, ...names);
    if (raw === undefined) return undefined;
    const match = DATE.exec(raw);
    if (!match?.[1] || Number.isNaN(Date.parse(match[1]))) {
      invalid(pathOf(node, names), `is not a date ("${raw}"): write it as YYYY-MM-DD.`);
      return undefined;
    }
    if (match[2]) warnings.push(`${pathOf(node, names)} carries a time zone (${match[2]}); the calendar date ${match[1]} is used.`);
    return match[1];
  };

  const reader: UblReader = {
    problems,
    warnings,
    one,
    many,
    text,
    attribute,
    requiredText,
    decimal,
    date,
    pathOf,
    missing,
    invalid,
    warn: (message) => warnings.push(message),
  };
  return { reader, root };
}
