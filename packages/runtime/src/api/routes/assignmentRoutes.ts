import { assignmentOptionsSchema, type AssignmentOptions } from '@exflow/shared';
import { DESIGNERS, WORKERS } from '../../auth/roles.js';
import { createAssignmentRepository } from '../../store/assignmentRepository.js';
import { defineRoutes } from '../route.js';

/** What the designer offers in a task's Queue and Candidate roles lists, so nobody has to type them. */
export const assignmentRoutes = defineRoutes([
  {
    method: 'get',
    path: '/assignment-options',
    summary: "The queues your flows and tasks name and the roles that work tasks, for a task's assignment lists",
    tag: 'definitions',
    roles: DESIGNERS,
    responses: { '200': 'Queues and roles' },
    responseSchemas: { '200': assignmentOptionsSchema },
    async handler(_req, res, { db, principal }) {
      const repo = createAssignmentRepository(db);
      const options: AssignmentOptions = { queues: await repo.knownQueues(principal.tenantId), roles: await repo.peopleWithRoles(principal.tenantId, WORKERS) };
      res.json(options);
    },
  },
]);
