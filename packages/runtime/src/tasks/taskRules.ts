import { WORKERS, type Principal } from '../auth/roles.js';
import { forbidden } from '../errors.js';
import type { TeamMember } from '../store/inboxRepository.js';

/** Refuses (403) someone none of whose `roles` (own, or own and delegated) the task's candidate roles allow. */
export function assertCandidate(task: { title: string; candidateRoles: string[] }, principal: Principal, roles: readonly string[] = principal.roles): void {
  if (task.candidateRoles.length && !task.candidateRoles.some((r) => roles.includes(r))) {
    throw forbidden(`Task "${task.title}" is for ${task.candidateRoles.join(' or ')}; you are ${roles.join(', ') || 'without a role'}`);
  }
}

/** Someone may be given a task when they hold a worker role its candidate roles allow (any worker role when it names none). */
export function canWork(member: Pick<TeamMember, 'roles'>, candidateRoles: readonly string[]): boolean {
  const worker = member.roles.filter((r) => (WORKERS as readonly string[]).includes(r));
  return candidateRoles.length ? worker.some((r) => candidateRoles.includes(r)) : worker.length > 0;
}
