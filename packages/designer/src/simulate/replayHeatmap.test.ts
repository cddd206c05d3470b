import type { ReplayReport, ReplayRun, WorkflowDefinition } from '@exflow/shared';
import { describe, expect, it } from 'vitest';
import { replayHeatmap } from './replayHeatmap.js';

const draft: WorkflowDefinition = {
  schemaVersion: 1,
  key: 'gate',
  name: 'Gate',
  nodes: [
    { id: 'start', kind: 'start' },
    { id: 'approval', kind: 'humanTask', config: { title: 'Approve', queue: 'approvals', outcomes: [{ id: 'ok', label: 'OK' }] } },
    { id: 'paid', kind: 'end' },
  ],
  edges: [
    { id: 'e1', source: 'start', target: 'approval' },
    { id: 'e2', source: 'approval', target: 'paid', sourcePort: 'ok' },
  ],
};
const at = (h: number) => new Date(Date.UTC(2026, 10, 2, h)).toISOString();
/** A run through the approval opened at 0 h and closed after `hours`, due at 4 h. */
const run = (hours: number): ReplayRun => ({
  path: ['start', 'approval', 'paid'],
  edges: ['e1', 'e2'],
  queues: ['approvals'],
  outcome: 'resolved',
  startedAt: at(0),
  endedAt: at(hours),
  durationMs: hours * 3600_000,
  tasks: [{ nodeId: 'approval', queue: 'approvals', openedAt: at(0), dueAt: at(4), closedAt: at(hours), late: hours > 4 }],
});

describe('replay on the canvas', () => {
  it('counts cases per step and edge, with the tasks’ dwell and SLA misses under the replayed version', () => {
    const runs = [1, 2, 3, 5, 6].map(run);
    const report = {
      cases: runs.map((r, i) => ({ caseId: `c${i}`, original: r, replayed: r })),
      counts: { original: { nodes: {}, edges: {} }, replayed: { nodes: { start: 5, approval: 5, paid: 5 }, edges: { e1: 5, e2: 5 } } },
    } as unknown as ReplayReport;
    const figures = replayHeatmap(report, 'replayed', draft, { from: at(0), to: at(24) });
    expect(figures.nodes.find((n) => n.nodeId === 'approval')).toEqual({
      nodeId: 'approval',
      cases: 5,
      visits: 5,
      medianDwellSeconds: 3 * 3600,
      p90DwellSeconds: 6 * 3600,
      slaTasks: 5,
      slaBreachShare: 2 / 5,
      openNow: 0,
    });
    expect(figures.nodes.find((n) => n.nodeId === 'start')).toMatchObject({ cases: 5, medianDwellSeconds: null, slaBreachShare: null });
    expect(figures.edges).toEqual([
      { edgeId: 'e1', source: 'start', target: 'approval', count: 5 },
      { edgeId: 'e2', source: 'approval', target: 'paid', count: 5 },
    ]);
  });
});
