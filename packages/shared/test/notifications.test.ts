import { describe, expect, it } from 'vitest';
import { chatPayload, effectivePreferences, renderNotification, slaPhase } from '../src/index.js';

const at = (iso: string) => new Date(iso);

describe('slaPhase', () => {
  const created = at('2026-03-02T08:00:00Z');
  const due = at('2026-03-02T18:00:00Z'); // a 10-hour window: warn from 16:00

  it.each([
    ['2026-03-02T08:00:00Z', 'ok'],
    ['2026-03-02T15:59:59Z', 'ok'],
    ['2026-03-02T16:00:00Z', 'warning'],
    ['2026-03-02T17:59:59Z', 'warning'],
    ['2026-03-02T18:00:00Z', 'breached'],
    ['2026-03-05T00:00:00Z', 'breached'],
  ])('at %s the task is %s', (now, phase) => {
    expect(slaPhase(created, due, at(now))).toBe(phase);
  });

  it('never warns about a task without a due time', () => {
    expect(slaPhase(created, null, at('2030-01-01T00:00:00Z'))).toBe('ok');
  });
});

describe('effectivePreferences', () => {
  const on = { taskAssigned: true, mention: true, slaWarning: true, slaBreached: true, incident: true };
  const off = { taskAssigned: false, mention: false, slaWarning: false, slaBreached: false, incident: false, digest: false };

  it('sends every kind by e-mail (the digest to leads only) and nothing by chat by default', () => {
    expect(effectivePreferences(null, false)).toEqual({ email: { ...on, digest: false }, chat: off, chatWebhook: null });
    expect(effectivePreferences(undefined, true).email.digest).toBe(true);
  });

  it('keeps stored booleans, ignores unknown keys, wrong types and a webhook of an unknown format', () => {
    const prefs = effectivePreferences(
      { email: { mention: false, digest: true, unknown: false, slaWarning: 'no' }, chat: { incident: true }, chatWebhook: { format: 'irc', url: 'https://x' } },
      false,
    );
    expect(prefs.email).toEqual({ ...on, mention: false, digest: true });
    expect(prefs.chat).toEqual({ ...off, incident: true });
    expect(prefs.chatWebhook).toBeNull();
    expect(effectivePreferences({ chatWebhook: { format: 'teams', url: 'https://hook.example/x' } }, false).chatWebhook).toEqual({
      format: 'teams',
      url: 'https://hook.example/x',
    });
  });
});

describe('renderNotification', () => {
  const base = 'https://exflow.example/';

  it('names the task, the invoice, who assigned it and links the case', () => {
    const m = renderNotification(
      'taskAssigned',
      { caseId: 'c 1', taskTitle: 'Review price variance', invoiceNumber: 'INV-7', supplierName: 'Acme', byName: 'Lea Lead' },
      base,
    );
    expect(m.subject).toBe('Assigned to you: Review price variance (invoice INV-7 from Acme)');
    expect(m.text).toContain('Lea Lead assigned "Review price variance" to you for invoice INV-7 from Acme.');
    expect(m.text).toContain('https://exflow.example/#/cases/c%201');
  });

  it('quotes a mention, clipped', () => {
    const m = renderNotification('mention', { caseId: 'c', byName: 'Ari', text: 'x'.repeat(400) }, base);
    expect(m.subject).toBe('Ari mentioned you');
    expect(m.text).toMatch(/> x{279}…/);
  });

  it('writes a digest with its counts and the most urgent tasks', () => {
    const m = renderNotification(
      'digest',
      {
        digest: {
          openTasks: 7,
          overdueTasks: 2,
          breachedToday: 1,
          openIncidents: 0,
          oldest: [{ title: 'Approve', caseId: 'c9', dueAt: '2026-03-01T10:00:00.000Z' }],
        },
      },
      base,
    );
    expect(m.subject).toBe('Exflow daily digest: 7 open, 2 overdue');
    expect(m.text).toContain('Overdue: 2');
    expect(m.text).toContain('- Approve (due 2026-03-01T10:00:00.000Z): https://exflow.example/#/cases/c9');
  });
});

describe('chatPayload', () => {
  const message = { subject: 'Overdue: Approve', text: 'It is late.' };

  it('posts Slack incoming-webhook text', () => {
    expect(chatPayload('slack', message)).toEqual({ text: '*Overdue: Approve*\nIt is late.' });
  });

  it('posts a Teams Adaptive Card', () => {
    const body = chatPayload('teams', message) as { attachments: { contentType: string; content: { body: { text: string }[] } }[] };
    expect(body.attachments[0].contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(body.attachments[0].content.body.map((b) => b.text)).toEqual(['Overdue: Approve', 'It is late.']);
  });
});
