import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { durationToMs, type SuggestionProvider } from '@exflow/shared';
import { createModelSuggestionProvider, type ScopedSuggestionProvider } from './ai/modelProvider.js';
import { createRetrainingWorker } from './ai/retraining.js';
import { answeredThenClosed } from './api/answeredThenClosed.js';
import { createInsightRollupJob } from './store/insightRollup.js';
import { createApp } from './app.js';
import { jsonLog, type Log } from './logging.js';
import { createAuthenticator } from './auth/authenticator.js';
import { createAuditCheckpointer } from './auth/auditCheckpoints.js';
import { createEmbeddedIssuer, type Issuer } from './auth/issuer.js';
import { createOidcVerifier } from './auth/oidc.js';
import { createPrincipalCache } from './auth/principalCache.js';
import { loadConfig, type Config } from './config/config.js';
import { seedDemo } from './demo/seed.js';
import { startPoller } from './effects/poller.js';
import { createEffectWorker } from './effects/effectWorker.js';
import { createTimerWorker } from './effects/timerWorker.js';
import { builtInConnectors } from './integration/connectors/index.js';
import type { Connector } from './integration/connectors/connector.js';
import { createConnectorCalls } from './integration/connectors/connectorCalls.js';
import { prepareSecrets } from './integration/credentials.js';
import { createMessageWorker } from './integration/messages.js';
import { createWebhookDeliveryWorker } from './integration/webhooks.js';
import { createNotificationSender, createNotifier } from './integration/notifier.js';
import { createSubflowService, createSubflowWatcher } from './integration/subflows.js';
import { SUBFLOW_SERVICE } from '@exflow/shared';
import { createTransport } from 'nodemailer';
import { startWakeups } from './effects/wakeups.js';
import { createTemplateFanOutWorker } from './packs/templateFanOut.js';
import { createEngine, type Engine } from './engine/engine.js';
import { createEventBus, createPublisher, type EventBus } from './engine/eventBus.js';
import { createRuntimeMetrics } from './insights/prometheus.js';
import { loadPack } from './packs/templatePack.js';
import { createBroadcastConnections } from './realtime/broadcastConnections.js';
import { createRealtime } from './realtime/realtime.js';
import { builtInServices } from './services/index.js';
import type { ServiceHandler, ServiceRegistry } from './services/registry.js';
import { DataDirInUseError } from './store/dataDirLock.js';
import { migrate, openDatabase, type Db } from './store/db.js';
import { startRowCache } from './store/rowCache.js';
import { canUseTenantScope } from './store/tenantScope.js';

export interface RunningExflow {
  url: string;
  port: number;
  db: Db;
  engine: Engine;
  /** Committed case and task changes (what realtime and the workers hear). */
  bus: EventBus;
  issuer: Issuer;
  /** The AI suggestion provider in use (the option's, else the trained models'). */
  suggestionProvider: SuggestionProvider;
  stop(): Promise<void>;
}

export interface StartOptions {
  log?: Log;
  /** Extra services (tests register fakes of the outside world here). */
  services?: Record<string, ServiceHandler>;
  /** First retry interval of the default retry policy, ms (a node's own policy overrides it). */
  baseBackoffMs?: number;
  leaseMs?: number;
  /** Connectors instead of the built-in ones (tests give theirs a quicker breaker). */
  connectors?: Connector[];
  /** Run effect and timer workers in this process (default true). */
  workers?: boolean;
  /**
   * Where AI suggestions and anomaly scores come from (docs/ai.md); default: the tenant's
   * trained model rows (`createModelSuggestionProvider`).
   */
  suggestionProvider?: ScopedSuggestionProvider;
  /** Lease of a claimed retraining job, ms (default 10 minutes; tests shorten it). */
  aiRetrainLeaseMs?: number;
  /** Lease of a client's row of a template fan-out, ms (default 10 minutes; tests shorten it). */
  fanOutLeaseMs?: number;
  /**
   * The clock of the engine (task SLAs, timer due times) and of the timer worker that fires
   * timers, ms since the epoch (default `Date.now`). Tests move a clock forward instead of
   * waiting out a timer.
   */
  now?: () => number;
}

