import { invoiceForFeel, parseInvoice, runTestCase } from '@exflow/shared';
import { describe, expect, it } from 'vitest';
import { fourNodeFlow, priceVariance } from '../../test/fixtures.js';
import { sampleInvoices, sampleReferenceData } from './samples.js';
import {
  revealAll,
  sendToSimulation,
  simulationPath,
  simulationRoute,
  startSimulation,
  stepForward,
  testCaseFromSimulation,
  type Simulation,
} from './simulator.js';

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

describe('simulator with the real checks', () => {
  const checksFor = (sampleId: string) => {
    const raw = sampleInvoices.find((s) => s.id === sampleId)!.invoice;
    const parsed = parseInvoice(raw);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    return {
      raw,
      input: { invoice: invoiceForFeel(parsed.invoice) },
      checks: { invoice: parsed.invoice, reference: sampleReferenceData, today: '2026-12-01' },
    };
  };
  const run = (sampleId: string, reference = sampleReferenceData) => {
    const { input, checks } = checksFor(sampleId);
    const started = startSimulation(priceVariance(), input, { ...checks, reference });
    if (!started.ok) throw new Error(JSON.stringify(started.problems));
    return revealAll(started.simulation);
  };

  it('the two PO sample invoices take different branches on the 3-way match of the reference data', () => {
    const small = run('small-po');
    expect(small.outcome).toBe('resolved');
    expect(simulationRoute(small)).toEqual(['start', 'match', 'withinTolerance', 'autoApproved']);
    expect(small.snapshot.context.vars.match).toMatchObject({ withinTolerance: true, maxPriceVariancePct: 0 });
    const large = run('large-po');
    expect(large.status).toBe('waiting');
    expect(simulationRoute(large)).toEqual(['start', 'match', 'withinTolerance', 'procurementReview']);
    expect(large.snapshot.context.vars.match).toMatchObject({ withinTolerance: false, maxPriceVariancePct: 7.6923 });
    expect(large.checked).toEqual(['match']);
  });

  it("applies the tenant's policies as the runtime does: a 10 % price tolerance lets the 7.7 % variance through, unless the flow may override it", () => {
    const { input, checks } = checksFor('large-po');
    const runWith = (policies: Record<string, unknown>) => {
      const started = startSimulation(priceVariance(), input, { ...checks, policies });
      if (!started.ok) throw new Error(JSON.stringify(started.problems));
      return revealAll(started.simulation);
    };
    const tolerant = runWith({ priceTolerancePct: 10 });
    expect(tolerant.snapshot.context.vars.match).toMatchObject({ withinTolerance: true });
    expect(tolerant.outcome).toBe('resolved');
    // the policy lets flows set their own tolerance: the node's 2 % stands
    expect(runWith({ priceTolerancePct: 10, flowOverridableParams: ['priceTolerancePct'] }).status).toBe('waiting');
    expect(runWith({}).status).toBe('waiting');
  });

  it('edited reference data changes the result: the PO price raised to the invoiced price is within tolerance', () => {
    const reference = structuredClone(sampleReferenceData);
    reference.purchaseOrders![1].lines[0].unitPrice = '7000.00';
    expect(run('large-po', reference).outcome).toBe('resolved');
  });

  it('a run saved as a test case replays to the same route in the engine', () => {
    const { raw } = checksFor('large-po');
    const sim = sendToSimulation(run('large-po'), {
      type: 'task.completed',
      nodeId: 'procurementReview',
      outcome: 'reject',
      data: { reason: 'no' },
    }).simulation;
    const testCase = testCaseFromSimulation(sim, 'large-rejected', 'Large PO rejected', raw);
    expect(testCase.steps).toEqual([{ complete: 'procurementReview', outcome: 'reject', data: { reason: 'no' } }]);
    expect(testCase.services).toBeUndefined();
    expect(testCase.expect).toEqual({ route: ['start', 'match', 'withinTolerance', 'procurementReview', 'rejected'], outcome: 'rejected' });
    expect(runTestCase(priceVariance(), testCase, '2026-12-01')).toMatchObject({ passed: true, problems: [] });
  });
});
