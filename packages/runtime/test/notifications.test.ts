import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PermanentServiceError } from '../src/services/registry.js';
import { startTestServer, testDatabaseKinds, type TestServer } from './support/testServer.js';
import { plainInvoice, serviceFlow, slaFlow } from './support/flows.js';
import { eventually, httpClient, TEST_TIMEOUT_MS } from './support/http.js';

interface Mail {
  to: string;
  subject: string;
  text: string;
}

/** A real SMTP server on loopback that keeps every message it accepts. */
async function startMailbox() {
  const mails: Mail[] = [];
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _session, done) {
      simpleParser(stream)
        .then((m) => {
          const to = Array.isArray(m.to) ? m.to.flatMap((a) => a.value) : (m.to?.value ?? []);
          mails.push({ to: to.map((a) => a.address).join(','), subject: m.subject ?? '', text: m.text ?? '' });
          done();
        })
        .catch(done);
    },
  });
  await new Promise<void>((ready) => smtp.listen(0, '127.0.0.1', ready));
  const port = (smtp.server.address() as AddressInfo).port;
  return { mails, url: `smtp://127.0.0.1:${port}`, close: () => new Promise<void>((done) => smtp.close(() => done())) };
}

/** A team chat's incoming webhook on loopback: keeps every JSON body posted to it. */
async function startChat() {
  const posts: { path: string; body: any }[] = [];
  const server: Server = createServer((req, res) => {
    let text = '';
    req.on('data', (c) => (text += c));
    req.on('end', () => {
      posts.push({ path: req.url ?? '', body: JSON.parse(text) });
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const port = (server.address() as AddressInfo).port;
  return { posts, url: `http://127.0.0.1:${port}`, close: () => new Promise<void>((done) => server.close(() => done())) };
}

describe.each(testDatabaseKinds())('notifications by e-mail and chat, on %s', { timeout: TEST_TIMEOUT_MS }, (database) => {
  let server: TestServer;
  let mailbox: Awaited<ReturnType<typeof startMailbox>>;
  let chat: Awaited<ReturnType<typeof startChat>>;
  let admin: ReturnType<typeof httpClient>;
  let analyst: ReturnType<typeof httpClient>;
  let analyst2: ReturnType<typeof httpClient>;

  const mailsTo = (address: string, subject: RegExp) => mailbox.mails.filter((m) => m.to === address && subject.test(m.subject));
  const waitForMail = (address: string, subject: RegExp) =>
    eventually(async () => mailsTo(address, subject)[0], undefined, `a mail to ${address} about ${subject}`);

  async function publish(definition: object) {
    const created = await admin('POST', '/api/v1/definitions', definition);
    expect(created.status).toBe(201);
    expect((await admin('POST', `/api/v1/definitions/${created.body.id}/publish`)).status).toBe(201);
  }

  async function openTask(number: string) {
    const posted = await admin('POST', '/api/v1/invoices?definition=notify-sla', plainInvoice(number));
    expect(posted.status).toBe(201);
    const caseId = posted.body.case.id as string;
    const task = await eventually(async () => (await admin('GET', `/api/v1/cases/${caseId}`)).body.tasks?.find((t: any) => t.status === 'open'));
    return { caseId, taskId: task.id as string };
  }

  beforeAll(async () => {
    mailbox = await startMailbox();
    chat = await startChat();
    server = await startTestServer({
      database,
      smtpUrl: mailbox.url,
      digestHour: 0,
      egressAllow: ['127.0.0.1'],
      services: {
        refusing: async () => {
          throw new PermanentServiceError('ERP says: ledger closed');
        },
      },
    });
    admin = httpClient(server.url, await server.login('admin@demo.exflow'));
    analyst = httpClient(server.url, await server.login('analyst@demo.exflow'));
    analyst2 = httpClient(server.url, await server.login('analyst2@demo.exflow'));
    await publish(slaFlow('notify-sla', 'PT10H'));
    await publish(serviceFlow('notify-broken', 'refusing'));
  });

  afterAll(async () => {
    await server?.stop();
    await mailbox?.close();
    await chat?.close();
  });

  it('mails the person a lead assigns a task to, once, and lists it in their notifications', async () => {
    const { taskId, caseId } = await openTask('NTF-1');
    expect((await admin('POST', `/api/v1/tasks/${taskId}/reassign`, { assignee: 'u-analyst2' })).status).toBe(200);
    const mail = await waitForMail('analyst2@demo.exflow', /^Assigned to you: Review/);
    expect(mail.subject).toBe('Assigned to you: Review (invoice NTF-1 from Test Supplier)');
    expect(mail.text).toContain('Ada Admin assigned "Review" to you for invoice NTF-1 from Test Supplier.');
    expect(mail.text).toContain(`/#/cases/${caseId}`);
    const mine = await eventually(async () => {
      const list = (await analyst2('GET', '/api/v1/me/notifications')).body as any[];
      return list.find((n) => n.caseId === caseId && n.status === 'sent');
    });
    expect(mine).toMatchObject({ kind: 'taskAssigned', channel: 'email', subject: mail.subject });
    // the notifier keeps reading its sources; a later mail arriving proves it passed this one again
    const other = await openTask('NTF-1b');
    expect((await admin('POST', `/api/v1/tasks/${other.taskId}/reassign`, { assignee: 'u-analyst2' })).status).toBe(200);
    await waitForMail('analyst2@demo.exflow', /NTF-1b/);
    expect(mailsTo('analyst2@demo.exflow', /NTF-1 /)).toHaveLength(1);
  });

  it('mails a mentioned colleague, and not one who turned mentions off', async () => {
    const { caseId } = await openTask('NTF-2');
    const off = await analyst2('PUT', '/api/v1/me/notification-preferences', { email: { mention: false } });
    expect(off.status).toBe(200);
    expect(off.body).toMatchObject({ email: { mention: false, taskAssigned: true }, emailEnabled: true, chatWebhook: null });
    const posted = await admin('POST', `/api/v1/cases/${caseId}/comments`, { text: '@analyst and @analyst2 please check the price on NTF-2' });
    expect(posted.status).toBe(201);
    const mail = await waitForMail('analyst@demo.exflow', /mentioned you/);
    expect(mail.subject).toBe('Ada Admin mentioned you on invoice NTF-2 from Test Supplier');
    expect(mail.text).toContain('> @analyst and @analyst2 please check the price on NTF-2');
    const log = (await admin('GET', '/api/v1/notifications')).body as any[];
    expect(log.filter((n) => n.kind === 'mention' && n.caseId === caseId)).toHaveLength(1);
    expect(mailsTo('analyst2@demo.exflow', /mentioned you/)).toEqual([]);
    expect((await analyst2('PUT', '/api/v1/me/notification-preferences', { email: { mention: true } })).body.email.mention).toBe(true);
  });

  it('warns the assignee at 80 % of the SLA, then tells assignee, leads and the team chat when it is breached', async () => {
    const channel = await admin('POST', '/api/v1/notification-channels', { format: 'slack', url: `${chat.url}/team-ap`, kinds: ['slaBreached'] });
    expect(channel.status).toBe(201);
    expect(channel.body).toMatchObject({ format: 'slack', host: new URL(chat.url).host, kinds: ['slaBreached'] });
    expect(JSON.stringify((await admin('GET', '/api/v1/notification-channels')).body)).not.toContain('/team-ap');

    const { taskId } = await openTask('NTF-3');
    expect((await analyst('POST', `/api/v1/tasks/${taskId}/claim`)).status).toBe(200);
    // nine of its ten hours gone: past 80 %
    await server.db.raw(`UPDATE tasks SET created_at = now() - interval '9 hours', due_at = now() + interval '1 hour' WHERE id = ?`, [taskId]);
    const warning = await waitForMail('analyst@demo.exflow', /^Due soon: Review \(invoice NTF-3/);
    expect(warning.text).toContain('has used 80 % of its time');
    expect(chat.posts.filter((p) => JSON.stringify(p.body).includes('NTF-3'))).toEqual([]); // the channel carries breaches only

    await server.db.raw(`UPDATE tasks SET due_at = now() - interval '1 minute' WHERE id = ?`, [taskId]);
    await waitForMail('analyst@demo.exflow', /^Overdue: Review \(invoice NTF-3/);
    await waitForMail('admin@demo.exflow', /^Overdue: Review \(invoice NTF-3/);
    const post = await eventually(async () => chat.posts.find((p) => p.path === '/team-ap' && p.body.text.includes('NTF-3')));
    expect(post.body.text).toMatch(/^\*Overdue: Review \(invoice NTF-3 from Test Supplier\)\*\n/);
    expect(mailsTo('analyst@demo.exflow', /NTF-3/).map((m) => m.subject.split(':')[0])).toEqual(['Due soon', 'Overdue']);
    expect(mailsTo('analyst2@demo.exflow', /NTF-3/)).toEqual([]);
  });

  it("posts to a person's own chat webhook the kinds they turned on", async () => {
    const set = await analyst2('PUT', '/api/v1/me/notification-preferences', {
      chat: { taskAssigned: true },
      chatWebhook: { format: 'teams', url: `${chat.url}/bea` },
    });
    expect(set.status).toBe(200);
    expect(set.body.chatWebhook).toEqual({ format: 'teams', host: new URL(chat.url).host });
    const { taskId } = await openTask('NTF-4');
    expect((await admin('POST', `/api/v1/tasks/${taskId}/reassign`, { assignee: 'u-analyst2' })).status).toBe(200);
    const post = await eventually(async () => chat.posts.find((p) => p.path === '/bea'));
    expect(post.body.attachments[0].content.body[0].text).toBe('Assigned to you: Review (invoice NTF-4 from Test Supplier)');
    await waitForMail('analyst2@demo.exflow', /NTF-4/);
  });

  it('tells admins and leads about an incident', async () => {
    const posted = await admin('POST', '/api/v1/invoices?definition=notify-broken', plainInvoice('NTF-5'));
    expect(posted.status).toBe(201);
    const mail = await waitForMail('admin@demo.exflow', /^Incident: step call failed \(invoice NTF-5/);
    expect(mail.text).toContain('ERP says: ledger closed');
  });

  it("sends each lead the day's digest once", async () => {
    const digest = await waitForMail('admin@demo.exflow', /^Exflow daily digest/);
    expect(digest.text).toMatch(/Open tasks: \d+\nOverdue: \d+/);
    // a later notification to the same person proves the notifier went round again without a second digest
    const { taskId } = await openTask('NTF-6');
    await server.db.raw(`UPDATE tasks SET created_at = now() - interval '9 hours', due_at = now() - interval '1 minute' WHERE id = ?`, [taskId]);
    await waitForMail('admin@demo.exflow', /NTF-6/);
    expect(mailsTo('admin@demo.exflow', /^Exflow daily digest/)).toHaveLength(1);
    expect(mailsTo('analyst@demo.exflow', /^Exflow daily digest/)).toEqual([]);
  });

  it('refuses bad preferences and channels with the field named, changing nothing', async () => {
    const before = (await analyst('GET', '/api/v1/me/notification-preferences')).body;
    const unknownKind = await analyst('PUT', '/api/v1/me/notification-preferences', { email: { payday: true } });
    expect(unknownKind.status).toBe(422);
    expect(unknownKind.headers.get('content-type')).toContain('application/problem+json');
    expect(JSON.stringify(unknownKind.body.errors)).toContain('/email');
    const badHook = await analyst('PUT', '/api/v1/me/notification-preferences', { chatWebhook: { format: 'slack', url: 'ftp://x' } });
    expect(badHook.status).toBe(422);
    expect(JSON.stringify(badHook.body.errors)).toContain('/chatWebhook');
    expect((await analyst('GET', '/api/v1/me/notification-preferences')).body).toEqual(before);
    expect((await analyst('POST', '/api/v1/notification-channels', { format: 'slack', url: `${chat.url}/x`, kinds: ['incident'] })).status).toBe(403);
    const personalKind = await admin('POST', '/api/v1/notification-channels', { format: 'slack', url: `${chat.url}/x`, kinds: ['mention'] });
    expect(personalKind.status).toBe(422);
    expect(JSON.stringify(personalKind.body.errors)).toContain('/kinds/0');
    expect((await admin('GET', '/api/v1/notification-channels')).body).toHaveLength(1);
  });
});
