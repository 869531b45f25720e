/** /api/people and /api/departments — read-only until administration (issue #6). */
import { Router } from 'express';
import { z } from 'zod';
import type { Db } from '../../prisma/client';
import type { RouteRegistry } from '../registry';

export function peopleRoutes(registry: RouteRegistry, db: Db): Router {
  const router = Router();
  registry.add(
    router,
    {
      method: 'get',
      path: '/api/people',
      summary: 'People and their roles',
      tags: ['people'],
      query: z.object({ role: z.string().optional() }),
      responses: { 200: { description: 'People' } },
    },
    ({ query }) =>
      db.person.findMany({
        where: { active: true, ...(query.role ? { role: query.role } : {}) },
        select: { id: true, name: true, email: true, role: true, locale: true, departmentId: true },
        orderBy: [{ role: 'asc' }, { id: 'asc' }],
      }),
  );
  registry.add(
    router,
    { method: 'get', path: '/api/departments', summary: 'Departments', tags: ['people'], responses: { 200: { description: 'Departments' } } },
    () => db.department.findMany({ orderBy: { code: 'asc' } }),
  );
  return router;
}
