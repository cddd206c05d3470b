import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkSegregation, validate, type WorkflowDefinition } from '../src/index.js';
import { edges, end, flow, readJson, start, task } from './helpers.js';

const refuse = { mode: 'refuse', fourEyesThreshold: 10_000 } as const;
const codes = (definition: WorkflowDefinition, policy: Parameters<typeof checkSegregation>[1] = refuse) =>
  checkSegregation(definition, policy).map(({ code, nodeId, pathNodeIds, pathEdgeIds, severity }) => ({ code, nodeId, pathNodeIds, pathEdgeIds, severity }));

/** start → fix (a maker: outcome `correct`) → check (approval) → done; `fix.reject` ends too. */
function makerThenApproval(makerRoles: string[], approverRoles: string[]): WorkflowDefinition {
  return flow(
    [
      start(),
      task('fix', ['correct', 'reject'], { candidateRoles: makerRoles }),
      task('check', ['approve', 'reject'], { candidateRoles: approverRoles, approval: { approveOutcomes: ['approve'] } }),
      end('done'),
      end('no', 'rejected'),
    ],
    edges('start>fix', 'fix.correct>check', 'fix.reject>no', 'check.approve>done', 'check.reject>no'),
  );
}

describe('sod.make-and-check', () => {
  it('finds a role that corrects the invoice and approves it downstream, with the path', () => {
    expect(codes(makerThenApproval(['analyst', 'approver'], ['approver']))).toEqual([
      { code: 'sod.make-and-check', nodeId: 'check', pathNodeIds: ['fix', 'check'], pathEdgeIds: ['fix.correct>check'], severity: 'error' },
    ]);
    const [problem] = checkSegregation(makerThenApproval(['analyst', 'approver'], ['approver']), refuse);
    expect(problem.message).toContain('Role approver can both make "Task fix" and check "Task check" on the path "Task fix" → "Task check"');
  });

  it('accepts the same flow when the roles are apart', () => {
    expect(codes(makerThenApproval(['analyst'], ['approver']))).toEqual([]);
  });

  it('counts a step without candidate roles as open to every worker role', () => {
    expect(codes(makerThenApproval([], ['approver'])).map((p) => p.code)).toEqual(['sod.make-and-check']);
  });

  it('follows a longer path and recognises the maker marker and an invoice form', () => {
    const definition = flow(
      [
        start(),
        task('edit', ['done'], { candidateRoles: ['analyst'], maker: true }),
        task('triage', ['next'], { candidateRoles: ['analyst'] }),
        task('check', ['approve', 'reject'], { candidateRoles: ['analyst'], approval: {} }),
        end('done'),
        end('no', 'rejected'),
      ],
      edges('start>edit', 'edit.done>triage', 'triage.next>check', 'check.approve>done', 'check.reject>no'),
    );
    expect(codes(definition)).toEqual([
      {
        code: 'sod.make-and-check',
        nodeId: 'check',
        pathNodeIds: ['edit', 'triage', 'check'],
        pathEdgeIds: ['edit.done>triage', 'triage.next>check'],
        severity: 'error',
      },
    ]);
    const formMaker = structuredClone(definition);
    delete formMaker.nodes[1].config!.maker;
    expect(codes(formMaker)).toEqual([]);
    formMaker.nodes[1].config!.form = { type: 'object', properties: { invoice: { type: 'object' } } };
    expect(codes(formMaker).map((p) => p.code)).toEqual(['sod.make-and-check']);
  });

  it('ignores an approval that is not downstream of the maker', () => {
    const definition = flow(
      [
        start(),
        task('check', ['approve', 'reject'], { candidateRoles: ['approver'], approval: {} }),
        task('fix', ['resubmit'], { candidateRoles: ['approver'] }),
        end('done'),
        end('no', 'rejected'),
      ],
      edges('start>check', 'check.approve>fix', 'check.reject>no', 'fix.resubmit>done'),
    );
    expect(codes(definition)).toEqual([]);
  });
});

