import { readFileSync } from 'node:fs';
import type { WorkflowDefinition } from '@exflow/shared';

const templates = new URL('../../../../templates/', import.meta.url);

export const readTemplate = <T = WorkflowDefinition>(path: string): T => JSON.parse(readFileSync(new URL(path, templates), 'utf8'));

/** The price-variance template flow under another key, so tests publish their own. */
export function priceVarianceFlow(key: string): WorkflowDefinition {
  return { ...readTemplate('ap-exceptions/price-variance.workflow.json'), key, name: `Price variance (${key})` };
}

/** An invoice against the demo PO-1001 with the chair price raised by `pct` percent. */
export function invoiceWithChairPrice(number: string, unitPrice: string) {
  const chairs = (Number(unitPrice) * 10).toFixed(2);
  const net = (Number(chairs) + 1500).toFixed(2);
  const tax = (Number(net) * 0.25).toFixed(2);
  return {
    invoiceNumber: number,
    issueDate: '2026-11-20',
    currency: 'EUR',
    supplier: { id: 'SUP-001', name: 'Nordic Office Supplies AB' },
    poNumber: 'PO-1001',
    netTotal: net,
    taxTotal: tax,
    grossTotal: (Number(net) + Number(tax)).toFixed(2),
    lines: [
      { lineId: '1', description: 'Ergonomic office chair', quantity: '10', unitPrice, netAmount: chairs, poLineRef: '1' },
      { lineId: '2', description: 'Height-adjustable desk', quantity: '5', unitPrice: '300.00', netAmount: '1500.00', poLineRef: '2' },
    ],
  };
}
