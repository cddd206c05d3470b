import { expect } from 'vitest';
import { plainInvoice } from './flows.js';
import { eventually, PATIENCE_MS, type httpClient } from './http.js';

type Call = ReturnType<typeof httpClient>;

/**
 * Opens cases the way an ERP does (posting an invoice to a published flow) and waits for one to
 * reach a state, as the user `client()` signs in as (read when called: tests sign in in
 * `beforeAll`): the two steps most case tests start with.
 * @example
 * const { open, caseWhen } = invoiceCases(() => owner);
 * const id = await open('service-flow', 'INV-1');
 * await caseWhen(id, (c) => c.status === 'resolved', 'the case to resolve');
 */
export function invoiceCases(client: () => Call) {
  const opened: string[] = [];
  return {
    /** Every case `open` opened, in order (a test that checks what each case caused reads it). */
    opened,
    /**
     * Posts a plain invoice numbered `number` to `flow` (its key), against purchase order
     * `poNumber` when given, and returns the case it opened.
     */
    async open(flow: string, number: string, poNumber?: string): Promise<string> {
      const invoice = poNumber === undefined ? plainInvoice(number) : { ...plainInvoice(number), poNumber };
      const posted = await client()('POST', `/api/v1/invoices?definition=${flow}`, invoice);
      expect(posted.status, JSON.stringify(posted.body)).toBe(201);
      const caseId = posted.body.case.id as string;
      opened.push(caseId);
      return caseId;
    },
    /** The case as `GET /cases/:id` returns it, once `done` holds for it. */
    caseWhen(caseId: string, done: (c: any) => boolean, what: string): Promise<any> {
      return eventually(
        async () => {
          const c = (await client()('GET', `/api/v1/cases/${caseId}`)).body;
          return done(c) && c;
        },
        PATIENCE_MS,
        what,
      );
    },
  };
}
