import type { NodeKind } from './defineNodeKind.js';
import { aiSuggestion } from './aiSuggestion.js';
import { decision } from './decision.js';
import { decisionTable } from './decisionTable.js';
import { duplicateCheck } from './duplicateCheck.js';
import { end, join, parallel } from './flowControl.js';
import { humanTask } from './humanTask.js';
import { missingPoCheck } from './missingPoCheck.js';
import { connectorCall, service, threeWayMatch, webhook } from './service.js';
import { start } from './start.js';
import { supplierCheck } from './supplierCheck.js';
import { taxCheck } from './taxCheck.js';
import { timer } from './timer.js';
import { subFlow } from './subFlow.js';
import { waitForMessage } from './waitForMessage.js';

// Config types differ per kind; the catalogue is read generically, so it stores them erased.
type AnyNodeKind = NodeKind<unknown>;

/** Every node kind, in palette order. */
export const nodeCatalogue: readonly AnyNodeKind[] = [
  start,
  threeWayMatch,
  duplicateCheck,
  taxCheck,
  supplierCheck,
  missingPoCheck,
  decision,
  decisionTable,
  humanTask,
  aiSuggestion,
  timer,
  waitForMessage,
  subFlow,
  parallel,
  join,
  service,
  webhook,
  connectorCall,
  end,
];

const byKind = new Map(nodeCatalogue.map((k) => [k.kind, k]));

/** The declaration of a node kind, or `undefined` for an unknown kind. */
export function getNodeKind(kind: string): AnyNodeKind | undefined {
  return byKind.get(kind);
}
