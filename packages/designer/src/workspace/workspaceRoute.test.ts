import { describe, expect, it } from 'vitest';
import { parseWorkspaceRoute, readsInsights, workspaceHref } from './workspaceRoute.js';

describe('parseWorkspaceRoute', () => {
  it('reads the inbox, a task and a case', () => {
    expect(parseWorkspaceRoute('#/inbox', ['process_owner'])).toEqual({ page: 'inbox' });
    expect(parseWorkspaceRoute(workspaceHref({ page: 'incidents' }), ['process_owner'])).toEqual({ page: 'incidents' });
    expect(parseWorkspaceRoute('#/tasks/t%201', [])).toEqual({ page: 'task', taskId: 't 1' });
    expect(parseWorkspaceRoute(workspaceHref({ page: 'case', caseId: 'c/2' }), [])).toEqual({ page: 'case', caseId: 'c/2' });
  });
  it('sends people who do not design flows to the inbox, and leaves the designer its routes', () => {
    expect(parseWorkspaceRoute('', ['analyst'])).toEqual({ page: 'inbox' });
    expect(parseWorkspaceRoute('#/', ['process_owner'])).toBeNull();
    // an MSP's platform admin lands on the flows, not on an empty inbox
    expect(parseWorkspaceRoute('', ['platform_admin'])).toBeNull();
    expect(parseWorkspaceRoute('#/admin', ['platform_admin'])).toBeNull();
    expect(parseWorkspaceRoute('#/flows/abc', ['analyst'])).toBeNull();
  });

  it('opens Insights at #/insights, offered to admins, owners, auditors and leads', () => {
    expect(parseWorkspaceRoute('#/insights', ['process_owner'])).toEqual({ page: 'insights' });
    expect(workspaceHref({ page: 'insights' })).toBe('#/insights');
    expect(readsInsights(['auditor'], false)).toBe(true);
    expect(readsInsights(['analyst'], false)).toBe(false);
    expect(readsInsights(['analyst'], true)).toBe(true);
    expect(readsInsights(['integration'], false)).toBe(false);
  });
});
