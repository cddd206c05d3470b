import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllowList } from '../services/egress.js';
import { durationToMs } from '@exflow/shared';

/** Everything the runtime reads from its environment, read once at start. */
export interface Config {
  port: number;
  /** PostgreSQL URL; absent means the embedded PGlite database in `dataDir`. */
  databaseUrl?: string;
  /** PostgreSQL schema to use (tests isolate themselves in one). */
  databaseSchema?: string;
  dataDir: string;
  /** Folder of the built designer, served at `/` when it exists. */
  designerDist: string;
  /** Largest accepted JSON request body. */
  bodyLimit: string;
  /** Milliseconds between polls of the effect and timer workers when nothing wakes them (the fallback). */
  pollMs: number;
  /** Claimed effect batches run at once in this process (`EXFLOW_EFFECT_CONCURRENCY`). */
  effectConcurrency: number;
  /** Claimed timer batches fired at once in this process (`EXFLOW_TIMER_CONCURRENCY`). */
  timerConcurrency: number;
  /** Due timers one claim of the timer worker takes (`EXFLOW_TIMER_BATCH`). */
  timerBatch: number;
  /** Most PostgreSQL connections the runtime's query pool opens (`EXFLOW_DATABASE_POOL_MAX`; PGlite has one). */
  databasePoolMax: number;
  /** How often the runtime signs a checkpoint of each tenant's audit head that moved, ms. */
  auditCheckpointMs: number;
  seedDemo: boolean;
  tokenTtl: string;
  /** Folder for attachment bytes; unset keeps them in the database. */
  attachmentsDir?: string;
  /** Largest attachment accepted, bytes. */
  attachmentMaxBytes: number;
  /** An external OIDC issuer; when set, the built-in sign-in is off. */
  oidc?: { issuer: string; audience: string; tenantClaim: string; rolesClaim: string };
  /** Run API reads under row-level security (`auto`: on PostgreSQL when the app role is usable). */
  rlsReads: 'auto' | 'off';
  /** Requests per minute per client address on sign-in, on invoice intake and on the whole API. */
  rateLimits: { auth: number; intake: number; api: number };
  /**
   * Hosts, addresses and CIDR networks outbound calls may reach although they are not public
   * (`EXFLOW_EGRESS_ALLOW`, comma-separated); platform admins add more through the API.
   */
  egressAllow: string[];
  /** Bearer token GET /metrics requires; unset leaves it open (keep it off the public network). */
  metricsToken?: string;
  /**
   * Which proxies in front may name the client in `X-Forwarded-For` (express's `trust proxy`):
   * `false` (none, the default), a number of hops, or addresses and networks (`EXFLOW_TRUST_PROXY`).
   * Behind nginx or an ingress, without it every client shares the proxy's rate-limit budget.
   */
  trustProxy: boolean | number | string[];
  /** Notifications (docs/integration.md): SMTP server URL (`smtp://user:pass@host:587`, `smtps://...`); unset sends no e-mail. */
  smtpUrl?: string;
  /** Sender of notification e-mails. */
  mailFrom: string;
  /** Where people open Exflow, for links in messages (default: this process's address). */
  publicUrl?: string;
  /** UTC hour from which leads get the day's digest. */
  digestHour: number;
  /** Milliseconds between passes of the notifier over its sources. */
  notifyMs: number;
  /**
   * An OpenAI-compatible chat endpoint for case summaries and supplier e-mail drafts
   * (`EXFLOW_LLM_URL`, the base before `/v1/chat/completions`; `EXFLOW_LLM_MODEL`,
   * `EXFLOW_LLM_API_KEY`). Unset: off, and those routes answer 503.
   */
  llm?: { url: string; model: string; apiKey?: string };
  /**
   * Seals credentials and webhook secrets at rest (`EXFLOW_SECRETS_KEY`, base64 of 32 bytes).
   * Unset: the embedded database generates one into its folder; PostgreSQL refuses to start
   * when secrets are stored.
   */
  secretsKey?: string;
  /** Keys that sealed earlier (`EXFLOW_SECRETS_PREVIOUS_KEYS`, comma-separated): opened, and resealed at start. */
  secretsPreviousKeys: string[];
  /** How often each tenant's AI models are retrained (ISO 8601 duration, `EXFLOW_AI_RETRAIN_EVERY`, default `P1D`). */
  aiRetrainEvery: string;
  /** How often a process looks for a due retraining job, ms (`EXFLOW_AI_RETRAIN_POLL_MS`). */
  aiRetrainPollMs: number;
  /** Model rows kept per tenant and kind; older versions are deleted when a new one is written (`EXFLOW_AI_KEEP_MODELS`, default 10). */
  aiKeepModels: number;
  /** How often a process catches the insights rollup up, ms (`EXFLOW_INSIGHTS_ROLLUP_MS`, default 10 s). */
  insightsRollupMs: number;
}

function parseTrustProxy(value: string | undefined): Config['trustProxy'] {
  const text = value?.trim() ?? '';
  if (text === '' || text === 'false') return false;
  if (text === 'true') return true;
  if (/^\d+$/.test(text)) return Number(text);
  return text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
}

