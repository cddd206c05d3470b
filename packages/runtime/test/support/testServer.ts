import { randomBytes } from 'node:crypto';
import { loadConfig, type Config } from '../../src/config/config.js';
import { startExflow, type RunningExflow, type StartOptions } from '../../src/main.js';
import { openDatabase } from '../../src/store/db.js';

export type TestDatabaseKind = 'pglite' | 'postgres';

/** PGlite always; PostgreSQL too when DATABASE_URL is set (CI sets it). */
export function testDatabaseKinds(): TestDatabaseKind[] {
  return process.env.DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
}

export interface TestServerOptions extends StartOptions {
  database?: TestDatabaseKind;
  seedDemo?: boolean;
  /** PGlite folder (default: in memory) or PostgreSQL schema to reuse (default: a fresh one). */
  dataDir?: string;
  schema?: string;
  designerDist?: string;
  pollMs?: number;
  bodyLimit?: string;
  rateLimits?: { auth: number; intake: number; api?: number };
  oidc?: Config['oidc'];
  /** Egress allow-list, as `EXFLOW_EGRESS_ALLOW` (tests allow-list their loopback receivers here). */
  egressAllow?: string[];
  metricsToken?: string;
  /** As `EXFLOW_ATTACHMENTS_DIR` (default: attachment bytes in the database). */
  attachmentsDir?: string;
  /** As `EXFLOW_TRUST_PROXY` (default: trust no proxy). */
  trustProxy?: Config['trustProxy'];
  /** Notifications: as `EXFLOW_SMTP_URL`, `EXFLOW_DIGEST_HOUR`, `EXFLOW_NOTIFY_MS` (default 50 ms with SMTP, else 2 s; digests off). */
  smtpUrl?: string;
  digestHour?: number;
  notifyMs?: number;
  /** As `EXFLOW_LLM_URL` / `_MODEL` / `_API_KEY` (default: off). */
  llm?: Config['llm'];
  /** As `EXFLOW_SECRETS_KEY`; default a fixed test key (so a restarted test server opens what it sealed); `null`: none. */
  secretsKey?: string | null;
  /** As `EXFLOW_AI_RETRAIN_POLL_MS` (default 60 s). */
  aiRetrainPollMs?: number;
  /** As `EXFLOW_DATABASE_POOL_MAX` (default 10). */
  databasePoolMax?: number;
}

/** The key test servers seal secrets with unless told otherwise (base64 of 32 bytes; a test value, never a real one). */
export const TEST_SECRETS_KEY = Buffer.alloc(32, 7).toString('base64');

export interface TestServer extends RunningExflow {
  /** A bearer token for a demo user (password "demo"). */
  login(email: string): Promise<string>;
  database: TestDatabaseKind;
  schema?: string;
}

/**
 * Starts a whole Exflow (API, Socket.IO, workers) on a free port against a throw-away
 * database: in-memory PGlite, or a fresh schema in the PostgreSQL of DATABASE_URL.
 */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const database = options.database ?? 'pglite';
  if (database === 'postgres' && !process.env.DATABASE_URL) throw new Error('DATABASE_URL is not set; cannot start a PostgreSQL test server');
  const schema = database === 'postgres' ? (options.schema ?? `t_${randomBytes(6).toString('hex')}`) : undefined;
  const config = {
    ...loadConfig({}),
    port: 0,
    databaseUrl: database === 'postgres' ? process.env.DATABASE_URL : undefined,
    databaseSchema: schema,
    dataDir: options.dataDir ?? '',
    pollMs: options.pollMs ?? 50,
    seedDemo: options.seedDemo ?? true,
    oidc: options.oidc,
    metricsToken: options.metricsToken,
    ...(options.designerDist ? { designerDist: options.designerDist } : {}),
    ...(options.bodyLimit ? { bodyLimit: options.bodyLimit } : {}),
    ...(options.databasePoolMax ? { databasePoolMax: options.databasePoolMax } : {}),
    rateLimits: { auth: 10_000, intake: 1_000_000, api: 10_000_000, ...options.rateLimits },
    egressAllow: options.egressAllow ?? [],
    trustProxy: options.trustProxy ?? false,
    smtpUrl: options.smtpUrl,
    digestHour: options.digestHour ?? 24,
    notifyMs: options.notifyMs ?? (options.smtpUrl ? 50 : 2000),
    llm: options.llm,
    secretsKey: options.secretsKey === null ? undefined : (options.secretsKey ?? TEST_SECRETS_KEY),
    ...(options.attachmentsDir ? { attachmentsDir: options.attachmentsDir } : {}),
    ...(options.aiRetrainPollMs ? { aiRetrainPollMs: options.aiRetrainPollMs } : {}),
  };
  const running = await startExflow(config, { log: () => {}, baseBackoffMs: 20, ...options });
  return {
    ...running,
    database,
    schema,
    async login(email: string) {
      const response = await fetch(`${running.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, password: 'demo' }),
      });
      if (!response.ok) throw new Error(`login as ${email} failed: ${response.status} ${await response.text()}`);
      return ((await response.json()) as { token: string }).token;
    },
    async stop() {
      await running.stop();
      if (schema && !options.schema) {
        const admin = openDatabase({ databaseUrl: process.env.DATABASE_URL });
        await admin.raw('DROP SCHEMA IF EXISTS ?? CASCADE', [schema]);
        await admin.destroy();
      }
    },
  };
}
