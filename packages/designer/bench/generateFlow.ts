import type { FlowEdge, FlowNode, WorkflowDefinition } from '@exflow/shared';

/**
 * A valid definition of about `size` steps, built from the blocks a real exception flow uses:
 * a check, a decision on its result, a review with an SLA, a wait, and a rejection end per
 * block. No positions, as an imported flow may have none (the designer lays it out).
 */
export function generateFlow(size = 1000): WorkflowDefinition {
  const nodes: FlowNode[] = [{ id: 'start', kind: 'start', label: 'Invoice received', config: { trigger: 'invoice.grossTotal > 0' } }];
  const edges: FlowEdge[] = [];
  const edge = (source: string, sourcePort: string, target: string) => edges.push({ id: `e${edges.length + 1}`, source, target, sourcePort });
  let previous = { id: 'start', port: 'out' };
  for (let i = 0; nodes.length + 5 <= size - 1; i++) {
    const match = `match${i}`;
    const decide = `tolerance${i}`;
    const review = `review${i}`;
    const wait = `wait${i}`;
    const reject = `rejected${i}`;
    nodes.push(
      {
        id: match,
        kind: 'threeWayMatch',
        label: `3-way match ${i + 1}`,
        config: { service: 'threeWayMatch', params: { priceTolerancePct: 2, quantityTolerancePct: 0 }, resultVar: `m${i}` },
      },
      {
        id: decide,
        kind: 'decision',
        label: `Within tolerance ${i + 1}?`,
        config: { branches: [{ id: 'yes', label: 'within tolerance', condition: `m${i}.withinTolerance = true and invoice.grossTotal < ${10000 + i}` }] },
      },
      {
        id: review,
        kind: 'humanTask',
        label: `Review ${i + 1}`,
        config: {
          title: 'Review variance',
          queue: 'procurement',
          outcomes: [
            { id: 'accept', label: 'Accept' },
            { id: 'reject', label: 'Reject' },
          ],
          dueIn: 'PT24H',
          resultVar: `r${i}`,
        },
      },
      { id: wait, kind: 'timer', label: `Cool-off ${i + 1}`, config: { duration: 'PT1H' } },
      { id: reject, kind: 'end', label: `Rejected ${i + 1}`, config: { outcome: 'rejected' } },
    );
    edge(previous.id, previous.port, match);
    edge(match, 'done', decide);
    edge(match, 'error', review);
    edge(decide, 'yes', wait);
    edge(decide, 'default', review);
    edge(review, 'accept', wait);
    edge(review, 'reject', reject);
    previous = { id: wait, port: 'out' };
  }
  for (let i = 0; nodes.length < size - 1; i++) {
    nodes.push({ id: `settle${i}`, kind: 'timer', label: `Settle ${i + 1}`, config: { duration: 'PT10M' } });
    edge(previous.id, previous.port, `settle${i}`);
    previous = { id: `settle${i}`, port: 'out' };
  }
  nodes.push({ id: 'resolved', kind: 'end', label: 'Resolved', config: { outcome: 'resolved' } });
  edge(previous.id, previous.port, 'resolved');
  return { schemaVersion: 1, key: `generated-${size}`, name: `Generated flow (${nodes.length} steps)`, nodes, edges };
}
