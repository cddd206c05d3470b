import { evaluateFeel } from '@exflow/shared';
import type { ConnectorCalls } from '../integration/connectors/connectorCalls.js';
import { createAuditRepository } from '../store/auditRepository.js';
import { EgressRefusedError } from './egress.js';
import { PermanentServiceError, type ServiceHandler } from './registry.js';

/**
 * The `connector` service: a step calls `params.operation` of `params.connector` with
 * `params.input`, a map of FEEL expressions over the case (e.g. `{ "poNumber": "invoice.poNumber" }`),
 * optionally with `params.credential` instead of the tenant's. The effect's id is the
 * idempotency key, the same on every retry.
 */
export function createConnectorService(calls: ConnectorCalls): ServiceHandler {
  return async ({ params, vars, invoice, tenantId, caseId, nodeId, idempotencyKey, db }) => {
    const connector = String(params.connector ?? '');
    const operation = String(params.operation ?? '');
    const expressions = (params.input ?? {}) as Record<string, unknown>;
    const scope = { ...vars, invoice };
    const input: Record<string, unknown> = {};
    for (const [name, expression] of Object.entries(expressions)) {
      if (typeof expression !== 'string') throw new PermanentServiceError(`params.input.${name} must be a FEEL expression (text)`, 'connector-input');
      try {
        input[name] = evaluateFeel(expression, scope) ?? null;
      } catch (e) {
        throw new PermanentServiceError(
          `params.input.${name} "${expression}" cannot be evaluated: ${e instanceof Error ? e.message : String(e)}`,
          'connector-input',
        );
      }
    }
    try {
      return await calls.call({
        db,
        tenantId,
        connector,
        operation,
        input,
        credential: typeof params.credential === 'string' ? params.credential : undefined,
        idempotencyKey,
      });
    } catch (error) {
      if (error instanceof EgressRefusedError)
        await createAuditRepository(db).record(tenantId, {
          caseId,
          actor: 'system',
          action: 'egress.refused',
          entity: 'case',
          entityId: caseId,
          data: { nodeId, connector, host: error.host, address: error.address, reason: error.reason },
        });
      throw error;
    }
  };
}