describe('sod.approval-unmarked', () => {
  it('names a step that approves without the approval marker, with the path from the start', () => {
    const definition = flow(
      [start(), task('review', ['approve', 'reject'], { candidateRoles: ['approver'] }), end('done'), end('no', 'rejected')],
      edges('start>review', 'review.approve>done', 'review.reject>no'),
    );
    expect(codes(definition)).toEqual([
      { code: 'sod.approval-unmarked', nodeId: 'review', pathNodeIds: ['start', 'review'], pathEdgeIds: ['start>review'], severity: 'error' },
    ]);
  });

  it('does not take a recommendation (approveNonPo) or accept for an approval', () => {
    const definition = flow(
      [start(), task('review', ['approveNonPo', 'accept'], { candidateRoles: ['analyst'] }), end('done')],
      edges('start>review', 'review.approveNonPo>done', 'review.accept>done'),
    );
    expect(codes(definition)).toEqual([]);
  });
});

describe('sod.no-four-eyes', () => {
  const approval = (outcomes: string[], config: Record<string, unknown>) =>
    flow([start(), task('check', outcomes, config), end('done')], edges('start>check', ...outcomes.map((o) => `check.${o}>done`)));

  it('names an approving outcome that escapes the approval rules', () => {
    expect(codes(approval(['approve', 'release'], { candidateRoles: ['approver'], approval: { approveOutcomes: ['approve'] } }))).toEqual([
      { code: 'sod.no-four-eyes', nodeId: 'check', pathNodeIds: ['start', 'check'], pathEdgeIds: ['start>check'], severity: 'error' },
    ]);
  });

  it('names outcomes that approve which are no outcome of the step', () => {
    const [problem] = checkSegregation(approval(['ok', 'no'], { candidateRoles: ['approver'], approval: { approveOutcomes: ['aprove'] } }), refuse);
    expect(problem).toMatchObject({ code: 'sod.no-four-eyes', nodeId: 'check' });
    expect(problem.message).toContain('(aprove) name no outcome of the step');
  });

  it("names a submitter's role on an approval when the tenant sets no four-eyes threshold", () => {
    const definition = approval(['approve', 'reject'], { candidateRoles: ['analyst', 'approver'], approval: {} });
    expect(codes(definition, { mode: 'refuse', fourEyesThreshold: null }).map((p) => p.code)).toEqual(['sod.no-four-eyes']);
    expect(checkSegregation(definition, { mode: 'refuse', fourEyesThreshold: null })[0].message).toContain('analyst, a role that submits invoices');
    expect(codes(definition, { mode: 'refuse', fourEyesThreshold: 10_000 })).toEqual([]);
    expect(codes(definition, { mode: 'refuse' })).toEqual([]);
    expect(codes(approval(['approve', 'reject'], { candidateRoles: ['approver'], approval: {} }), { mode: 'refuse', fourEyesThreshold: null })).toEqual([]);
  });
});

describe('severity and validate()', () => {
  const overlapping = makerThenApproval(['approver'], ['approver']);

  it('makes SoD problems errors under refuse and warnings under warn', () => {
    expect(validate(overlapping, { sod: refuse }).ok).toBe(false);
    const warned = validate(overlapping, { sod: { mode: 'warn' } });
    expect(warned.ok).toBe(true);
    expect(warned.problems.map((p) => [p.code, p.severity])).toEqual([['sod.make-and-check', 'warning']]);
  });

  it('warns without a policy and leaves SoD out when told to (the compiler)', () => {
    expect(validate(overlapping)).toMatchObject({ ok: true, problems: [{ code: 'sod.make-and-check', severity: 'warning' }] });
    expect(validate(overlapping, { sod: false })).toEqual({ ok: true, problems: [] });
  });

  it('checks SoD only once the graph is sound', () => {
    const broken = structuredClone(overlapping);
    broken.edges.pop();
    expect(validate(broken, { sod: refuse }).problems.map((p) => p.code)).toEqual(['port.unconnected']);
  });
});

describe('the shipped template packs', () => {
  const packs = new URL('../../../templates/', import.meta.url);
  const flows = readdirSync(packs).flatMap((pack) =>
    readdirSync(new URL(`${pack}/`, packs))
      .filter((f) => f.endsWith('.workflow.json'))
      .map((f) => [`${pack}/${f}`, new URL(`${pack}/${f}`, packs)] as const),
  );

  it.each(flows)('%s passes design-time SoD under refuse', (_name, url) => {
    expect(validate(readJson(url), { sod: { mode: 'refuse', fourEyesThreshold: 10_000 } }).problems).toEqual([]);
  });
});
