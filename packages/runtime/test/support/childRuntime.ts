import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDatabase } from '../../src/store/db.js';
import { httpClient } from './http.js';

const runtimeDir = fileURLToPath(new URL('../../', import.meta.url));

/** The longest a child runtime may take to listen (tsx, PGlite, migrations and the demo seed on a busy machine). */
export const CHILD_START_MS = 180_000;

export interface ChildRuntime {
  url: string;
  process: ChildProcess;
  output: () => string;
}

/**
 * Starts `src/main.ts` (through tsx, on shared's TypeScript sources) in a child process and
 * resolves with its address once it listens; `{ built: true }` starts `dist/main.js` with plain
 * node instead (`pnpm build` first), as production does.
 */
export function startChildRuntime(env: Record<string, string>, options: { built?: boolean } = {}): Promise<ChildRuntime> {
  const args = options.built ? ['dist/main.js'] : ['--conditions=exflow-source', '--import', 'tsx', 'src/main.ts'];
  const child = spawn(process.execPath, args, {
    cwd: runtimeDir,
    env: { ...process.env, PORT: '0', EXFLOW_POLL_MS: '50', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    // a ceiling, not a budget: it resolves as soon as the child listens; a loaded machine may need minutes
    const timer = setTimeout(() => reject(new Error(`child runtime did not start within ${CHILD_START_MS / 1000} s:\n${output}`)), CHILD_START_MS);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Exflow is running at (http:\/\/localhost:\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ url: match[1], process: child, output: () => output });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`child runtime exited with ${code}:\n${output}`));
    });
  });
}

/** SIGKILL: no shutdown hooks, no flushing; as a power cut is to the process. */
export function killHard(child: ChildRuntime): Promise<void> {
  return new Promise((resolve) => {
    child.process.removeAllListeners('exit');
    child.process.once('exit', () => resolve());
    child.process.kill('SIGKILL');
  });
}

/** SIGTERM, as an orchestrator stops a process; resolves once it exited and its output has all been read. */
export function stopGently(child: ChildRuntime): Promise<void> {
  return new Promise((resolve) => {
    child.process.removeAllListeners('exit');
    // 'close', not 'exit': the last lines it wrote may still be in the pipe when it exits
    child.process.once('close', () => resolve());
    child.process.kill('SIGTERM');
  });
}

/**
 * Where child runtimes of one test keep their data: a fresh PostgreSQL schema (`DATABASE_URL`)
 * or a fresh PGlite folder; `env` starts a child there (with `extra`), `remove` drops it after.
 * Children on one place share it: the first migrates and seeds, later ones join.
 */
export function childRuntimePlace(database: 'pglite' | 'postgres', prefix: string, extra: Record<string, string> = {}) {
  const schema = `${prefix}_${randomBytes(5).toString('hex')}`;
  const dataDir = database === 'pglite' ? mkdtempSync(join(tmpdir(), `exflow-${prefix}-`)) : undefined;
  const env: Record<string, string> =
    database === 'postgres'
      ? { ...CHILD_DRILL_ENV, ...extra, DATABASE_URL: process.env.DATABASE_URL!, DATABASE_SCHEMA: schema }
      : { ...CHILD_DRILL_ENV, ...extra, DATABASE_URL: '', EXFLOW_DATA_DIR: dataDir! };
  return {
    env,
    schema,
    async remove() {
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
      if (database === 'postgres') {
        const admin = openDatabase({ databaseUrl: process.env.DATABASE_URL });
        await admin.raw('DROP SCHEMA IF EXISTS ?? CASCADE', [schema]);
        await admin.destroy();
      }
    },
  };
}

/** Short leases and back-offs (a drill sees recovery in seconds), and outside calls allowed to the test's loopback receivers. */
export const CHILD_DRILL_ENV = { EXFLOW_LEASE_MS: '1500', EXFLOW_BACKOFF_MS: '100', EXFLOW_EGRESS_ALLOW: '127.0.0.1' } as const;

/** Signs the demo tenant's admin in on a child runtime: the bearer token. */
export async function signInAsDemoAdmin(url: string): Promise<string> {
  const r = await httpClient(url)('POST', '/api/v1/auth/login', { email: 'admin@demo.exflow', password: 'demo' });
  if (r.status !== 200) throw new Error(`sign-in on ${url} answered ${r.status}: ${JSON.stringify(r.body)}`);
  return r.body.token as string;
}
