import { existsSync } from 'node:fs';
import { join } from 'node:path';
import express, { type Express } from 'express';
import { rateLimit } from 'express-rate-limit';
import helmet from 'helmet';
import { buildOpenApi, API_BASE } from './api/openapi.js';
import { problemMiddleware, sendProblem } from './api/problem.js';
import type { AppDeps } from './api/route.js';
import { buildRouter } from './api/router.js';
import { routes } from './api/routes/index.js';
import type { RuntimeMetrics } from './insights/prometheus.js';
import { requestLogging, type Log } from './logging.js';
import { designerAssets } from './web/designerAssets.js';

/** Builds the HTTP app from its dependencies. Does not listen (see main.ts). */
export function createApp(deps: AppDeps, log: Log, metrics?: RuntimeMetrics): Express {
  const app = express();
  app.use(requestLogging(log));
  if (metrics) app.use(metrics.http);
  app.disable('x-powered-by');
  app.set('trust proxy', deps.config.trustProxy);
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          // ajv compiles validators with new Function in the designer (schemas only, never user text)
          scriptSrc: ["'self'", "'unsafe-eval'"],
          styleSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", 'data:', 'https:'],
          connectSrc: ["'self'"],
        },
      },
      referrerPolicy: { policy: 'no-referrer' },
    }),
  );
  const limit = (perMinute: number, what: string) =>
    rateLimit({
      windowMs: 60_000,
      limit: perMinute,
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      handler: (_req, res) => sendProblem(res, 'rate-limited', `More than ${perMinute} ${what} requests a minute from your address; wait a minute and retry`),
    });
  app.use(API_BASE, limit(deps.config.rateLimits.api, 'API'));
  app.use(`${API_BASE}/auth/login`, limit(deps.config.rateLimits.auth, 'sign-in'));
  app.use(`${API_BASE}/invoices`, limit(deps.config.rateLimits.intake, 'intake'));
  const openapi = buildOpenApi(routes, '0.1.0');

  app.get('/health', async (_req, res) => {
    try {
      await deps.db.raw('select 1');
      res.json({ status: 'ok', database: deps.config.databaseUrl ? 'postgresql' : 'pglite', rowLevelSecurityOnReads: deps.scopeReads });
    } catch (e) {
      sendProblem(res, 'database-unavailable', `The database does not answer: ${(e as Error).message}`);
    }
  });
  if (metrics) app.get('/metrics', metrics.endpoint(deps.config.metricsToken));
  app.get('/.well-known/jwks.json', (_req, res) => res.json(deps.issuer.jwks()));
  app.get(`${API_BASE}/openapi.json`, (_req, res) => res.json(openapi));
  app.use(API_BASE, express.json({ limit: deps.config.bodyLimit, type: ['application/json', 'application/*+json'] }));
  app.use(API_BASE, buildRouter(routes, { log, ...deps }));
  app.use(API_BASE, (req, res) => sendProblem(res, 'no-such-route', `There is no ${req.method} ${req.originalUrl.split('?')[0]}; see /api/v1/openapi.json`));

  const dist = deps.config.designerDist;
  if (existsSync(join(dist, 'index.html'))) {
    app.use(designerAssets(dist));
    // client-side routes of the single-page app (and `/` itself)
    app.get(/^\/(?!api\/|socket\.io\/).*/, (_req, res) => res.sendFile(join(dist, 'index.html'), { headers: { 'Cache-Control': 'no-cache' } }));
  }
  app.use(problemMiddleware(log));
  return app;
}
