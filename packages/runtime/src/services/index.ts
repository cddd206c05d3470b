import type { ScopedSuggestionProvider } from '../ai/modelProvider.js';
import { createAiSuggestionService, nullSuggestionProvider } from './aiSuggestionService.js';
import type { ConnectorCalls } from '../integration/connectors/connectorCalls.js';
import { createConnectorService } from './connectorService.js';
import { duplicateCheckService } from './duplicateCheckService.js';
import { missingPoCheckService } from './missingPoCheckService.js';
import { createServiceRegistry, localService, type ServiceHandler } from './registry.js';
import { supplierCheckService } from './supplierCheckService.js';
import { taxCheckService } from './taxCheckService.js';
import { threeWayMatchService } from './threeWayMatchService.js';
import { createWebhookService, type WebhookOptions } from './webhookService.js';

/**
 * The built-in services, by the name flows use in their service nodes. The checks read only
 * the database, so they are local (run in the transition's transaction); a service in `extra`
 * replaces a built-in one and is not local unless marked with `localService`. With
 * `connectors`, the `connector` service calls their operations (integration/connectors/).
 */
export function builtInServices(
  extra: Record<string, ServiceHandler> = {},
  options: WebhookOptions & { suggestionProvider?: ScopedSuggestionProvider; connectors?: ConnectorCalls } = {},
) {
  return createServiceRegistry({
    // the models run in process on the tenant's own data: no call leaves it
    aiSuggestion: localService(createAiSuggestionService(options.suggestionProvider ?? nullSuggestionProvider)),
    threeWayMatch: localService(threeWayMatchService),
    duplicateCheck: localService(duplicateCheckService),
    taxCheck: localService(taxCheckService),
    supplierCheck: localService(supplierCheckService),
    missingPoCheck: localService(missingPoCheckService),
    webhook: createWebhookService(options),
    ...(options.connectors ? { connector: createConnectorService(options.connectors) } : {}),
    ...extra,
  });
}
