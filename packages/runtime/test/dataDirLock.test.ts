import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LOCK_FILE } from '../src/store/dataDirLock.js';
import { openDatabase } from '../src/store/db.js';
import { killHard, startChildRuntime, stopGently, type ChildRuntime } from './support/childRuntime.js';
import { httpClient } from './support/http.js';
import { plainInvoice } from './support/flows.js';

describe('a PGlite data folder is used by one process at a time', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'exflow-lock-'));
  const children: ChildRuntime[] = [];
  afterAll(async () => {
    for (const child of children) if (child.process.exitCode === null && child.process.signalCode === null) await stopGently(child);
    rmSync(dataDir, { recursive: true, force: true });
  });

  const env = { DATABASE_URL: '', EXFLOW_DATA_DIR: dataDir, EXFLOW_SEED_DEMO: 'true' };
  const start = async () => {
    const child = await startChildRuntime(env);
    children.push(child);
    return child;
  };
  const signIn = async (url: string) =>
    httpClient(url, (await httpClient(url)('POST', '/api/v1/auth/login', { email: 'admin@demo.exflow', password: 'demo' })).body.token);

  it(
    "a second process is refused with the holder's pid, the first keeps serving its data; after a SIGKILL the stale lock is taken over",
    async () => {
      const first = await start();
      expect(readFileSync(join(dataDir, LOCK_FILE), 'utf8').trim()).toBe(String(first.process.pid));
      const api = await signIn(first.url);
      const posted = await api('POST', '/api/v1/invoices', plainInvoice('LOCK-1'), { 'Idempotency-Key': 'lock-1' });
      expect(posted.status).toBe(201);

      const refused = await start().then(
        () => 'started',
        (e: Error) => e.message,
      );
      expect(refused).toContain(`PGlite data folder ${dataDir} is in use by process ${first.process.pid}; stop it or set EXFLOW_DATA_DIR`);
      expect((await api('GET', `/api/v1/invoices/${posted.body.invoice.id}`)).status).toBe(200);

      await killHard(first);
      const third = await start();
      const again = await signIn(third.url);
      expect((await again('GET', `/api/v1/invoices/${posted.body.invoice.id}`)).body).toMatchObject({ invoiceNumber: 'LOCK-1' });
      expect(readFileSync(join(dataDir, LOCK_FILE), 'utf8').trim()).toBe(String(third.process.pid));
      await stopGently(third);
      expect(existsSync(join(dataDir, LOCK_FILE))).toBe(false);
    },
    12 * 60_000,
  );

  it('in one process: a second open is refused until the first is destroyed; a lock of a dead pid is taken over', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'exflow-lock-'));
    try {
      const db = openDatabase({ dataDir: dir });
      expect(() => openDatabase({ dataDir: dir })).toThrow(`PGlite data folder ${dir} is in use by process ${process.pid}`);
      await db.destroy();
      expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
      writeFileSync(join(dir, LOCK_FILE), '2147483646\n'); // no such process
      const reopened = openDatabase({ dataDir: dir });
      expect(readFileSync(join(dir, LOCK_FILE), 'utf8').trim()).toBe(String(process.pid));
      await reopened.destroy();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
