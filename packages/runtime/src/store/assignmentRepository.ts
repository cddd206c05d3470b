import type { Db } from './db.js';

export interface KnownQueue {
  name: string;
  openTasks: number;
}

export interface RolePeople {
  role: string;
  people: number;
}

/** What a flow's task may be assigned to: the tenant's known queues and the roles that work tasks. */
export function createAssignmentRepository(db: Db) {
  return {
    /** Queues named by a human task in any draft or published version, or holding a task, with their open tasks; by name. */
    async knownQueues(tenantId: string): Promise<KnownQueue[]> {
      const { rows } = await db.raw(
        `SELECT q.queue AS name, count(t.id)::int AS open_tasks
           FROM (SELECT n->'config'->>'queue' AS queue
                   FROM definitions d, jsonb_array_elements(d.draft->'nodes') n
                  WHERE d.tenant_id = ? AND n->>'kind' = 'humanTask'
                 UNION
                 SELECT n->'config'->>'queue'
                   FROM definition_versions v, jsonb_array_elements(v.definition->'nodes') n
                  WHERE v.tenant_id = ? AND n->>'kind' = 'humanTask'
                 UNION
                 SELECT queue FROM tasks WHERE tenant_id = ?) q
           LEFT JOIN tasks t ON t.tenant_id = ? AND t.queue = q.queue AND t.status = 'open'
          WHERE q.queue IS NOT NULL AND q.queue <> ''
          GROUP BY q.queue
          ORDER BY q.queue
          LIMIT 1000`,
        [tenantId, tenantId, tenantId, tenantId],
      );
      return (rows as { name: string; open_tasks: number }[]).map((r) => ({ name: r.name, openTasks: Number(r.open_tasks) }));
    },

    /** Each of `roles`, with how many active users of the tenant have it. */
    async peopleWithRoles(tenantId: string, roles: readonly string[]): Promise<RolePeople[]> {
      const users = (await db('users').where({ tenant_id: tenantId }).whereNull('disabled_at').select('roles')) as { roles: string[] }[];
      return roles.map((role) => ({ role, people: users.filter((u) => u.roles.includes(role)).length }));
    },
  };
}
