/** Sample invoices bundled with the designer, so a flow can be tried before any real data exists. */
export interface SampleInvoice {
  id: string;
  label: string;
  invoice: Record<string, unknown>;
}

const supplier = { id: 'SUP-0042', name: 'Northwind Components GmbH', taxId: 'DE811907980', country: 'DE' };
const buyer = { id: 'BU-EU1', name: 'Contoso Europe B.V.', country: 'NL' };

export const sampleInvoices: readonly SampleInvoice[] = [
  {
    id: 'small-po',
    label: 'Small PO invoice (EUR 1,190)',
    invoice: {
      invoiceNumber: 'NW-2024-0815',
      issueDate: '2024-05-02',
      dueDate: '2024-06-01',
      currency: 'EUR',
      supplier,
      buyer,
      poNumber: 'PO-45001234',
      businessUnit: 'EU-OPS',
      netTotal: '1000.00',
      taxTotal: '190.00',
      grossTotal: '1190.00',
      lines: [
        {
          lineId: '1',
          description: 'Hydraulic fitting 12 mm',
          quantity: '100',
          unitCode: 'EA',
          unitPrice: '10.00',
          netAmount: '1000.00',
          taxRate: '19',
          taxAmount: '190.00',
          poLineRef: '10',
        },
      ],
    },
  },
  {
    id: 'large-po',
    label: 'Large PO invoice (EUR 58,310)',
    invoice: {
      invoiceNumber: 'NW-2024-0901',
      issueDate: '2024-05-20',
      dueDate: '2024-06-19',
      currency: 'EUR',
      supplier,
      buyer,
      poNumber: 'PO-45001299',
      businessUnit: 'EU-OPS',
      netTotal: '49000.00',
      taxTotal: '9310.00',
      grossTotal: '58310.00',
      lines: [
        {
          lineId: '1',
          description: 'CNC spindle assembly',
          quantity: '7',
          unitCode: 'EA',
          unitPrice: '7000.00',
          netAmount: '49000.00',
          taxRate: '19',
          taxAmount: '9310.00',
          poLineRef: '10',
        },
      ],
    },
  },
  {
    id: 'non-po',
    label: 'Non-PO service invoice (USD 2,400)',
    invoice: {
      invoiceNumber: 'CS-7781',
      issueDate: '2024-05-11',
      currency: 'USD',
      supplier: { id: 'SUP-0108', name: 'Clearwater Consulting LLC', country: 'US' },
      netTotal: '2400.00',
      taxTotal: '0.00',
      grossTotal: '2400.00',
      lines: [{ description: 'Advisory services, April', quantity: '16', unitCode: 'HUR', unitPrice: '150.00', netAmount: '2400.00' }],
    },
  },
];

/** A plausible result for a service, prefilled in the simulator so the user only edits what matters. */
export function sampleServiceResult(service: string): Record<string, unknown> {
  switch (service) {
    case 'threeWayMatch':
      return { withinTolerance: true, priceVariancePct: 1.2, quantityVariancePct: 0, lines: [{ lineId: '1', poLineRef: '10', status: 'matched' }] };
    case 'webhook':
      return { status: 200 };
    // an AI suggestion below its threshold: the simulated case goes on to the task (mode auto would skip it where allowed)
    case 'aiSuggestion':
      return { mode: 'advice', outcome: 'accept', probability: 0.62, factors: ['Price 1.8 % above the PO'] };
    default:
      return {};
  }
}
