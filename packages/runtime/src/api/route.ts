import type { SuggestionProvider } from '@exflow/shared';
import type { Request, Response } from 'express';
import type { Config } from '../config/config.js';
import type { AuditCheckpointer } from '../auth/auditCheckpoints.js';
import type { Authenticator } from '../auth/authenticator.js';
import type { Issuer } from '../auth/issuer.js';
import type { Principal, Role } from '../auth/roles.js';
import type { Engine } from '../engine/engine.js';
import type { ConnectorCalls } from '../integration/connectors/connectorCalls.js';
import type { SecretBox } from '../integration/secretBox.js';
import type { Realtime } from '../realtime/realtime.js';
import type { ServiceRegistry } from '../services/registry.js';
import type { Log } from '../logging.js';
import type { Db } from '../store/db.js';
import type { TenantReader } from '../store/tenantScope.js';

/** What every handler can use. Built once in `app.ts`. */
export interface AppDeps {
  config: Config;
  db: Db;
  engine: Engine;
  /** The built-in issuer (signs demo sign-ins; off for sign-in when an OIDC issuer is configured). */
  issuer: Issuer;
  authenticator: Authenticator;
  /** Signs audit checkpoints (on the owner's connection, outside the read-only tenant scope). */
  auditCheckpoints: AuditCheckpointer;
  services: ServiceRegistry;
  /**
   * Reads (GET) run as the application role under row-level security for the caller's tenant
   * (PostgreSQL with the `exflow_app` role): the second wall behind the repositories' filter.
   */
  scopeReads: boolean;
  /**
   * Tells socket listeners about task changes that are not case transitions (claim, release),
   * and drops the live sockets of a revoked key or a disabled user.
   */
  realtime: Pick<Realtime, 'caseChanged' | 'taskChanged' | 'disconnect'>;
  /** Seals credentials and webhook secrets; absent on PostgreSQL without `EXFLOW_SECRETS_KEY` (then none can be made). */
  secrets?: SecretBox;
  /** The connectors and their breakers (integration/connectors/). */
  connectors: ConnectorCalls;
  /** AI suggestions and anomaly scores (docs/ai.md). */
  suggestionProvider: SuggestionProvider;
  /** Where a handler logs an unexpected error it answers without failing the request (createApp sets it). */
  log?: Log;
}

export interface HandlerContext extends AppDeps {
  /** The signed-in caller; absent only on public routes. */
  principal: Principal;
  /**
   * Reads a tenant other than the caller's (only one the caller may read, e.g. an MSP's
   * client) under that tenant's own row-level security scope when reads are scoped.
   */
  readAsTenant: TenantReader;
}

/**
 * What a `readsTenants` handler gets: no `db`. The router does not hold the caller's scope
 * around such a handler, so a connection here would read every tenant's rows; the handler reads
 * each tenant, its caller's own too, through `readAsTenant`, which scopes the connection it lends.
 */
export type TenantsHandlerContext = Omit<HandlerContext, 'db'>;

/** The longest query parameter value the router accepts unless a route says otherwise. */
export const MAX_QUERY_LENGTH = 500;
/** The longest path parameter (an id, a key, a pack name) the router accepts. */
export const MAX_PATH_PARAM_LENGTH = 200;

/** What every route declares, whichever tenants it reads. */
interface RouteBase {
  method: 'get' | 'post' | 'put' | 'delete';
  /** Express path under the API base, e.g. `/definitions/:id`. */
  path: string;
  summary: string;
  tag: string;
  /** Roles allowed to call it, or `public` for no token at all. */
  roles: readonly Role[] | 'public';
  /** JSON Schema of the request body, checked before the handler runs. */
  body?: Record<string, unknown>;
  /**
   * A non-JSON body (XML, CSV): read as text after the role check, into `req.body`, when the
   * Content-Type is one of `contentTypes` (else 415); larger than `limit` is 413.
   */
  rawBody?: { contentTypes: readonly string[]; limit: string; description: string };
  /**
   * Documented query parameters. A string longer than `maxLength` (default
   * {@link MAX_QUERY_LENGTH}) is refused with 422 by the router; an integer's `minimum` and
   * `maximum` are the bounds its handler enforces (`queryInt`).
   */
  query?: Record<
    string,
    | { type: 'string'; description: string; maxLength?: number }
    | { type: 'integer'; description: string; minimum: number; maximum: number }
    | { type: 'boolean'; description: string }
  >;
  /** Documented responses: status → description. */
  responses: Record<string, string>;
  /**
   * JSON Schemas of the success bodies, by status (from `@exflow/shared`, where the types the
   * handler writes and the designer reads are derived from the same schemas). The OpenAPI
   * document shows them as the response content.
   */
  responseSchemas?: Record<string, object>;
  /**
   * Success bodies that are files rather than JSON (an export, an attachment), by status: their
   * media types. The OpenAPI document lists them without a schema, as OpenAPI 3.1 describes bytes.
   */
  responseFiles?: Record<string, readonly string[]>;
}

/** A route that reads (or writes) as its caller: a GET runs in the caller's tenant scope. */
interface ScopedRoute extends RouteBase {
  readsTenants?: undefined;
  handler(req: Request, res: Response, ctx: HandlerContext): Promise<void>;
}

/**
 * A read across tenants (an MSP's clients): the router does not wrap it in the caller's scope;
 * the handler reads every tenant, the caller's own too, through `readAsTenant`, one scope after
 * another, so it never holds a pooled connection while it waits for a second one. Its context
 * has no `db` to read unscoped by mistake.
 */
interface TenantsRoute extends RouteBase {
  readsTenants: true;
  handler(req: Request, res: Response, ctx: TenantsHandlerContext): Promise<void>;
}

/**
 * One REST route, declared as data: the router, the authorization check and the OpenAPI
 * document are all built from the same list, so they cannot disagree.
 */
export type Route = ScopedRoute | TenantsRoute;

export const defineRoutes = (routes: Route[]): Route[] => routes;
