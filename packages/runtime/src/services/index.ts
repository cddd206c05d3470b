import { createServiceRegistry, type ServiceHandler } from './registry.js';
import { threeWayMatchService } from './threeWayMatchService.js';
import { webhookService } from './webhookService.js';

/** The built-in services, by the name flows use in their service nodes. */
export function builtInServices(extra: Record<string, ServiceHandler> = {}) {
  return createServiceRegistry({ threeWayMatch: threeWayMatchService, webhook: webhookService, ...extra });
}
