/**
 * Who may do what through the API, in one place (the workflow checks each step's role
 * again: workflows/steps.ts STEP_ROLES). An auditor reads everything and changes nothing.
 */
import type { Request } from 'express';
import type { Actor, PersonRole } from '../workflows/types';
import { HttpError } from './errors';

/** Roles that see audit trails and chain verification. */
export const READ_ALL_ROLES = ['auditor', 'qa_manager', 'management_rep', 'admin'] as const;
/** Roles that record a new complaint (§5.1: sales receives it; QA may record one it received). */
export const INTAKE_ROLES = ['sales', 'qa_engineer', 'qa_manager'] as const;
/** Roles that work on cases (record steps, ask for extensions); not the auditor, not the administrator. */
export const CASE_WORKER_ROLES = ['sales', 'qa_engineer', 'qa_manager', 'department_owner', 'general_affairs'] as const;
/** Roles that change deadline policies and the calendar. */
export const POLICY_ROLES = ['qa_manager', 'admin'] as const;
/** Roles that administer people and accounts. */
export const ADMIN_ROLES = ['admin'] as const;

/** The signed-in person as the workflow sees them (id, role, department). */
export function actorOf(req: Request): Actor {
  if (!req.auth) throw new HttpError(401, 'unauthenticated', 'Sign in first');
  // The sign-in check of this very request loaded the person (and refused an inactive one).
  const a = req.auth;
  return { id: a.personId, role: a.role as PersonRole, departmentId: a.departmentId, name: a.name };
}

/** 403 unless the signed-in person holds one of the roles (for checks inside a handler). */
export function requireRoleOf(req: Request, roles: readonly string[]): void {
  if (!req.auth) throw new HttpError(401, 'unauthenticated', 'Sign in first');
  if (!roles.includes(req.auth.role)) throw new HttpError(403, 'forbidden', `This needs the role ${roles.join(' or ')} (you are ${req.auth.role})`);
}
