import { duplicateCheckService } from './duplicateCheckService.js';
import { missingPoCheckService } from './missingPoCheckService.js';
import { createServiceRegistry, type ServiceHandler } from './registry.js';
import { supplierCheckService } from './supplierCheckService.js';
import { taxCheckService } from './taxCheckService.js';
import { threeWayMatchService } from './threeWayMatchService.js';
import { createWebhookService, type WebhookOptions } from './webhookService.js';

/** The built-in services, by the name flows use in their service nodes. */
export function builtInServices(extra: Record<string, ServiceHandler> = {}, options: WebhookOptions = {}) {
  return createServiceRegistry({
    threeWayMatch: threeWayMatchService,
    duplicateCheck: duplicateCheckService,
    taxCheck: taxCheckService,
    supplierCheck: supplierCheckService,
    missingPoCheck: missingPoCheckService,
    webhook: createWebhookService(options),
    ...extra,
  });
}
