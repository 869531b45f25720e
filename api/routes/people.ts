/**
 * /api/people and /api/departments: everyone signed in reads them; administrators add
 * people, change roles, deactivate them and (re)set their account password (the person
 * must change it at the next sign-in). Nobody is deleted: cases keep pointing at them.
 */
import { Router } from 'express';
import { z } from 'zod';
import type { Db } from '../../prisma/client';
import { ROLES, type Auth } from '../auth';
import { createPeopleService, personSelect as select } from '../services/people';
import type { RouteRegistry } from '../registry';
import { ADMIN_ROLES } from '../roles';
import { errorResponse } from '../schemas';

export const personBody = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{1,63}$/, 'must be lower-case letters, digits and -').describe('e.g. p-sales-zhou'),
    name: z.string().trim().min(1, 'is required').max(100),
    email: z.string().trim().email('must be an e-mail address'),
    role: z.enum(ROLES as unknown as [string, ...string[]]),
    departmentId: z.string().min(1, 'is required'),
    locale: z.enum(['zh-CN', 'en']).default('zh-CN'),
  })
  .strict();
const idParam = z.object({ id: z.string().min(1) });

export function peopleRoutes(registry: RouteRegistry, db: Db, auth: Auth): Router {
  const router = Router();
  const err = { description: 'Error', schema: errorResponse };
  const people = createPeopleService(db, auth);
  const by = (req: import('express').Request) => ({ actorId: req.auth!.personId, ip: req.ip });
  registry.add(
    router,
    {
      method: 'get',
      path: '/api/people',
      summary: 'People and their roles',
      tags: ['people'],
      query: z.object({ role: z.string().optional(), all: z.enum(['1', 'true']).optional().describe('include inactive people') }),
      responses: { 200: { description: 'People' } },
    },
    ({ query }) =>
      db.person.findMany({
        where: { ...(query.all ? {} : { active: true }), ...(query.role ? { role: query.role } : {}) },
        select,
        orderBy: [{ role: 'asc' }, { id: 'asc' }],
      }),
  );
  registry.add(
    router,
    { method: 'get', path: '/api/departments', summary: 'Departments', tags: ['people'], responses: { 200: { description: 'Departments' } } },
    () => db.department.findMany({ orderBy: { code: 'asc' } }),
  );

  registry.add(
    router,
    {
      method: 'post',
      path: '/api/people',
      summary: 'Add a person (administrator)',
      tags: ['people'],
      body: personBody,
      roles: ADMIN_ROLES,
      responses: { 201: { description: 'Created' }, 403: err, 409: err, 422: err },
    },
    async ({ body, req, res }) => {
      const p = await people.create(body, by(req));
      res.status(201);
      return p;
    },
  );

  registry.add(
    router,
    {
      method: 'patch',
      path: '/api/people/:id',
      summary: 'Change a person’s role, department, language or active flag (administrator; an audit record with before and after)',
      tags: ['people'],
      params: idParam,
      body: personBody.pick({ name: true, role: true, departmentId: true, locale: true }).partial().extend({ active: z.boolean().optional() }).strict(),
      roles: ADMIN_ROLES,
      responses: { 200: { description: 'Updated' }, 403: err, 404: err },
    },
    async ({ params, body, req }) => {
      return people.update(params.id, body, by(req));
    },
  );

  registry.add(
    router,
    {
      method: 'post',
      path: '/api/people/:id/account',
      summary: 'Create or reset a person’s account: a one-time password, to be changed at the first sign-in (administrator)',
      tags: ['people'],
      params: idParam,
      body: z.object({ password: z.string().min(12, 'must be at least 12 characters').max(200).optional().describe('default: generated and returned once') }).strict(),
      roles: ADMIN_ROLES,
      responses: { 200: { description: 'The one-time password (shown once)' }, 403: err, 404: err },
    },
    async ({ params, body, req }) => {
      const a = await people.issueAccount(params.id, by(req), body.password);
      return { personId: a.personId, email: a.email, password: a.password, mustChangePassword: true };
    },
  );
  return router;
}
