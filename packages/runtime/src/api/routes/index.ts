import type { Route } from '../route.js';
import { adminRoutes } from './adminRoutes.js';
import { assignmentRoutes } from './assignmentRoutes.js';
import { aiModelRoutes } from './aiModelRoutes.js';
import { aiRoutes } from './aiRoutes.js';
import { auditRoutes } from './auditRoutes.js';
import { authRoutes } from './authRoutes.js';
import { caseRoutes } from './caseRoutes.js';
import { caseWorkRoutes } from './caseWorkRoutes.js';
import { connectorRoutes } from './connectorRoutes.js';
import { credentialRoutes } from './credentialRoutes.js';
import { definitionRoutes } from './definitionRoutes.js';
import { delegationRoutes } from './delegationRoutes.js';
import { egressRoutes } from './egressRoutes.js';
import { inboxRoutes } from './inboxRoutes.js';
import { incidentRoutes } from './incidentRoutes.js';
import { invoiceExchangeRoutes } from './invoiceExchangeRoutes.js';
import { insightsExportRoutes } from './insightsExportRoutes.js';
import { insightsRoutes } from './insightsRoutes.js';
import { invoiceFormatRoutes } from './invoiceFormatRoutes.js';
import { invoiceRoutes } from './invoiceRoutes.js';
import { messageRoutes } from './messageRoutes.js';
import { notificationRoutes } from './notificationRoutes.js';
import { migrationRoutes } from './migrationRoutes.js';
import { referenceCsvRoutes } from './referenceCsvRoutes.js';
import { referenceRoutes } from './referenceRoutes.js';
import { routingRoutes } from './routingRoutes.js';
import { problemRoutes } from './problemRoutes.js';
import { taskRoutes } from './taskRoutes.js';
import { templateInheritanceRoutes } from './templateInheritanceRoutes.js';
import { templateRoutes } from './templateRoutes.js';
import { webhookRoutes } from './webhookRoutes.js';

/** Every REST route under /api/v1: the single table the router, policy and OpenAPI come from. */
export const routes: Route[] = [
  ...authRoutes,
  ...definitionRoutes,
  ...assignmentRoutes,
  ...migrationRoutes,
  ...invoiceRoutes,
  ...invoiceFormatRoutes,
  ...invoiceExchangeRoutes,
  ...caseRoutes,
  ...caseWorkRoutes,
  ...incidentRoutes,
  ...taskRoutes,
  ...inboxRoutes,
  ...referenceRoutes,
  ...referenceCsvRoutes,
  ...templateRoutes,
  ...templateInheritanceRoutes,
  ...insightsRoutes,
  ...insightsExportRoutes,
  ...aiRoutes,
  ...aiModelRoutes,
  ...routingRoutes,
  ...auditRoutes,
  ...adminRoutes,
  ...egressRoutes,
  ...delegationRoutes,
  ...messageRoutes,
  ...webhookRoutes,
  ...notificationRoutes,
  ...credentialRoutes,
  ...connectorRoutes,
  ...problemRoutes,
];
