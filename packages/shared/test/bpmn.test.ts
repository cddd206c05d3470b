import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BpmnParseError, bpmnToDefinition, definitionToBpmn, juelToFeel } from '../src/bpmn/bpmn.js';
import { compile, validate, type WorkflowDefinition } from '../src/index.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const withoutPositions = (d: WorkflowDefinition) => ({ ...d, nodes: d.nodes.map(({ position: _p, ...n }) => n) });

/** Drawn by hand as another modeller would: no exflow: attributes, FEEL conditions, DI shapes. */
const foreign = `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" id="d" targetNamespace="x">
  <message id="m1" name="goods.received" />
  <process id="Goods_Check" name="Goods check" isExecutable="true">
    <startEvent id="s" />
    <parallelGateway id="fork" />
    <userTask id="review" name="Review"><documentation>Look at it</documentation></userTask>
    <boundaryEvent id="late" attachedToRef="review"><timerEventDefinition><timeDuration>PT48H</timeDuration></timerEventDefinition></boundaryEvent>
    <userTask id="chase" name="Chase" />
    <intermediateCatchEvent id="goods"><messageEventDefinition messageRef="m1" /></intermediateCatchEvent>
    <intermediateCatchEvent id="pause"><timerEventDefinition><timeDuration>P1D</timeDuration></timerEventDefinition></intermediateCatchEvent>
    <parallelGateway id="both" />
    <exclusiveGateway id="big" default="small" />
    <serviceTask id="match" name="Match" />
    <boundaryEvent id="failed" attachedToRef="match"><errorEventDefinition /></boundaryEvent>
    <inclusiveGateway id="odd" />
    <endEvent id="ok" />
    <endEvent id="stop"><terminateEventDefinition /></endEvent>
    <sequenceFlow id="f1" sourceRef="s" targetRef="fork" />
    <sequenceFlow id="f2" sourceRef="fork" targetRef="review" />
    <sequenceFlow id="f3" sourceRef="fork" targetRef="goods" />
    <sequenceFlow id="f4" sourceRef="review" targetRef="both" />
    <sequenceFlow id="f5" sourceRef="late" targetRef="chase" />
    <sequenceFlow id="f6" sourceRef="chase" targetRef="both" />
    <sequenceFlow id="f7" sourceRef="goods" targetRef="pause" />
    <sequenceFlow id="f8" sourceRef="pause" targetRef="both" />
    <sequenceFlow id="f9" sourceRef="both" targetRef="big" />
    <sequenceFlow id="large" name="over 10k" sourceRef="big" targetRef="match"><conditionExpression>=invoice.grossTotal &gt; 10000</conditionExpression></sequenceFlow>
    <sequenceFlow id="small" sourceRef="big" targetRef="ok" />
    <sequenceFlow id="f10" sourceRef="match" targetRef="ok" />
    <sequenceFlow id="f11" sourceRef="failed" targetRef="stop" />
  </process>
  <bpmndi:BPMNDiagram id="di"><bpmndi:BPMNPlane id="p" bpmnElement="Goods_Check">
    <bpmndi:BPMNShape id="s_di" bpmnElement="s"><dc:Bounds x="10" y="20" width="36" height="36" /></bpmndi:BPMNShape>
    <bpmndi:BPMNShape id="review_di" bpmnElement="review"><dc:Bounds x="200.4" y="80" width="100" height="80" /></bpmndi:BPMNShape>
  </bpmndi:BPMNPlane></bpmndi:BPMNDiagram>
</definitions>`;

