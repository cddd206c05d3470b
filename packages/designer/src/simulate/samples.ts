import { parseInvoice, runCheck, type ReferenceData } from '@exflow/shared';

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

/**
 * Reference data for the bundled invoices, editable in the simulator: the small PO invoice
 * matches its PO, the large one is billed 7.7 % over the PO price (outside a 2 % tolerance).
 */
export const sampleReferenceData: ReferenceData = {
  suppliers: [
    { id: 'SUP-0042', name: 'Northwind Components GmbH', taxId: 'DE811907980', country: 'DE', bankAccount: 'DE89370400440532013000' },
    { id: 'SUP-0108', name: 'Clearwater Consulting LLC', country: 'US' },
  ],
  purchaseOrders: [
    {
      poNumber: 'PO-45001234',
      supplierId: 'SUP-0042',
      currency: 'EUR',
      kind: 'goods',
      lines: [{ lineId: '10', description: 'Hydraulic fitting 12 mm', quantity: '100', unitPrice: '10.00' }],
    },
    {
      poNumber: 'PO-45001299',
      supplierId: 'SUP-0042',
      currency: 'EUR',
      kind: 'goods',
      lines: [{ lineId: '10', description: 'CNC spindle assembly', quantity: '7', unitPrice: '6500.00' }],
    },
  ],
  goodsReceipts: [
    { id: 'GR-1', poNumber: 'PO-45001234', lineId: '10', quantity: '100' },
    { id: 'GR-2', poNumber: 'PO-45001299', lineId: '10', quantity: '7' },
  ],
  taxRates: [{ country: 'DE', rate: '19' }],
};

const today = () => new Date().toISOString().slice(0, 10);

/**
 * What a service returns, to prefill the simulator and to list the fields a later step can use:
 * a check's real result on the first sample invoice and the sample reference data.
 */
export function sampleServiceResult(service: string): Record<string, unknown> {
  const parsed = parseInvoice(sampleInvoices[0].invoice);
  const real = parsed.ok ? runCheck(service, parsed.invoice, sampleReferenceData, {}, today()) : undefined;
  if (real) return real;
  if (service === 'webhook') return { status: 200 };
  // an AI suggestion below its threshold: the simulated case goes on to the task (mode auto would skip it where allowed)
  if (service === 'aiSuggestion') return { mode: 'advice', outcome: 'accept', probability: 0.62, factors: ['Price 1.8 % above the PO'] };
  return {};
}
