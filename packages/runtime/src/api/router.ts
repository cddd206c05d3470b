import { createAjv, describeAjvError } from '@exflow/shared';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { Principal } from '../auth/roles.js';
import { actAsTenant } from '../auth/tenancy.js';
import { forbidden, unauthorized, unprocessable } from '../errors.js';
import { noteRequestScope } from '../logging.js';
import { tenantReader, withTenantScope } from '../store/tenantScope.js';
import { checkJsonBody, checkParameterLengths, checkRequestText, checkTextBody } from './inputGuard.js';
import { readRawBody } from './rawBody.js';
import type { AppDeps, Route } from './route.js';

const BEARER = /^Bearer\s+(\S+)$/i;

/**
 * Builds the API router from the route table: text the database cannot store refused,
 * authentication, role check, body schema, handler.
 */
export function buildRouter(routes: Route[], deps: AppDeps): Router {
  const router = express.Router();
  const ajv = createAjv({ strict: false });
  const readAsTenant = tenantReader(deps.db, deps.scopeReads);
  for (const route of routes) {
    const caseParam = route.path.startsWith('/cases/:id') ? 'id' : undefined;
    const checkBody = route.body ? ajv.compile(route.body) : undefined;
    router[route.method](route.path, async (req: Request, res: Response, _next: NextFunction) => {
      checkRequestText(req);
      checkParameterLengths(req, route);
      let principal: Principal | undefined;
      if (route.roles !== 'public') {
        const match = BEARER.exec(req.get('authorization') ?? '');
        if (!match) throw unauthorized('This call needs an "Authorization: Bearer <token>" header; get a token from POST /api/v1/auth/login');
        let who = await deps.authenticator.authenticate(match[1]);
        const actingIn = req.get('x-exflow-tenant');
        if (actingIn) who = await actAsTenant(deps.db, who, actingIn);
        const allowed = route.roles;
        if (!who.roles.some((r) => allowed.includes(r))) {
          throw forbidden(
            `${route.method.toUpperCase()} ${route.path} needs one of the roles ${allowed.join(', ')}; you have ${who.roles.join(', ') || 'none'}`,
          );
        }
        principal = who;
        noteRequestScope({ tenantId: who.tenantId, caseId: caseParam ? String(req.params[caseParam]) : undefined });
      }
      if (route.rawBody) {
        req.body = await readRawBody(req, res, route.rawBody);
        checkTextBody(req.body as string);
      } else if (req.body !== undefined) checkJsonBody(req.body);
      if (checkBody) {
        if (req.body === undefined) throw unprocessable('missing-body', 'This call needs a JSON body with Content-Type: application/json');
        if (!checkBody(req.body)) {
          const errors = (checkBody.errors ?? []).map((e) => describeAjvError(e));
          throw unprocessable(
            'invalid-body',
            `The request body is not valid: ${errors
              .slice(0, 5)
              .map((e) => e.message)
              .join('; ')}`,
            errors,
          );
        }
      }
      if (route.readsTenants) {
        // no db in its context, not even at run time: every read goes through readAsTenant
        const { db: _unscoped, ...tenantsDeps } = deps;
        await route.handler(req, res, { ...tenantsDeps, principal: principal as Principal, readAsTenant });
        return;
      }
      if (principal && deps.scopeReads && route.method === 'get') {
        const who = principal;
        await withTenantScope(deps.db, who.tenantId, (scoped) => route.handler(req, res, { ...deps, db: scoped, principal: who, readAsTenant }));
        return;
      }
      // public handlers never read the principal
      await route.handler(req, res, { ...deps, principal: principal as Principal, readAsTenant });
    });
  }
  return router;
}
