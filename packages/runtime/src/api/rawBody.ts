import express, { type Request, type Response } from 'express';
import { ProblemError } from '../errors.js';
import type { Route } from './route.js';

const readers = new Map<string, ReturnType<typeof express.text>>();

/**
 * Reads a text body (XML, CSV) of one of the route's content types, decoded by its charset
 * (UTF-8 by default). A body over the limit becomes 413 and an unknown charset 415 in the
 * problem middleware, as for JSON.
 */
export function readRawBody(req: Request, res: Response, spec: NonNullable<Route['rawBody']>): Promise<string> {
  const type = (req.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (!spec.contentTypes.includes(type)) {
    throw new ProblemError('unsupported-media-type', `Send the body as ${spec.contentTypes.join(' or ')}; got ${type || 'no Content-Type'}`);
  }
  let read = readers.get(spec.limit);
  if (!read) {
    read = express.text({ type: () => true, limit: spec.limit, defaultCharset: 'utf-8' });
    readers.set(spec.limit, read);
  }
  return new Promise((resolve, reject) => read(req, res, (error?: unknown) => (error ? reject(error) : resolve(typeof req.body === 'string' ? req.body : ''))));
}
