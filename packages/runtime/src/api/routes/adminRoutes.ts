import { POOL_POLICY_KEY } from '../../ai/training.js';
import {
  apiKeyListSchema,
  apiKeyMintedSchema,
  userDisabledSchema,
  brandingSchema,
  clientListSchema,
  policySchemaSchema,
  policiesViewSchema,
  policiesSavedSchema,
  isKnownTimeZone,
} from '@exflow/shared';
import { apiKeyActor, mintApiKey } from '../../auth/apiKeys.js';
import { ADMINS, READERS, ROLES } from '../../auth/roles.js';
import { effectiveBranding, effectivePolicies, loadTenantWithParent } from '../../auth/tenancy.js';
import { forbidden, notFound, unprocessable } from '../../errors.js';
import { createApiKeyRepository } from '../../store/apiKeyRepository.js';
import { createAuditRepository } from '../../store/auditRepository.js';
import { createTenantRepository, type Branding } from '../../store/tenantRepository.js';
import { createUserRepository } from '../../store/userRepository.js';
import { param } from '../params.js';
import { defineRoutes } from '../route.js';

const color = { type: 'string', maxLength: 7, pattern: '^#[0-9a-fA-F]{6}$' };

/** Policy keys a tenant may set (inherited from its MSP where the MSP allows overriding). */
export const POLICY_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    priceTolerancePct: { type: 'number', minimum: 0, maximum: 100 },
    quantityTolerancePct: { type: 'number', minimum: 0, maximum: 100 },
    amountTolerance: { type: 'number', minimum: 0 },
    fourEyesThreshold: { type: 'number', minimum: 0 },
    sodDesignCheck: {
      enum: ['refuse', 'warn'],
      description: 'Segregation-of-duties problems found in a flow at design time refuse publishing (default) or only warn',
    },
    approvalLimits: {
      type: 'array',
      maxItems: 1000,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['role', 'maxAmount'],
        properties: { role: { enum: [...ROLES] }, businessUnit: { type: 'string', maxLength: 100 }, maxAmount: { type: 'number', minimum: 0 } },
      },
    },
    aiAutoResolve: {
      type: 'boolean',
      description: 'AI suggestion steps may complete non-payment, non-approval decisions as the system (default false; needs aiAutoResolveLimit too)',
    },
    aiAutoResolveLimit: { type: 'number', minimum: 0, description: 'Invoices of this gross amount or more are never completed by the AI' },
    aiDriftWindow: {
      type: 'integer',
      format: 'int32',
      minimum: 1,
      maximum: 10000,
      description: 'Decisions per exception kind the drift alert looks back over (default 50)',
    },
    aiDriftMinAgreement: { type: 'number', minimum: 0, maximum: 1, description: 'Agreement rate below which a drift alert is raised (default 0.8)' },
    aiFeatureDriftWindow: {
      type: 'integer',
      format: 'int32',
      minimum: 1,
      maximum: 10000,
      description: 'Newest invoices since the model was trained that the feature-drift check compares with its training distribution (default 200)',
    },
    aiFeatureDriftMinInvoices: {
      type: 'integer',
      format: 'int32',
      minimum: 1,
      maximum: 10000,
      description: 'Fewest such invoices for the feature-drift check to compare at all (default 100)',
    },
    llmMaskFields: {
      type: 'array',
      maxItems: 100,
      items: { type: 'string', maxLength: 100 },
      description: 'Field names masked before anything is sent to the language model (default: names, tax ids, bank accounts, e-mails, phones, addresses)',
    },
    aiPoolWithMsp: {
      type: 'boolean',
      description:
        "A client's consent that its MSP's AI models learn from its decided cases (default false; the client's own, whatever its MSP allows; docs/ai.md)",
    },
    allowedTemplates: {
      type: 'array',
      maxItems: 1000,
      items: { type: 'string', maxLength: 200 },
      description: 'Template packs the tenant may list and install (absent: all)',
    },
    businessCalendar: {
      type: 'object',
      additionalProperties: false,
      description: 'Working days and holidays that SLAs counted in business days skip (default Monday to Friday, UTC, no holidays)',
      properties: {
        workingDays: {
          type: 'array',
          minItems: 1,
          maxItems: 7,
          uniqueItems: true,
          items: { type: 'integer', format: 'int32', minimum: 1, maximum: 7 },
          description: 'ISO weekdays worked: 1 Monday … 7 Sunday',
        },
        holidays: { type: 'array', maxItems: 1000, items: { type: 'string', format: 'date', maxLength: 10 }, description: 'Dates nobody works (YYYY-MM-DD)' },
        timeZone: { type: 'string', maxLength: 100, description: 'IANA time zone the days are counted in, e.g. Europe/Berlin (default UTC)' },
      },
    },
    // check parameters triage and check nodes use (docs/checks.md, "Parameters")
    nonPoLimit: { type: 'number', minimum: 0 },
    duplicateWindowDays: { type: 'integer', format: 'int32', minimum: 0, maximum: 366 },
    duplicateMaxEditDistance: { type: 'integer', format: 'int32', minimum: 0, maximum: 10 },
    taxLineTolerance: { type: 'number', minimum: 0 },
    taxHeaderTolerance: { type: 'number', minimum: 0 },
    recentBankChangeDays: { type: 'integer', format: 'int32', minimum: 0, maximum: 3660 },
    flowOverridableParams: {
      type: 'array',
      description: "Check parameters a flow's node may set differently from this policy",
      maxItems: 20,
      items: {
        enum: [
          'priceTolerancePct',
          'quantityTolerancePct',
          'amountTolerance',
          'nonPoLimit',
          'duplicateWindowDays',
          'duplicateMaxEditDistance',
          'taxLineTolerance',
          'taxHeaderTolerance',
          'recentBankChangeDays',
        ],
      },
    },
    taxRates: {
      type: 'array',
      description: "The tenant's own VAT rates; rows for a country replace the shared table's rows for it",
      maxItems: 500,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['country', 'rate'],
        properties: {
          country: { type: 'string', maxLength: 2, pattern: '^[A-Z]{2}$' },
          rate: { type: 'string', maxLength: 9, pattern: '^\\d{1,3}(\\.\\d{1,4})?$' },
          validFrom: { type: 'string', format: 'date', maxLength: 10 },
          validTo: { type: 'string', format: 'date', maxLength: 10 },
        },
      },
    },
  },
};

