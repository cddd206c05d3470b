import { credentialInfoSchema, credentialListSchema } from '@exflow/shared';
import { ADMINS } from '../../auth/roles.js';
import { notFound, unprocessable } from '../../errors.js';
import { requireSecrets, sealCredential, type CredentialValue } from '../../integration/credentials.js';
import { createAuditRepository } from '../../store/auditRepository.js';
import { createCredentialRepository, type CredentialType } from '../../store/credentialRepository.js';
import { param } from '../params.js';
import { defineRoutes } from '../route.js';

/** What a credential's name may be: it is written in flows and settings. */
export const CREDENTIAL_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

const FIELDS: Record<CredentialType, string[]> = { bearer: ['token'], basic: ['username', 'password'], secret: ['value'] };

function credentialName(name: string): string {
  if (!CREDENTIAL_NAME.test(name))
    throw unprocessable('invalid-body', `"${name}" is not a credential name: 1 to 100 letters, digits, ".", "_" or "-", starting with a letter or digit`, [
      { path: '/name', message: 'letters, digits, ".", "_", "-"; at most 100' },
    ]);
  return name;
}

/** The value a PUT gives, with exactly the fields of its type (a missing or stray one is named). */
function credentialValue(body: Record<string, unknown>): CredentialValue {
  const type = body.type as CredentialType;
  const wanted = FIELDS[type];
  for (const field of wanted)
    if (typeof body[field] !== 'string' || body[field] === '')
      throw unprocessable('invalid-body', `A ${type} credential needs ${wanted.join(' and ')}`, [{ path: `/${field}`, message: `required for type ${type}` }]);
  for (const field of Object.values(FIELDS).flat())
    if (!wanted.includes(field) && body[field] !== undefined)
      throw unprocessable('invalid-body', `A ${type} credential has no ${field}`, [{ path: `/${field}`, message: `not a field of type ${type}` }]);
  return Object.fromEntries([['type', type], ...wanted.map((f) => [f, body[f]])]) as CredentialValue;
}

/**
 * The tenant's credentials for outbound calls (connectors): values go in sealed
 * (AES-256-GCM, EXFLOW_SECRETS_KEY) and never come out; flows and settings name them. Admins only.
 */
export const credentialRoutes = defineRoutes([
  {
    method: 'get',
    path: '/credentials',
    summary: 'Credentials of your tenant: name, type, dates, when last used (never the value)',
    tag: 'integration',
    roles: ADMINS,
    responses: { '200': 'Credentials, by name' },
    responseSchemas: { '200': credentialListSchema },
    async handler(_req, res, { db, principal }) {
      res.json(await createCredentialRepository(db).list(principal.tenantId));
    },
  },
  {
    method: 'get',
    path: '/credentials/:name',
    summary: 'One credential: name, type, dates, when last used (never the value)',
    tag: 'integration',
    roles: ADMINS,
    responses: { '200': 'The credential', '404': 'No such credential' },
    responseSchemas: { '200': credentialInfoSchema },
    async handler(req, res, { db, principal }) {
      const found = await createCredentialRepository(db).get(principal.tenantId, param(req, 'name'));
      if (!found) throw notFound('credential', param(req, 'name'));
      res.json(found);
    },
  },
  {
    method: 'put',
    path: '/credentials/:name',
    summary: 'Store or replace a credential (sealed at rest; the value is never answered)',
    tag: 'integration',
    roles: ADMINS,
    body: {
      type: 'object',
      required: ['type'],
      additionalProperties: false,
      properties: {
        type: { type: 'string', enum: ['bearer', 'basic', 'secret'], maxLength: 10, description: 'bearer: token; basic: username and password; secret: value' },
        token: { type: 'string', minLength: 1, maxLength: 8000 },
        username: { type: 'string', minLength: 1, maxLength: 500 },
        password: { type: 'string', minLength: 1, maxLength: 2000 },
        value: { type: 'string', minLength: 1, maxLength: 8000 },
        description: { type: 'string', maxLength: 500 },
      },
    },
    responses: {
      '201': 'Stored (the credential, without its value)',
      '200': 'Replaced',
      '422': 'A bad name, or the fields do not fit the type',
      '503': 'No EXFLOW_SECRETS_KEY to seal it with',
    },
    responseSchemas: { '201': credentialInfoSchema, '200': credentialInfoSchema },
    async handler(req, res, { db, principal, secrets }) {
      const name = credentialName(param(req, 'name'));
      const body = req.body as Record<string, unknown>;
      const value = credentialValue(body);
      const { type, sealed, keyId } = sealCredential(requireSecrets(secrets), value);
      const { credential, created } = await createCredentialRepository(db).put(principal.tenantId, {
        name,
        type,
        sealed,
        keyId,
        description: typeof body.description === 'string' ? body.description : undefined,
        by: principal.userId,
      });
      await createAuditRepository(db).record(principal.tenantId, {
        actor: principal.userId,
        action: created ? 'credential.created' : 'credential.replaced',
        entity: 'credential',
        entityId: name,
        data: { type },
      });
      res.status(created ? 201 : 200).json(credential);
    },
  },
  {
    method: 'delete',
    path: '/credentials/:name',
    summary: 'Remove a credential (calls that name it then fail until it is stored again)',
    tag: 'integration',
    roles: ADMINS,
    responses: { '204': 'Removed', '404': 'No such credential' },
    async handler(req, res, { db, principal }) {
      const name = param(req, 'name');
      if (!(await createCredentialRepository(db).remove(principal.tenantId, name))) throw notFound('credential', name);
      await createAuditRepository(db).record(principal.tenantId, {
        actor: principal.userId,
        action: 'credential.removed',
        entity: 'credential',
        entityId: name,
        data: {},
      });
      res.status(204).end();
    },
  },
]);
