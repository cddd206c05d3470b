import { connectorListSchema, connectorSettingsSchema, createAjv, describeAjvError } from '@exflow/shared';
import { ADMINS } from '../../auth/roles.js';
import { notFound, unprocessable } from '../../errors.js';
import { createAuditRepository } from '../../store/auditRepository.js';
import { createConnectorRepository } from '../../store/connectorRepository.js';
import { createCredentialRepository } from '../../store/credentialRepository.js';
import { param } from '../params.js';
import { defineRoutes } from '../route.js';
import { CREDENTIAL_NAME } from './credentialRoutes.js';

const ajv = createAjv({ strict: false });

/** Connectors (integration/connectors/): what each offers, and a tenant's settings of it. Admins only. */
export const connectorRoutes = defineRoutes([
  {
    method: 'get',
    path: '/connectors',
    summary: "Connectors: their operations and schemas, your tenant's settings, and the circuit breaker's state",
    tag: 'integration',
    roles: ADMINS,
    responses: { '200': 'Connectors' },
    responseSchemas: { '200': connectorListSchema },
    async handler(_req, res, { db, principal, connectors }) {
      const settings = new Map((await createConnectorRepository(db).list(principal.tenantId)).map((s) => [s.connector, s]));
      res.json(
        connectors.connectors().map((c) => ({
          name: c.name,
          label: c.label,
          configSchema: c.configSchema,
          credentialTypes: c.credentialTypes,
          operations: Object.entries(c.operations).map(([name, op]) => ({ name, summary: op.summary, writes: op.writes, input: op.input, output: op.output })),
          settings: settings.get(c.name) ?? null,
          breaker: connectors.breaker(principal.tenantId, c.name),
        })),
      );
    },
  },
  {
    method: 'put',
    path: '/connectors/:name',
    summary: 'Set up a connector for your tenant: its settings, the credential its calls use, and whether reference data is pulled live',
    tag: 'integration',
    roles: ADMINS,
    body: {
      type: 'object',
      required: ['config'],
      additionalProperties: false,
      properties: {
        config: { type: 'object', maxProperties: 50, description: "The connector's settings (its configSchema), e.g. { baseUrl }" },
        credential: { type: ['string', 'null'], maxLength: 100, description: 'Name of a stored credential of a type the connector accepts' },
        referenceData: { type: 'string', enum: ['loaded', 'live'], maxLength: 6, description: 'live: reference data in answers is stored for the checks' },
      },
    },
    responses: { '200': 'The settings', '404': 'No such connector', '422': 'Settings that do not fit, or an unknown credential' },
    responseSchemas: { '200': connectorSettingsSchema },
    async handler(req, res, { db, principal, connectors }) {
      const connector = connectors.get(param(req, 'name'));
      if (!connector) throw notFound('connector', param(req, 'name'));
      const body = req.body as { config: Record<string, unknown>; credential?: string | null; referenceData?: 'loaded' | 'live' };
      const check = ajv.compile(connector.configSchema);
      if (!check(body.config)) {
        const errors = (check.errors ?? []).map((e) => describeAjvError(e, '/config'));
        throw unprocessable('invalid-body', `The settings do not fit connector ${connector.name}: ${errors.map((e) => e.message).join('; ')}`, errors);
      }
      const credential = body.credential ?? null;
      if (credential !== null) {
        const found = CREDENTIAL_NAME.test(credential) ? await createCredentialRepository(db).get(principal.tenantId, credential) : undefined;
        if (!found)
          throw unprocessable('invalid-body', `No credential named "${credential}": store it first (PUT /api/v1/credentials/${credential})`, [
            { path: '/credential', message: 'unknown credential' },
          ]);
        if (!connector.credentialTypes.includes(found.type))
          throw unprocessable('invalid-body', `Connector ${connector.name} authenticates with ${connector.credentialTypes.join(' or ')}, not ${found.type}`, [
            { path: '/credential', message: `a ${found.type} credential` },
          ]);
      }
      const settings = await createConnectorRepository(db).put(principal.tenantId, {
        connector: connector.name,
        config: body.config,
        credential,
        referenceData: body.referenceData ?? 'loaded',
        by: principal.userId,
      });
      await createAuditRepository(db).record(principal.tenantId, {
        actor: principal.userId,
        action: 'connector.configured',
        entity: 'connector',
        entityId: connector.name,
        data: { config: body.config, credential, referenceData: settings.referenceData },
      });
      res.json(settings);
    },
  },
]);