export const adminRoutes = defineRoutes([
  {
    method: 'get',
    path: '/api-keys',
    summary: 'List API keys of the tenant (never their secrets)',
    tag: 'admin',
    roles: ADMINS,
    responses: { '200': 'Keys' },
    responseSchemas: { '200': apiKeyListSchema },
    async handler(_req, res, { db, principal }) {
      const keys = await createApiKeyRepository(db).list(principal.tenantId);
      res.json(keys.map(({ secretHash: _hash, tenantId: _t, ...k }) => k));
    },
  },
  {
    method: 'post',
    path: '/api-keys',
    summary: 'Create an API key for an integration; the key is in this answer only',
    tag: 'admin',
    roles: ADMINS,
    body: {
      type: 'object',
      required: ['name', 'role'],
      additionalProperties: false,
      properties: { name: { type: 'string', minLength: 1, maxLength: 100 }, role: { enum: ['integration', 'auditor', 'analyst'] } },
    },
    responses: { '201': '{ id, name, role, key }' },
    responseSchemas: { '201': apiKeyMintedSchema },
    async handler(req, res, { db, principal }) {
      const { name, role } = req.body as { name: string; role: string };
      const minted = mintApiKey();
      await createApiKeyRepository(db).insert({
        tenantId: principal.tenantId,
        id: minted.id,
        name,
        role,
        secretHash: minted.secretHash,
        createdBy: principal.userId,
      });
      await createAuditRepository(db).record(principal.tenantId, {
        actor: principal.userId,
        action: 'apiKey.created',
        entity: 'apiKey',
        entityId: minted.id,
        data: { name, role },
      });
      res.status(201).json({ id: minted.id, name, role, key: minted.key });
    },
  },
  {
    method: 'delete',
    path: '/api-keys/:id',
    summary: 'Revoke an API key; its live sockets are dropped',
    tag: 'admin',
    roles: ADMINS,
    responses: { '204': 'Revoked', '404': 'Unknown or already revoked key' },
    async handler(req, res, { db, principal, realtime }) {
      if (!(await createApiKeyRepository(db).revoke(principal.tenantId, param(req, 'id')))) throw notFound('active API key', param(req, 'id'));
      await createAuditRepository(db).record(principal.tenantId, {
        actor: principal.userId,
        action: 'apiKey.revoked',
        entity: 'apiKey',
        entityId: param(req, 'id'),
      });
      await realtime.disconnect(principal.tenantId, apiKeyActor(param(req, 'id')));
      res.status(204).end();
    },
  },
  {
    method: 'put',
    path: '/team/:userId/disabled',
    summary: 'Disable a user (sign-in and their tokens refused, live sockets dropped) or enable them again',
    tag: 'admin',
    roles: ADMINS,
    body: { type: 'object', required: ['disabled'], additionalProperties: false, properties: { disabled: { type: 'boolean' } } },
    responses: { '200': '{ id, disabled }', '404': 'Unknown user', '422': 'Disabling yourself' },
    responseSchemas: { '200': userDisabledSchema },
    async handler(req, res, { db, principal, realtime }) {
      const userId = param(req, 'userId');
      const { disabled } = req.body as { disabled: boolean };
      if (disabled && userId === principal.userId) {
        throw unprocessable('disable-self', 'You cannot disable your own account; ask another admin', [{ path: 'userId', message: 'is you' }]);
      }
      if (!(await createUserRepository(db).setDisabled(principal.tenantId, userId, disabled, principal.userId))) throw notFound('user', userId);
      if (disabled) await realtime.disconnect(principal.tenantId, userId);
      res.json({ id: userId, disabled });
    },
  },
  {
    method: 'get',
    path: '/branding',
    summary: "The brand your tenant shows: its MSP's, else its own, else Exflow's",
    tag: 'tenancy',
    roles: READERS,
    responses: { '200': 'Branding' },
    responseSchemas: { '200': brandingSchema },
    async handler(_req, res, { db, principal }) {
      const { tenant, parent } = await loadTenantWithParent(db, principal.tenantId);
      res.json(effectiveBranding(tenant, parent));
    },
  },
  {
    method: 'put',
    path: '/branding',
    summary: "Set the brand of your tenant (an MSP's brand is what its clients' users see)",
    tag: 'tenancy',
    roles: ['platform_admin'],
    body: {
      type: 'object',
      required: ['productName'],
      additionalProperties: false,
      properties: {
        productName: { type: 'string', minLength: 1, maxLength: 60 },
        logoUrl: { type: 'string', pattern: '^(https://|data:image/(png|svg\\+xml|jpeg);base64,)', maxLength: 200000 },
        primaryColor: color,
        accentColor: color,
        supportEmail: { type: 'string', format: 'email', maxLength: 254 },
        supportUrl: { type: 'string', pattern: '^https://', maxLength: 2000 },
      },
    },
    responses: { '200': 'Saved' },
    responseSchemas: { '200': brandingSchema },
    async handler(req, res, { db, principal }) {
      await createTenantRepository(db).setBranding(principal.tenantId, req.body as Branding);
      await createAuditRepository(db).record(principal.tenantId, {
        actor: principal.userId,
        action: 'branding.changed',
        entity: 'tenant',
        entityId: principal.tenantId,
        data: req.body,
      });
      res.json(req.body);
    },
  },
  {
    method: 'get',
    path: '/clients',
    summary: 'Client tenants of your MSP, to act in with the header X-Exflow-Tenant',
    tag: 'tenancy',
    roles: ['platform_admin'],
    responses: { '200': '{ tenant: { id, name }, clients: [{ id, name }] }' },
    responseSchemas: { '200': clientListSchema },
    async handler(_req, res, { db, principal }) {
      const tenants = createTenantRepository(db);
      const [tenant, clients] = await Promise.all([tenants.get(principal.tenantId), tenants.children(principal.tenantId)]);
      res.json({ tenant: { id: principal.tenantId, name: tenant?.name ?? principal.tenantId }, clients: clients.map((c) => ({ id: c.id, name: c.name })) });
    },
  },
  {
    method: 'get',
    path: '/policies/schema',
    summary: 'The JSON Schema of the policies PUT /policies takes (the web app builds its form from it)',
    tag: 'tenancy',
    roles: READERS,
    responses: { '200': 'JSON Schema' },
    responseSchemas: { '200': policySchemaSchema },
    async handler(_req, res) {
      res.json(POLICY_SCHEMA);
    },
  },
  {
    method: 'get',
    path: '/policies',
    summary: 'Policies in force (inherited from the MSP, overridden where it allows), your own and the overridable keys',
    tag: 'tenancy',
    roles: READERS,
    responses: { '200': '{ effective, own, inherited, overridable }' },
    responseSchemas: { '200': policiesViewSchema },
    async handler(_req, res, { db, principal }) {
      const { tenant, parent } = await loadTenantWithParent(db, principal.tenantId);
      res.json({
        effective: effectivePolicies(tenant, parent),
        own: tenant.policies,
        inherited: parent?.policies ?? {},
        overridable: parent ? parent.overridable : Object.keys(POLICY_SCHEMA.properties),
        ownOverridable: tenant.overridable,
      });
    },
  },
  {
    method: 'put',
    path: '/policies',
    summary: "Set your tenant's policies; an MSP also says which keys its clients may override",
    tag: 'tenancy',
    roles: ADMINS,
    body: {
      type: 'object',
      required: ['policies'],
      additionalProperties: false,
      properties: { policies: POLICY_SCHEMA, overridable: { type: 'array', maxItems: 100, items: { enum: Object.keys(POLICY_SCHEMA.properties) } } },
    },
    responses: { '200': 'Saved', '422': 'A key your MSP does not let you override, or a business calendar time zone that is not an IANA zone' },
    responseSchemas: { '200': policiesSavedSchema },
    async handler(req, res, { db, principal }) {
      const { policies, overridable } = req.body as { policies: Record<string, unknown>; overridable?: string[] };
      const timeZone = (policies.businessCalendar as { timeZone?: string } | undefined)?.timeZone;
      if (timeZone !== undefined && !isKnownTimeZone(timeZone)) {
        throw unprocessable('invalid-body', `"${timeZone}" is not an IANA time zone; write one like Europe/Berlin or UTC`, [
          { path: '/policies/businessCalendar/timeZone', message: 'not a known time zone' },
        ]);
      }
      const { tenant, parent } = await loadTenantWithParent(db, principal.tenantId);
      if (parent) {
        // consent to pooling is the client's to give, never the MSP's to withhold or grant
        const refused = Object.keys(policies).filter((k) => !parent.overridable.includes(k) && k !== POOL_POLICY_KEY);
        if (refused.length) {
          throw unprocessable(
            'policy-not-overridable',
            `Your MSP "${parent.name}" does not let clients override ${refused.join(', ')}`,
            refused.map((k) => ({ path: `/policies/${k}`, message: 'not overridable' })),
          );
        }
      }
      if (overridable && tenant.kind !== 'msp') throw forbidden('Only an MSP tenant says which policies its clients may override');
      await createTenantRepository(db).setPolicies(principal.tenantId, policies, overridable);
      await createAuditRepository(db).record(principal.tenantId, {
        actor: principal.userId,
        action: 'policies.changed',
        entity: 'tenant',
        entityId: principal.tenantId,
        data: { policies, overridable },
      });
      const updated = await loadTenantWithParent(db, principal.tenantId);
      res.json({ effective: effectivePolicies(updated.tenant, updated.parent), own: updated.tenant.policies });
    },
  },
]);
