import type { Connector } from './connector.js';
import { erpConnector } from './erp/erpConnector.js';

/** The connectors this runtime ships, by name. A new one is a file beside `erp/` listed here. */
export const builtInConnectors: Connector[] = [erpConnector];