function retrainEvery(value: string | undefined): string {
  const text = value?.trim() || 'P1D';
  const ms = durationToMs(text);
  if (ms === undefined || ms < 60_000) throw new Error(`EXFLOW_AI_RETRAIN_EVERY "${text}" is not an ISO 8601 duration of a minute or more (e.g. P1D, PT6H)`);
  return text;
}

const here = fileURLToPath(new URL('.', import.meta.url));

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return {
    port: Number(env.PORT ?? 3000),
    databaseUrl: env.DATABASE_URL || undefined,
    databaseSchema: env.DATABASE_SCHEMA || undefined,
    dataDir: resolve(env.EXFLOW_DATA_DIR ?? resolve(here, '../../../../.data/pglite')),
    designerDist: resolve(env.EXFLOW_DESIGNER_DIST ?? resolve(here, '../../../designer/dist')),
    bodyLimit: env.EXFLOW_BODY_LIMIT ?? '1mb',
    pollMs: Number(env.EXFLOW_POLL_MS ?? 200),
    effectConcurrency: Math.max(1, Math.floor(Number(env.EXFLOW_EFFECT_CONCURRENCY ?? 4)) || 4),
    timerConcurrency: Math.max(1, Math.floor(Number(env.EXFLOW_TIMER_CONCURRENCY ?? 4)) || 4),
    timerBatch: Math.max(1, Math.floor(Number(env.EXFLOW_TIMER_BATCH ?? 10)) || 10),
    databasePoolMax: Math.max(2, Math.floor(Number(env.EXFLOW_DATABASE_POOL_MAX ?? 10)) || 10),
    auditCheckpointMs: Number(env.EXFLOW_AUDIT_CHECKPOINT_MS ?? 60_000),
    aiRetrainEvery: retrainEvery(env.EXFLOW_AI_RETRAIN_EVERY),
    aiRetrainPollMs: Number(env.EXFLOW_AI_RETRAIN_POLL_MS ?? 60_000),
    aiKeepModels: Math.max(1, Math.floor(Number(env.EXFLOW_AI_KEEP_MODELS ?? 10)) || 10),
    insightsRollupMs: Number(env.EXFLOW_INSIGHTS_ROLLUP_MS ?? 10_000),
    seedDemo: env.EXFLOW_SEED_DEMO !== 'false',
    tokenTtl: env.EXFLOW_TOKEN_TTL ?? '8h',
    attachmentsDir: env.EXFLOW_ATTACHMENTS_DIR ? resolve(env.EXFLOW_ATTACHMENTS_DIR) : undefined,
    attachmentMaxBytes: Number(env.EXFLOW_ATTACHMENT_MAX_BYTES ?? 10 * 1024 * 1024),
    oidc: env.EXFLOW_OIDC_ISSUER
      ? {
          issuer: env.EXFLOW_OIDC_ISSUER,
          audience: env.EXFLOW_OIDC_AUDIENCE ?? 'exflow',
          tenantClaim: env.EXFLOW_OIDC_TENANT_CLAIM ?? 'tid',
          rolesClaim: env.EXFLOW_OIDC_ROLES_CLAIM ?? 'roles',
        }
      : undefined,
    rlsReads: env.EXFLOW_RLS_READS === 'off' ? 'off' : 'auto',
    rateLimits: {
      auth: Number(env.EXFLOW_RATE_LIMIT_AUTH ?? 30),
      intake: Number(env.EXFLOW_RATE_LIMIT_INTAKE ?? 1200),
      api: Number(env.EXFLOW_RATE_LIMIT_API ?? 6000),
    },
    egressAllow: parseAllowList(env.EXFLOW_EGRESS_ALLOW),
    metricsToken: env.EXFLOW_METRICS_TOKEN || undefined,
    trustProxy: parseTrustProxy(env.EXFLOW_TRUST_PROXY),
    smtpUrl: env.EXFLOW_SMTP_URL || undefined,
    mailFrom: env.EXFLOW_MAIL_FROM ?? 'Exflow <exflow@localhost>',
    publicUrl: env.EXFLOW_PUBLIC_URL || undefined,
    digestHour: Math.min(23, Math.max(0, Number(env.EXFLOW_DIGEST_HOUR ?? 7) || 0)),
    notifyMs: Number(env.EXFLOW_NOTIFY_MS ?? 5000),
    llm: env.EXFLOW_LLM_URL
      ? { url: env.EXFLOW_LLM_URL, model: env.EXFLOW_LLM_MODEL ?? 'gpt-4o-mini', apiKey: env.EXFLOW_LLM_API_KEY || undefined }
      : undefined,
    secretsKey: env.EXFLOW_SECRETS_KEY || undefined,
    secretsPreviousKeys: (env.EXFLOW_SECRETS_PREVIOUS_KEYS ?? '')
      .split(',')
      .map((k) => k.trim())
      .filter(Boolean),
  };
}