/** Effects one claim takes (the effect worker's default batch). */
const EFFECT_BATCH = 10;

const templatesDir = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../templates');

/** The composition root: config → database → engine → workers → HTTP + Socket.IO → listen. */
export async function startExflow(config: Config, options: StartOptions = {}): Promise<RunningExflow> {
  const log = options.log ?? jsonLog;
  const db = openDatabase({
    databaseUrl: config.databaseUrl,
    schema: config.databaseSchema,
    dataDir: config.databaseUrl ? undefined : config.dataDir || undefined,
    poolMax: config.databasePoolMax,
  });
  // start-up milestones carry the ms since the process started, for the restart bench's split
  const since = () => ({ sinceStartMs: Math.round(performance.now()) });
  log('starting', since());
  await migrate(db, config.databaseSchema);
  log('database migrated', since());
  const secrets = await prepareSecrets(config, db, log).catch(async (e: unknown) => {
    await db.destroy();
    throw e;
  });
  const connectors = createConnectorCalls({ connectors: options.connectors ?? builtInConnectors, secrets, egressAllow: config.egressAllow });
  // tenants and delegations remembered between requests until a change to them commits (here or elsewhere)
  const rowCache = startRowCache(db, {
    postgres: config.databaseUrl ? { connectionString: config.databaseUrl, schema: config.databaseSchema } : undefined,
    log,
  });
  const issuer = await createEmbeddedIssuer(db, config.tokenTtl);
  // committed changes go out on the bus; realtime, the workers and the metrics subscribe to it
  const bus = createEventBus((e, event) => log('event listener failed', { event, error: e instanceof Error ? e.message : String(e) }));
  // who a credential belongs to, remembered between requests until a revocation is heard
  const principals = createPrincipalCache({
    bus,
    postgres: config.databaseUrl ? { connectionString: config.databaseUrl, schema: config.databaseSchema } : undefined,
    log,
  });
  const authenticator = config.oidc
    ? createAuthenticator(
        db,
        await createOidcVerifier({
          issuer: config.oidc.issuer,
          audience: config.oidc.audience,
          claims: { tenant: config.oidc.tenantClaim, roles: config.oidc.rolesClaim },
        }),
        'oidc',
        principals,
      )
    : createAuthenticator(db, issuer, 'embedded', principals);
  const metrics = createRuntimeMetrics(db);
  bus.on('case.changed', (change) => metrics.transition(change));
  // AI suggestions come from the tenant's trained model rows unless a caller gives its own models
  const suggestionProvider = options.suggestionProvider ?? createModelSuggestionProvider(db);
  const services = metrics.instrumentServices(builtInServices(options.services, { egressAllow: config.egressAllow, suggestionProvider, connectors }));
  const engine = metrics.instrumentEngine(createEngine({ db, bus, services, now: options.now }));
  // the effect worker also runs sub-flow steps, which open child cases through the engine
  const workerServices: ServiceRegistry = new Map([...services, [SUBFLOW_SERVICE, createSubflowService({ engine })]]);
  if (config.seedDemo) await seedDemo(db, engine, await Promise.all(['ap-exceptions', 'finance-ops'].map((name) => loadPack(resolve(templatesDir, name)))));

  const scopeReads = Boolean(config.databaseUrl) && config.rlsReads === 'auto' && (await canUseTenantScope(db));
  const auditCheckpoints = createAuditCheckpointer(db, issuer);
  const app = createApp(
    {
      config,
      db,
      engine,
      issuer,
      authenticator,
      services,
      scopeReads,
      auditCheckpoints,
      realtime: createPublisher(bus),
      secrets,
      connectors,
      suggestionProvider,
    },
    log,
    metrics,
  );
  const server = createServer(app);
  // Idle keep-alive sockets stay open longer than clients (undici: 4 s) and load balancers (60 s) reuse them,
  // so the server never closes a socket a client is just writing a request to ("other side closed").
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  const answers = answeredThenClosed(server);
  // several processes on one PostgreSQL broadcast through it; PGlite is one process
  const broadcastPool = config.databaseUrl
    ? createBroadcastConnections({ connectionString: config.databaseUrl, schema: config.databaseSchema, log })
    : undefined;
  const realtime = createRealtime(server, authenticator, db, {
    bus,
    pool: broadcastPool,
    channelPrefix: `exflow:${config.databaseSchema ?? 'public'}`,
    onError: (e) => log('broadcast failed', { error: e instanceof Error ? e.message : String(e) }),
  });
  metrics.countSocketClients(realtime.clients);
  await new Promise<void>((ready) => server.listen(config.port, ready));
  const port = (server.address() as AddressInfo).port;
  log('listening', { port, ...since() });

  const workers = options.workers !== false;
  // a retry put back for later wakes its worker when it falls due, not at the next idle poll
  const publisher = createPublisher(bus);
  const announce = publisher.workQueued;
  const effectPoller = workers
    ? startPoller(
        createEffectWorker({
          db,
          engine,
          services: workerServices,
          log,
          batchSize: EFFECT_BATCH,
          defaultRetryPolicy: options.baseBackoffMs === undefined ? undefined : { initialInterval: `PT${options.baseBackoffMs / 1000}S` },
          leaseMs: options.leaseMs,
          announce,
          announceFailure: publisher.effectFailed,
        }).tick,
        config.pollMs,
        (e) => log('effect poll failed', { error: String(e) }),
        { concurrency: config.effectConcurrency, fanOutAt: EFFECT_BATCH },
      )
    : undefined;
  const timerPoller = workers
    ? startPoller(
        createTimerWorker({ db, engine, log, now: options.now, batchSize: config.timerBatch, leaseMs: options.leaseMs }).tick,
        config.pollMs,
        (e) => log('timer poll failed', { error: String(e) }),
        { concurrency: config.timerConcurrency, fanOutAt: config.timerBatch },
      )
    : undefined;
  const checkpointPoller = workers
    ? startPoller(auditCheckpoints.tick, config.auditCheckpointMs, (e) => log('audit checkpoint failed', { error: String(e) }))
    : undefined;
  const messagePoller = workers
    ? startPoller(createMessageWorker({ db, engine, log }).tick, config.pollMs, (e) => log('message poll failed', { error: String(e) }))
    : undefined;
  const subflowPoller = workers
    ? startPoller(createSubflowWatcher({ db, engine }).tick, config.pollMs, (e) => log('sub-flow poll failed', { error: String(e) }))
    : undefined;
  const webhookPoller = workers
    ? startPoller(
        createWebhookDeliveryWorker({
          db,
          secrets,
          egressAllow: config.egressAllow,
          log,
          leaseMs: options.leaseMs,
          retryPolicy: options.baseBackoffMs === undefined ? undefined : { initialInterval: `PT${options.baseBackoffMs / 1000}S` },
          announce,
        }).tick,
        config.pollMs,
        (e) => log('webhook poll failed', { error: String(e) }),
      )
    : undefined;
  const retrainPoller = workers
    ? startPoller(
        createRetrainingWorker({
          db,
          everyMs: durationToMs(config.aiRetrainEvery) ?? 86_400_000,
          leaseMs: options.aiRetrainLeaseMs ?? 10 * 60_000,
          keep: config.aiKeepModels,
          log,
        }).tick,
        config.aiRetrainPollMs,
        (e) => log('ai retraining poll failed', { error: String(e) }),
      )
    : undefined;
  // MSP template fan-outs: each client's flows published and its running cases migrated, restart-safe
  const fanOutPoller = workers
    ? startPoller(
        createTemplateFanOutWorker({ db, leaseMs: options.fanOutLeaseMs ?? 10 * 60_000, announcer: createPublisher(bus), log }).tick,
        config.pollMs,
        (e) => log('template fan-out poll failed', { error: String(e) }),
      )
    : undefined;
  // the insights rollup: built for a tenant that has none, then caught up (reads catch up too)
  const rollupPoller = workers
    ? startPoller(createInsightRollupJob({ db, log }).tick, config.insightsRollupMs, (e) => log('insights rollup failed', { error: String(e) }))
    : undefined;
  // notifications: derived from durable facts, then sent (e-mail when SMTP is configured, chat always)
  const mailTransport = config.smtpUrl ? createTransport(config.smtpUrl) : undefined;
  const notifierPoller = workers
    ? startPoller(
        createNotifier({ db, baseUrl: config.publicUrl ?? `http://localhost:${port}`, email: Boolean(mailTransport), digestHour: config.digestHour, log }).tick,
        config.notifyMs,
        (e) => log('notifier failed', { error: String(e) }),
      )
    : undefined;
  const notificationPoller = workers
    ? startPoller(
        createNotificationSender({
          db,
          transport: mailTransport,
          mailFrom: config.mailFrom,
          egressAllow: config.egressAllow,
          log,
          leaseMs: options.leaseMs,
          retryPolicy: options.baseBackoffMs === undefined ? undefined : { initialInterval: `PT${options.baseBackoffMs / 1000}S` },
        }).tick,
        config.pollMs,
        (e) => log('notification delivery failed', { error: String(e) }),
      )
    : undefined;
  const pollers = [
    effectPoller,
    timerPoller,
    checkpointPoller,
    messagePoller,
    subflowPoller,
    webhookPoller,
    notifierPoller,
    notificationPoller,
    retrainPoller,
    fanOutPoller,
    rollupPoller,
  ].filter((p) => p !== undefined);
  // committed work wakes the workers at once (here, and in the other processes through PostgreSQL)
  const wakeups = startWakeups({
    bus,
    effects: effectPoller,
    timers: timerPoller,
    webhooks: webhookPoller,
    messages: messagePoller,
    postgres: config.databaseUrl ? { db, connectionString: config.databaseUrl, schema: config.databaseSchema } : undefined,
    log,
  });
  if (workers) log('workers started', since());

  return {
    url: `http://localhost:${port}`,
    port,
    db,
    engine,
    bus,
    issuer,
    suggestionProvider,
    // A gentle stop, in the order that leaves nothing half done: stop accepting connections (requests
    // under way run on), stop the workers (a claim under way finishes), then the broadcaster (it still
    // carries what those committed to the other processes, then tells them this one left), then the
    // connections the last of them used.
    async stop() {
      answers.closing();
      server.close();
      await wakeups.stop();
      await Promise.all(pollers.map((p) => p.stop()));
      mailTransport?.close();
      // closes the sockets, then waits for the HTTP server: for the requests under way to be answered
      await realtime.close();
      await broadcastPool?.end();
      await principals.stop();
      await rowCache.stop();
      await db.destroy();
    },
  };
}

const isEntry = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isEntry) {
  const config = loadConfig();
  startExflow(config, { leaseMs: Number(process.env.EXFLOW_LEASE_MS ?? 30_000), baseBackoffMs: Number(process.env.EXFLOW_BACKOFF_MS ?? 1000) })
    .then((running) => {
      const where = config.databaseUrl ? 'PostgreSQL' : `PGlite in ${config.dataDir}`;
      console.log(`Exflow is running at ${running.url} (database: ${where})`);
      console.log('Sign in as owner@demo.exflow, analyst@demo.exflow, approver@demo.exflow or admin@demo.exflow, password "demo".');
      const shutdown = () => running.stop().then(() => process.exit(0));
      process.once('SIGINT', shutdown);
      process.once('SIGTERM', shutdown);
    })
    .catch((e) => {
      // a folder in use is the operator's to fix: its message says how, a stack would only hide it
      console.error('Exflow could not start:', e instanceof DataDirInUseError ? e.message : e);
      process.exit(1);
    });
}
