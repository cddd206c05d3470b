import { invoiceForFeel, parseInvoice } from '@exflow/shared';
import { describe, expect, it } from 'vitest';
import { fourNodeFlow, priceVariance } from '../../test/fixtures.js';
import { sampleInvoices } from './samples.js';
import { revealAll, sendToSimulation, simulationPath, startSimulation, stepForward, type Simulation } from './simulator.js';

function input(sampleId: string) {
  const parsed = parseInvoice(sampleInvoices.find((s) => s.id === sampleId)!.invoice);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return { invoice: invoiceForFeel(parsed.invoice) };
}

function start(definition = priceVariance(), sample = 'small-po'): Simulation {
  const started = startSimulation(definition, input(sample));
  if (!started.ok) throw new Error(JSON.stringify(started.problems));
  return revealAll(started.simulation);
}

describe('simulator', () => {
  it('runs to the first wait and lists what the case waits for', () => {
    const sim = start();
    expect(sim.status).toBe('waiting');
    expect(simulationPath(sim).active).toEqual(['match']);
    expect(sim.pending).toEqual([{ type: 'service', nodeId: 'match', service: 'threeWayMatch', params: { priceTolerancePct: 2, quantityTolerancePct: 0 } }]);
  });

  it('goes down the within-tolerance branch and ends resolved', () => {
    const { accepted, simulation } = sendToSimulation(start(), { type: 'service.done', nodeId: 'match', result: { withinTolerance: true } });
    expect(accepted).toBe(true);
    expect(simulation.status).toBe('done');
    expect(simulation.outcome).toBe('resolved');
    const path = simulationPath(revealAll(simulation));
    expect([...path.edges]).toEqual(['e-start', 'e-match', 'e-ok']);
    expect(path.active).toEqual(['autoApproved']);
    expect(simulation.snapshot.context.vars.match).toEqual({ withinTolerance: true });
  });

  it('goes to review outside tolerance, fires the SLA and escalates', () => {
    let sim = sendToSimulation(start(), { type: 'service.done', nodeId: 'match', result: { withinTolerance: false } }).simulation;
    expect(sim.pending.map((p) => `${p.type}:${p.nodeId}`)).toEqual(['task:procurementReview', 'timer:procurementReview']);
    sim = sendToSimulation(sim, { type: 'timer.fired', timerId: 'procurementReview:sla' }).simulation;
    expect(sim.pending.map((p) => `${p.type}:${p.nodeId}`)).toEqual(['task:controllerEscalation']);
    sim = sendToSimulation(sim, { type: 'task.completed', nodeId: 'controllerEscalation', outcome: 'reject', data: { reason: 'no' } }).simulation;
    expect(sim.outcome).toBe('rejected');
    expect([...simulationPath(sim).edges]).toContain('e-timeout');
    expect([...simulationPath(sim).edges]).toContain('e-esc-reject');
  });

  it('takes the error edge when a service fails', () => {
    const sim = sendToSimulation(start(), { type: 'service.failed', nodeId: 'match', error: { message: 'PO not found' } }).simulation;
    expect(simulationPath(sim).active).toEqual(['procurementReview']);
    expect([...simulationPath(sim).edges]).toContain('e-match-error');
    expect(sim.snapshot.context.errors.match).toEqual({ message: 'PO not found' });
  });

  it('refuses an event the case is not waiting for', () => {
    const sim = start();
    const { accepted, simulation } = sendToSimulation(sim, { type: 'task.completed', nodeId: 'procurementReview', outcome: 'accept', data: {} });
    expect(accepted).toBe(false);
    expect(simulation).toBe(sim);
  });

  it('steps through microsteps one at a time', () => {
    const started = startSimulation(fourNodeFlow(), input('large-po'));
    if (!started.ok) throw new Error('compile');
    let sim = started.simulation;
    expect(simulationPath(sim).active).toEqual(['start']);
    sim = stepForward(sim);
    expect(simulationPath(sim).active).toEqual(['big']);
    sim = stepForward(sim);
    expect(simulationPath(sim).active).toEqual(['review']);
    expect(sim.outcome).toBe('rejected');
  });

  it('follows the default branch for a small invoice', () => {
    const sim = start(fourNodeFlow(), 'small-po');
    expect(sim.outcome).toBe('resolved');
    expect([...simulationPath(sim).edges]).toEqual(['e1', 'e3']);
  });

  it('gives compile problems instead of a simulation for a broken flow', () => {
    const broken = fourNodeFlow();
    broken.edges.pop();
    const result = startSimulation(broken, input('small-po'));
    expect(result.ok).toBe(false);
  });
});
