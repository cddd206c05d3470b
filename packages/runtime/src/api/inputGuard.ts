import type { Request } from 'express';
import { unprocessable } from '../errors.js';
import { MAX_PATH_PARAM_LENGTH, MAX_QUERY_LENGTH, type Route } from './route.js';

/** The deepest JSON a request body may nest (the body itself is level 1). */
export const MAX_JSON_DEPTH = 64;

/** Headers whose text the API stores or looks up in the database. */
const STORED_HEADERS = ['Idempotency-Key', 'X-Exflow-Tenant'] as const;

const pointer = (path: readonly string[]) => path.map((s) => `/${s.replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
/** A NUL written as the JSON escape it arrived as, so the path in the answer is readable. */
const shown = (text: string) => text.replace(/\0/g, '\\u0000');
/** Half of a UTF-16 surrogate pair without its other half. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

type Fault = 'nul' | 'surrogate';
const faultOf = (text: string): Fault | undefined => (text.includes('\0') ? 'nul' : LONE_SURROGATE.test(text) ? 'surrogate' : undefined);

/** `where` says what holds the text, e.g. `/data/reason` or `Query parameter "queue"`. */
function refuseText(path: string, where: string, fault: Fault): never {
  if (fault === 'nul') {
    throw unprocessable('nul-character', `${where} contains a NUL character (\\u0000), which cannot be stored; remove it`, [
      { path, message: 'contains a NUL character' },
    ]);
  }
  throw unprocessable('invalid-unicode', `${where} contains a lone UTF-16 surrogate (half a character), which cannot be stored; send well-formed Unicode`, [
    { path, message: 'not well-formed Unicode' },
  ]);
}

/**
 * Refuses a parsed JSON body that the database or `JSON.stringify` cannot take, naming the
 * field as a JSON pointer: nesting deeper than {@link MAX_JSON_DEPTH} (`json-too-deep`), a NUL
 * character or a lone surrogate in any string or key (`nul-character`, `invalid-unicode`;
 * PostgreSQL refuses both), a number that is not finite (`non-finite-number`: `1e309` parses
 * as Infinity and would be stored as null).
 */
export function checkJsonBody(body: unknown): void {
  const path: string[] = [];
  const walk = (value: unknown, depth: number): void => {
    if (typeof value === 'string') {
      const fault = faultOf(value);
      if (fault) refuseText(shown(pointer(path)), shown(pointer(path)), fault);
      return;
    }
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) {
        const at = pointer(path);
        throw unprocessable('non-finite-number', `${at} is a number too large to represent (it parses as ${value}); send a finite number`, [
          { path: at, message: 'not a finite number' },
        ]);
      }
      return;
    }
    if (value === null || typeof value !== 'object') return;
    if (depth > MAX_JSON_DEPTH) {
      const at = pointer(path);
      throw unprocessable('json-too-deep', `The body nests deeper than ${MAX_JSON_DEPTH} levels at ${at}; flatten the data`, [
        { path: at, message: `nested deeper than ${MAX_JSON_DEPTH} levels` },
      ]);
    }
    const entries: Array<[string, unknown]> = Array.isArray(value) ? value.map((v, i) => [String(i), v]) : Object.entries(value);
    for (const [key, child] of entries) {
      path.push(key);
      const fault = faultOf(key);
      if (fault) refuseText(shown(pointer(path)), `The key of ${shown(pointer(path))}`, fault);
      walk(child, depth + 1);
      path.pop();
    }
  };
  walk(body, 1);
}

/** Refuses a text body (CSV, XML) with a NUL or a lone surrogate, naming its line. */
export function checkTextBody(text: string): void {
  const fault = faultOf(text);
  if (!fault) return;
  const at = fault === 'nul' ? text.indexOf('\0') : text.search(LONE_SURROGATE);
  const line = text.slice(0, at).split('\n').length;
  refuseText(`body line ${line}`, `Line ${line} of the body`, fault);
}

/** Refuses path parameters and documented string query parameters longer than the OpenAPI document says. */
export function checkParameterLengths(req: Request, route: Route): void {
  for (const [name, value] of Object.entries(req.params ?? {})) {
    if (String(value).length > MAX_PATH_PARAM_LENGTH) {
      throw unprocessable('invalid-parameter', `Path parameter "${name}" is longer than ${MAX_PATH_PARAM_LENGTH} characters`, [
        { path: name, message: `longer than ${MAX_PATH_PARAM_LENGTH} characters` },
      ]);
    }
  }
  for (const [name, spec] of Object.entries(route.query ?? {})) {
    const value = req.query[name];
    const max = spec.type === 'string' ? (spec.maxLength ?? MAX_QUERY_LENGTH) : MAX_QUERY_LENGTH;
    if (typeof value === 'string' && value.length > max) {
      throw unprocessable('invalid-parameter', `Query parameter "${name}" is longer than ${max} characters`, [
        { path: name, message: `longer than ${max} characters` },
      ]);
    }
  }
}

/** Every string in a parsed query value (a string, a repeated parameter's array, an object). */
const texts = (value: unknown): string[] =>
  typeof value === 'string' ? [value] : value && typeof value === 'object' ? Object.entries(value).flatMap(([k, v]) => [k, ...texts(v)]) : [];

/** Refuses path parameters, query parameters and stored headers with a NUL or a lone surrogate. */
export function checkRequestText(req: Request): void {
  for (const [name, value] of Object.entries(req.params ?? {})) {
    const fault = faultOf(String(value));
    if (fault) refuseText(name, `Path parameter "${name}"`, fault);
  }
  for (const [name, value] of Object.entries(req.query ?? {})) {
    const fault = [name, ...texts(value)].map(faultOf).find(Boolean);
    if (fault) refuseText(shown(name), `Query parameter "${shown(name)}"`, fault);
  }
  for (const header of STORED_HEADERS) {
    const fault = faultOf(req.get(header) ?? '');
    if (fault) refuseText(header, `Header ${header}`, fault);
  }
}
