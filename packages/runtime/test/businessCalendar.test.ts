import { addBusinessDuration } from '@exflow/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, testDatabaseKinds, type TestServer } from './support/testServer.js';
import { plainInvoice, slaFlow } from './support/flows.js';
import { eventually, httpClient, PATIENCE_MS, TEST_TIMEOUT_MS } from './support/http.js';

const DAY = 86_400_000;
const dateOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const isoWeekday = (ms: number) => new Date(ms).getUTCDay() || 7;

// Issue 15: a task's SLA counted in the tenant's business days (its businessCalendar policy).
describe.each(testDatabaseKinds())('SLAs in business days, on %s', { timeout: TEST_TIMEOUT_MS }, (database) => {
  let server: TestServer;
  let admin: ReturnType<typeof httpClient>;

  beforeAll(async () => {
    server = await startTestServer({ database, seedDemo: true });
    admin = httpClient(server.url, await server.login('admin@demo.exflow'));
    const flow = slaFlow('sla-business', 'P1D');
    const review = flow.nodes.find((n) => n.id === 'review')!;
    review.config = { ...review.config, dueInBusinessDays: true };
    const created = await admin('POST', '/api/v1/definitions', flow);
    expect(created.status).toBe(201);
    expect((await admin('POST', `/api/v1/definitions/${created.body.id}/publish`)).status).toBe(201);
    const calendarFlow = slaFlow('sla-calendar', 'P1D');
    const plain = await admin('POST', '/api/v1/definitions', calendarFlow);
    expect((await admin('POST', `/api/v1/definitions/${plain.body.id}/publish`)).status).toBe(201);
  });
  afterAll(() => server?.stop());

  const taskOf = async (flow: string, number: string) => {
    const posted = await admin('POST', `/api/v1/invoices?definition=${flow}`, plainInvoice(number));
    expect(posted.status).toBe(201);
    const caseId = posted.body.case.id as string;
    return eventually(async () => (await admin('GET', `/api/v1/tasks?caseId=${caseId}`)).body[0], PATIENCE_MS, 'the task');
  };

  it('skips the days the tenant does not work and its holidays, keeping the time of day', async () => {
    // whatever today is: only the weekday three days from now is worked, and that date itself is a holiday,
    // so one business day from now is ten days away (the same weekday a week later)
    const now = Date.now();
    const firstWorked = now + 3 * DAY;
    const calendar = { workingDays: [isoWeekday(firstWorked)], holidays: [dateOf(firstWorked)], timeZone: 'UTC' };
    const saved = await admin('PUT', '/api/v1/policies', { policies: { businessCalendar: calendar } });
    expect(saved.status).toBe(200);
    expect(saved.body.effective.businessCalendar).toEqual(calendar);

    const task = await taskOf('sla-business', 'BD-1');
    const created = Date.parse(task.createdAt);
    const due = Date.parse(task.dueAt);
    expect(dateOf(due)).toBe(dateOf(created + 10 * DAY));
    expect(Math.abs(due - (created + 10 * DAY))).toBeLessThan(60_000);
    // the engine's answer is the shared function's, for the moment the engine opened the task
    expect(Math.abs(due - addBusinessDuration(created, 'P1D', calendar)!)).toBeLessThan(60_000);
  });

  it('leaves an SLA in calendar days as elapsed time', async () => {
    const task = await taskOf('sla-calendar', 'BD-2');
    expect(Math.abs(Date.parse(task.dueAt) - Date.parse(task.createdAt) - DAY)).toBeLessThan(60_000);
  });

  it('refuses a time zone that is not an IANA zone, naming the field, and changes nothing', async () => {
    const before = (await admin('GET', '/api/v1/policies')).body;
    const refused = await admin('PUT', '/api/v1/policies', { policies: { businessCalendar: { timeZone: 'Mars/Olympus' } } });
    expect(refused.status).toBe(422);
    expect(refused.body.errors).toEqual([{ path: '/policies/businessCalendar/timeZone', message: 'not a known time zone' }]);
    expect((await admin('GET', '/api/v1/policies')).body).toEqual(before);
  });
});
