import type { Request } from 'express';
import { badRequest } from '../errors.js';

/** A path parameter as a string (Express 5 types them loosely). */
export const param = (req: Request, name: string): string => String(req.params[name]);

/** A query parameter as a string, or undefined. */
export function queryString(req: Request, name: string): string | undefined {
  const v = req.query[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw badRequest(`Query parameter "${name}" must be given once, as text`);
  return v;
}

export function queryInt(req: Request, name: string, { min, max, fallback }: { min: number; max: number; fallback: number }): number {
  const v = queryString(req, name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw badRequest(`Query parameter "${name}" must be an integer from ${min} to ${max}; got "${v}"`);
  return n;
}