describe('BPMN 2.0 interchange', () => {
  it.each(['linear', 'human-task-sla', 'decision-table', 'parallel', 'nested-parallel', 'service-failure'])(
    'exports %s and imports it back as the same graph, positions from DI',
    async (name) => {
      const original = JSON.parse(fixture(`${name}.workflow.json`)) as WorkflowDefinition;
      const xml = await definitionToBpmn(original);
      expect(xml).toContain('<bpmndi:BPMNShape');
      const back = await bpmnToDefinition(xml);
      expect(back.unsupported).toEqual([]);
      expect(withoutPositions(back.definition)).toEqual(original);
      // a node without a position gets one in the export, and keeps it on import
      expect(back.definition.nodes.every((n) => typeof n.position?.x === 'number')).toBe(true);
      const again = await bpmnToDefinition(await definitionToBpmn(back.definition));
      expect(again.definition).toEqual(back.definition);
    },
  );

  it('maps a foreign diagram: tasks, SLA boundary timer, gateways, timer and message waits, error boundary, FEEL conditions', async () => {
    const { definition, unsupported } = await bpmnToDefinition(foreign);
    expect(definition.key).toBe('goods-check');
    const node = (id: string) => definition.nodes.find((n) => n.id === id);
    expect(node('review')).toEqual({
      id: 'review',
      kind: 'humanTask',
      label: 'Review',
      position: { x: 200, y: 80 },
      config: { title: 'Review', queue: 'bpmn-import', instructions: 'Look at it', outcomes: [{ id: 'done', label: 'Done' }], dueIn: 'PT48H' },
    });
    expect(node('fork')).toMatchObject({ kind: 'parallel', config: { branches: 2 } });
    expect(node('both')).toMatchObject({ kind: 'join' });
    expect(node('goods')).toMatchObject({ kind: 'waitForMessage', config: { message: 'goods.received' } });
    expect(node('pause')).toMatchObject({ kind: 'timer', config: { duration: 'P1D' } });
    expect(node('big')).toMatchObject({
      kind: 'decision',
      config: { branches: [{ id: 'large', label: 'over 10k', condition: 'invoice.grossTotal > 10000' }] },
    });
    expect(node('match')).toMatchObject({ kind: 'service', config: { service: 'match' } });
    expect(node('stop')).toMatchObject({ kind: 'end', config: { outcome: 'cancelled' } });
    expect(node('late')).toBeUndefined();
    const edge = (id: string) => definition.edges.find((e) => e.id === id);
    expect(edge('f5')).toEqual({ id: 'f5', source: 'review', target: 'chase', sourcePort: 'timeout' });
    expect(edge('f11')).toEqual({ id: 'f11', source: 'match', target: 'stop', sourcePort: 'error' });
    expect(edge('small')).toMatchObject({ source: 'big', sourcePort: 'default' });
    expect(edge('f2')?.sourcePort).toBe('b1');
    expect(unsupported).toEqual([
      expect.objectContaining({ id: 'goods', handling: 'rewritten', message: expect.stringContaining('correlated by invoice.invoiceNumber') }),
      expect.objectContaining({ id: 'odd', type: 'bpmn:InclusiveGateway', handling: 'dropped' }),
    ]);
    expect(compile(definition).ok).toBe(true);
  });

  it("imports Camunda's invoice example, listing what it cannot carry over, into a draft that validates and compiles", async () => {
    const { definition, unsupported } = await bpmnToDefinition(fixture('bpmn/invoice.v2.bpmn'));
    expect(definition.nodes.map((n) => [n.id, n.kind]).sort()).toEqual(
      [
        ['ServiceTask_1', 'service'],
        ['StartEvent_1', 'start'],
        ['approveInvoice', 'humanTask'],
        ['assignApprover', 'decisionTable'],
        ['invoiceNotProcessed', 'end'],
        ['invoiceProcessed', 'end'],
        ['invoice_approved', 'decision'],
        ['prepareBankTransfer', 'humanTask'],
        ['reviewInvoice', 'humanTask'],
        ['reviewSuccessful_gw', 'decision'],
      ].sort(),
    );
    const byId = new Map(unsupported.map((u) => [`${u.id}:${u.type}`, u]));
    expect(byId.get('assignApprover:bpmn:BusinessRuleTask')).toMatchObject({ handling: 'placeholder', name: 'Assign Approver Group' });
    expect(byId.get('reviewInvoice:bpmn:CallActivity')).toMatchObject({ handling: 'placeholder' });
    expect(byId.get('DataStoreReference_1:bpmn:DataStoreReference')).toMatchObject({ handling: 'ignored' });
    expect(byId.get('invoiceApproved:bpmn:conditionExpression')?.message).toContain('approveInvoice.data.approved = true');
    expect(definition.nodes.find((n) => n.id === 'prepareBankTransfer')?.config).toMatchObject({ queue: 'accounting' });
    expect(definition.nodes.find((n) => n.id === 'approveInvoice')?.position).toEqual({ x: 513, y: 304 });
    expect(validate(definition).problems).toEqual([]);
    expect(compile(definition).ok).toBe(true);
  });

  it('refuses malformed XML and non-BPMN documents, naming the element', async () => {
    const broken =
      '<?xml version="1.0"?>\n<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"><process id="p"><startEvent id="s"></process></definitions>';
    await expect(bpmnToDefinition(broken)).rejects.toMatchObject({ name: 'BpmnParseError', element: '</process>' });
    await expect(bpmnToDefinition('<invoice/>')).rejects.toBeInstanceOf(BpmnParseError);
    const laughs =
      '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa">]><definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"><process id="p" name="&a;"/></definitions>';
    await expect(bpmnToDefinition(laughs)).rejects.toMatchObject({ element: '<!DOCTYPE>' });
    await expect(bpmnToDefinition('<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"/>')).rejects.toMatchObject({ element: 'bpmn:Process' });
  });

  it('rewrites simple JUEL conditions as FEEL and leaves the rest to a person', () => {
    expect(juelToFeel('${approved}')).toBe('approved = true');
    expect(juelToFeel('${!approved}', 'task.data')).toBe('not(task.data.approved = true)');
    expect(juelToFeel("${amount > 1000 && category == 'Travel'}")).toBe('amount > 1000 and category = "Travel"');
    expect(juelToFeel('${execution.getVariable("x")}')).toBeUndefined();
    expect(juelToFeel('amount > 3')).toBeUndefined();
  });
});
