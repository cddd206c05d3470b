import { readFileSync } from 'node:fs';
import type { WorkflowDefinition } from '@exflow/shared';

/** The AP price-variance template shipped in templates/ (read-only here). */
export function priceVariance(): WorkflowDefinition {
  const url = new URL('../../../templates/ap-exceptions/price-variance.workflow.json', import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as WorkflowDefinition;
}

export function emptyFlow(): WorkflowDefinition {
  return { schemaVersion: 1, key: 'test-flow', name: 'Test flow', nodes: [], edges: [] };
}

/** Start → decision (gross > 10,000) → two ends. */
export function fourNodeFlow(): WorkflowDefinition {
  return {
    schemaVersion: 1,
    key: 'four',
    name: 'Four steps',
    nodes: [
      { id: 'start', kind: 'start', label: 'Invoice received', position: { x: 0, y: 0 }, config: {} },
      {
        id: 'big',
        kind: 'decision',
        label: 'Large?',
        position: { x: 250, y: 0 },
        config: { branches: [{ id: 'yes', label: 'large', condition: 'invoice.grossTotal > 10000' }] },
      },
      { id: 'review', kind: 'end', label: 'Needs review', position: { x: 500, y: -80 }, config: { outcome: 'rejected' } },
      { id: 'ok', kind: 'end', label: 'Approved', position: { x: 500, y: 80 }, config: { outcome: 'resolved' } },
    ],
    edges: [
      { id: 'e1', source: 'start', target: 'big', sourcePort: 'out' },
      { id: 'e2', source: 'big', target: 'review', sourcePort: 'yes' },
      { id: 'e3', source: 'big', target: 'ok', sourcePort: 'default' },
    ],
  };
}

/** An in-memory clipboard for tests. */
export function memoryClipboard() {
  let value: import('../src/store/clipboard.js').ClipboardPayload | null = null;
  return { read: () => value, write: (p: typeof value) => void (value = p) };
}
