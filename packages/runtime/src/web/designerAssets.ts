import { existsSync, readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import express, { type RequestHandler, type Response } from 'express';

/** Hashed file names (`assets/index-Bnv9uDip.js`) never change content: cache them for a year. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** index.html names the hashed files of the current build: revalidate it on every load. */
const REVALIDATE = 'no-cache';

const ENCODINGS = [
  { name: 'br', suffix: '.br' },
  { name: 'gzip', suffix: '.gz' },
] as const;

type Encoding = (typeof ENCODINGS)[number];

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => '/' + relative(dir, join(e.parentPath, e.name)).split(sep).join('/'));
}

/** The encodings a request accepts (`Accept-Encoding`, q=0 refuses), in the order we prefer them. */
export function acceptedEncodings(header: string | undefined): Encoding[] {
  if (!header) return [];
  const weights = new Map<string, number>();
  for (const part of header.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    weights.set(name, q ? Number(q.slice(2)) || 0 : 1);
  }
  const star = weights.get('*') ?? 0;
  return ENCODINGS.filter((e) => (weights.get(e.name) ?? star) > 0);
}

function cacheControl(path: string): string {
  return path.startsWith('/assets/') ? IMMUTABLE : REVALIDATE;
}

/**
 * Serves the designer's built files (`packages/designer/dist`). Files the build pre-compressed
 * (`x.js.br`, `x.js.gz` beside `x.js`) are sent compressed to clients that accept it, so no
 * request pays for compression; hashed files under `/assets/` are cached as immutable.
 */
export function designerAssets(dist: string): RequestHandler[] {
  const files = new Set(existsSync(dist) ? filesUnder(dist) : []);
  const compressed = new Map<string, Encoding[]>();
  for (const file of files) {
    const encodings = ENCODINGS.filter((e) => files.has(file + e.suffix));
    if (encodings.length > 0) compressed.set(file, encodings);
  }
  const setHeaders = (res: Response, path: string) => {
    const file = '/' + relative(dist, path).split(sep).join('/');
    res.setHeader('Cache-Control', cacheControl(file));
    if (compressed.has(file)) res.setHeader('Vary', 'Accept-Encoding');
  };

  const precompressed: RequestHandler = (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    const available = compressed.get(req.path);
    if (!available) return next();
    const encoding = acceptedEncodings(req.get('accept-encoding')).find((e) => available.includes(e));
    if (!encoding) return next();
    // the type of the file itself, not of its .br/.gz (send keeps a Content-Type already set)
    res.type(req.path.slice(req.path.lastIndexOf('.')));
    res.sendFile(
      join(dist, req.path + encoding.suffix),
      {
        headers: { 'Content-Encoding': encoding.name, Vary: 'Accept-Encoding', 'Cache-Control': cacheControl(req.path) },
        cacheControl: false,
        dotfiles: 'deny',
      },
      (e) => e && next(e),
    );
  };
  return [precompressed, express.static(dist, { index: false, cacheControl: false, setHeaders })];
}
