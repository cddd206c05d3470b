import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

const assets = fileURLToPath(new URL('../../dist/assets', import.meta.url));

// dist/ is built by test/globalSetup.ts when the sources are newer than the last build
describe('the build pre-compresses the web app', () => {
  it('writes a .br and a .gz beside every script and style sheet over 1 KB, each decompressing to the same bytes', () => {
    const files = readdirSync(assets).filter((f) => /\.(js|css)$/.test(f));
    const large = files.filter((f) => readFileSync(join(assets, f)).length >= 1024);
    expect(large.length).toBeGreaterThan(2);
    for (const file of large) {
      const bytes = readFileSync(join(assets, file));
      const br = readFileSync(join(assets, `${file}.br`));
      const gz = readFileSync(join(assets, `${file}.gz`));
      expect(brotliDecompressSync(br).equals(bytes), file).toBe(true);
      expect(gunzipSync(gz).equals(bytes), file).toBe(true);
      expect(br.length, file).toBeLessThan(bytes.length);
    }
    for (const file of files.filter((f) => !large.includes(f))) expect(existsSync(join(assets, `${file}.br`)), file).toBe(false);
  });
});
