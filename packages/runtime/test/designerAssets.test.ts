import { request } from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './support/testServer.js';
import { acceptedEncodings } from '../src/web/designerAssets.js';

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A plain HTTP GET that leaves the body as sent (fetch would decompress it). */
function get(url: string, headers: Record<string, string> = {}): Promise<Raw> {
  return new Promise((resolve, reject) => {
    request(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    })
      .on('error', reject)
      .end();
  });
}

describe('designer assets over HTTP: pre-compressed files and cache headers', () => {
  const dist = mkdtempSync(join(tmpdir(), 'exflow-dist-'));
  const script = Buffer.from(`export const answer = ${JSON.stringify('forty-two '.repeat(400))};\n`);
  let server: TestServer;

  beforeAll(async () => {
    mkdirSync(join(dist, 'assets'));
    writeFileSync(join(dist, 'index.html'), '<!doctype html><script type="module" src="/assets/app-Ab12Cd34.js"></script>');
    writeFileSync(join(dist, 'assets/app-Ab12Cd34.js'), script);
    writeFileSync(join(dist, 'assets/app-Ab12Cd34.js.br'), brotliCompressSync(script));
    writeFileSync(join(dist, 'assets/app-Ab12Cd34.js.gz'), gzipSync(script));
    writeFileSync(join(dist, 'assets/tiny-Zz99Yy88.css'), 'a{color:red}');
    server = await startTestServer({ designerDist: dist, seedDemo: false });
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(dist, { recursive: true, force: true });
  });

  it('sends the brotli file to a client that accepts br, with the type of the script and a year of immutable caching', async () => {
    const res = await get(`${server.url}/assets/app-Ab12Cd34.js`, { 'accept-encoding': 'gzip, deflate, br' });
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBe('br');
    expect(res.headers['content-type']).toMatch(/^(text|application)\/javascript/);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(res.headers['vary']).toMatch(/Accept-Encoding/i);
    expect(res.body.length).toBeLessThan(script.length / 4);
    expect(brotliDecompressSync(res.body).equals(script)).toBe(true);
  });

  it('sends gzip when br is not accepted (or refused with q=0)', async () => {
    for (const accept of ['gzip', 'br;q=0, gzip;q=0.8']) {
      const res = await get(`${server.url}/assets/app-Ab12Cd34.js`, { 'accept-encoding': accept });
      expect(res.headers['content-encoding']).toBe('gzip');
      expect(gunzipSync(res.body).equals(script)).toBe(true);
    }
  });

  it('sends the plain bytes to a client that accepts no compression, and files the build did not compress as they are', async () => {
    const plain = await get(`${server.url}/assets/app-Ab12Cd34.js`);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.equals(script)).toBe(true);
    const tiny = await get(`${server.url}/assets/tiny-Zz99Yy88.css`, { 'accept-encoding': 'br, gzip' });
    expect(tiny.headers['content-encoding']).toBeUndefined();
    expect(tiny.body.toString()).toBe('a{color:red}');
    expect(tiny.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  it('serves index.html for the app and its client-side routes, revalidated on every load', async () => {
    for (const path of ['/', '/inbox', '/designer/abc']) {
      const res = await get(`${server.url}${path}`, { 'accept-encoding': 'br' });
      expect(res.status).toBe(200);
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.body.toString()).toContain('/assets/app-Ab12Cd34.js');
    }
  });

  it('reads Accept-Encoding weights', () => {
    expect(acceptedEncodings(undefined)).toEqual([]);
    expect(acceptedEncodings('gzip, br').map((e) => e.name)).toEqual(['br', 'gzip']);
    expect(acceptedEncodings('*').map((e) => e.name)).toEqual(['br', 'gzip']);
    expect(acceptedEncodings('*, br;q=0').map((e) => e.name)).toEqual(['gzip']);
    expect(acceptedEncodings('identity').map((e) => e.name)).toEqual([]);
  });
});
