import { timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Engine } from '../engine/engine.js';
import type { ServiceRegistry } from '../services/registry.js';
import type { Db } from '../store/db.js';

/** Intake routes and the channel each receives on. */
const INTAKE_CHANNELS: Record<string, string> = { '/api/v1/invoices': 'api', '/api/v1/invoices/ubl': 'ubl', '/api/v1/invoices/csv': 'csv' };

/**
 * The runtime's Prometheus metrics (prom-client), one registry per running Exflow. Counters
 * and histograms move in this process; the effect queue, timer lag and effect failures are
 * read from the database at scrape time, so every process reports the same shared figures.
 */
export function createRuntimeMetrics(db: Db, options: { defaultMetrics?: boolean } = {}) {
  const registry = new Registry();
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry, prefix: 'exflow_' });
  const transitions = new Counter({
    name: 'exflow_case_transitions_total',
    help: 'Committed case transitions, by event type and resulting status',
    labelNames: ['event', 'status'],
    registers: [registry],
  });
  const transitionSeconds = new Histogram({
    name: 'exflow_case_transition_seconds',
    help: 'Time to compute and commit a transition (engine.send / startCase), by operation',
    labelNames: ['operation'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const serviceCalls = new Counter({
    name: 'exflow_service_calls_total',
    help: 'Service calls made by effect workers, by service and result (ok, failed)',
    labelNames: ['service', 'result'],
    registers: [registry],
  });
  const serviceSeconds = new Histogram({
    name: 'exflow_service_call_seconds',
    help: 'Duration of service calls',
    labelNames: ['service'],
    buckets: [0.005, 0.025, 0.1, 0.5, 1, 5, 15],
    registers: [registry],
  });
  const intake = new Counter({
    name: 'exflow_intake_requests_total',
    help: 'Invoice intake requests, by channel and outcome (accepted, replayed, refused, failed)',
    labelNames: ['channel', 'outcome'],
    registers: [registry],
  });
  const http = new Counter({
    name: 'exflow_http_requests_total',
    help: 'HTTP requests, by method, route (as declared, not the raw URL) and status',
    labelNames: ['method', 'route', 'status'],
    registers: [registry],
  });
  const httpSeconds = new Histogram({
    name: 'exflow_http_request_seconds',
    help: 'HTTP request duration, by method and route',
    labelNames: ['method', 'route'],
    buckets: [0.005, 0.025, 0.1, 0.25, 1, 2.5, 10],
    registers: [registry],
  });
  let socketClients: () => number = () => 0;
  new Gauge({
    name: 'exflow_socket_clients',
    help: 'Socket.IO clients connected to this process',
    registers: [registry],
    collect() {
      this.set(socketClients());
    },
  });

  const statuses = ['pending', 'running', 'failed'];
  // one query per scrape for all four database gauges, started by the first of them
  let snapshot: Promise<{ byStatus: Record<string, number>; oldest: number; retries: number; lag: number }> | undefined;
  const read = () =>
    (snapshot ??= (async () => {
      try {
        // each part reads its partial index (effects_due, effects_failed: migration 028), not the
        // whole outbox, which keeps every effect ever run
        const effects = await db.raw(`SELECT status, count(*)::int AS n, coalesce(sum(greatest(attempts - 1, 0)), 0)::int AS retries,
            coalesce(extract(epoch FROM now() - min(run_at) FILTER (WHERE status = 'pending' AND run_at <= now())), 0)::float8 AS oldest
          FROM effects WHERE status IN ('pending', 'running') GROUP BY status
          UNION ALL
          SELECT 'failed', count(*)::int, coalesce(sum(greatest(attempts - 1, 0)), 0)::int, 0 FROM effects WHERE status = 'failed'`);
        const timers = await db.raw(
          `SELECT coalesce(extract(epoch FROM now() - min(due_at)), 0)::float8 AS lag FROM timers WHERE status = 'pending' AND due_at <= now()`,
        );
        const rows = effects.rows as { status: string; n: number; retries: number; oldest: number }[];
        return {
          byStatus: Object.fromEntries(rows.map((r) => [r.status, r.n])),
          oldest: Math.max(0, ...rows.map((r) => Number(r.oldest))),
          retries: rows.reduce((n, r) => n + r.retries, 0),
          lag: Number(timers.rows[0]?.lag ?? 0),
        };
      } finally {
        setImmediate(() => (snapshot = undefined));
      }
    })());
  new Gauge({
    name: 'exflow_effects',
    help: 'Effects in the outbox by status (pending, running, failed)',
    labelNames: ['status'],
    registers: [registry],
    async collect() {
      const s = await read();
      for (const status of statuses) this.set({ status }, s.byStatus[status] ?? 0);
    },
  });
  new Gauge({
    name: 'exflow_effect_oldest_pending_seconds',
    help: 'Age of the oldest pending effect that is due',
    registers: [registry],
    async collect() {
      this.set((await read()).oldest);
    },
  });
  new Gauge({
    name: 'exflow_effect_retries',
    help: 'Attempts beyond the first of effects not done yet (pending, running or failed)',
    registers: [registry],
    async collect() {
      this.set((await read()).retries);
    },
  });
  new Gauge({
    name: 'exflow_timer_lag_seconds',
    help: 'How far past its due time the most overdue pending timer is (0 when none is)',
    registers: [registry],
    async collect() {
      this.set((await read()).lag);
    },
  });

  const routeOf = (req: Request) => (req.route?.path ? `${req.baseUrl}${String(req.route.path)}` : 'unmatched');

  return {
    registry,

    /** The engine with its transitions counted and timed (same object shape). */
    instrumentEngine(engine: Engine): Engine {
      const timed =
        <A extends unknown[], R>(operation: string, fn: (...args: A) => Promise<R>) =>
        async (...args: A): Promise<R> => {
          const end = transitionSeconds.startTimer({ operation });
          try {
            return await fn(...args);
          } finally {
            end();
          }
        };
      return { ...engine, send: timed('send', engine.send), startCase: timed('startCase', engine.startCase) };
    },

    /** Counts a committed transition; called with each change the engine publishes. */
    transition(change: { event: { type: string }; status: string }) {
      transitions.inc({ event: change.event.type, status: change.status });
    },

    /** The services with their calls counted and timed. */
    instrumentServices(services: ServiceRegistry): ServiceRegistry {
      return new Map(
        [...services].map(([name, handler]) => [
          name,
          // Object.assign keeps the handler's own markers (e.g. `localService`: run inside the transition)
          Object.assign(async (call: Parameters<typeof handler>[0]) => {
            const end = serviceSeconds.startTimer({ service: name });
            try {
              const result = await handler(call);
              serviceCalls.inc({ service: name, result: 'ok' });
              return result;
            } catch (e) {
              serviceCalls.inc({ service: name, result: 'failed' });
              throw e;
            } finally {
              end();
            }
          }, handler),
        ]),
      );
    },

    countSocketClients(count: () => number) {
      socketClients = count;
    },

    /** Express middleware: counts every request by its declared route once it is answered. */
    http: ((req, res, next) => {
      const started = process.hrtime.bigint();
      res.on('finish', () => {
        const route = routeOf(req);
        http.inc({ method: req.method, route, status: String(res.statusCode) });
        httpSeconds.observe({ method: req.method, route }, Number(process.hrtime.bigint() - started) / 1e9);
        const channel = req.method === 'POST' ? INTAKE_CHANNELS[route] : undefined;
        if (channel) {
          const s = res.statusCode;
          intake.inc({
            channel,
            outcome: s === 201 || (s === 200 && channel === 'csv') ? 'accepted' : s === 200 ? 'replayed' : s < 500 ? 'refused' : 'failed',
          });
        }
      });
      next();
    }) as RequestHandler,

    /** GET /metrics: the exposition text; with a token configured, only for `Authorization: Bearer <token>`. */
    endpoint(token: string | undefined): RequestHandler {
      const expected = token ? Buffer.from(`Bearer ${token}`) : undefined;
      return async (req: Request, res: Response) => {
        if (expected) {
          const given = Buffer.from(req.get('authorization') ?? '');
          if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
            res
              .status(401)
              .set('WWW-Authenticate', 'Bearer')
              .type('application/problem+json')
              .send(
                JSON.stringify({
                  type: 'https://exflow.dev/problems/unauthorized',
                  title: 'Unauthorized',
                  status: 401,
                  code: 'unauthorized',
                  detail: 'GET /metrics needs "Authorization: Bearer <EXFLOW_METRICS_TOKEN>"',
                }),
              );
            return;
          }
        }
        res.type(registry.contentType).send(exposition(await registry.metrics()));
      };
    },
  };
}

/**
 * prom-client 15 writes a sample that is not a number as `Nan` (the event loop's lag mean before
 * its first sample, for one); the text format spells it `NaN`, and strict parsers refuse `Nan`.
 */
export function exposition(text: string): string {
  return text.replace(/^([^#\n].*) Nan$/gm, '$1 NaN');
}

export type RuntimeMetrics = ReturnType<typeof createRuntimeMetrics>;
