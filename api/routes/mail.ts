/**
 * /api/people/:id/bounces and /api/mail/bounces — permanent SMTP rejections (5xx on
 * RCPT TO) recorded by the mail activities, so a bad address is seen and fixed.
 * Readable by READ_ALL_ROLES (auditor, QA manager, management representative, administrator).
 * Mount in api/app.ts after the authentication middleware: `app.use(mailRoutes(registry, deps.db));`
 */
import { Router } from 'express';
import { z } from 'zod';
import type { Db } from '../../prisma/client';
import { notFound } from '../errors';
import type { RouteRegistry } from '../registry';
import { READ_ALL_ROLES } from '../roles';

const bounceSelect = {
  id: true,
  personId: true,
  address: true,
  messageKey: true,
  code: true,
  response: true,
  at: true,
} as const;

const limit = z.coerce.number().int().min(1).max(500).default(100);

export function mailRoutes(registry: RouteRegistry, db: Db): Router {
  const router = Router();
  registry.add(
    router,
    {
      method: 'get',
      path: '/api/people/:id/bounces',
      summary: "Permanent rejections of a person's e-mail address, newest first",
      tags: ['mail'],
      roles: READ_ALL_ROLES,
      params: z.object({ id: z.string().min(1) }),
      query: z.object({ limit }),
      responses: { 200: { description: 'Bounces' }, 404: { description: 'No such person' } },
    },
    async ({ params, query }) => {
      const person = await db.person.findUnique({ where: { id: params.id }, select: { id: true, email: true } });
      if (!person) throw notFound(`Person ${params.id}`);
      const bounces = await db.mailBounce.findMany({ where: { personId: person.id }, select: bounceSelect, orderBy: [{ at: 'desc' }, { id: 'asc' }], take: query.limit });
      return { personId: person.id, email: person.email, bounces };
    },
  );
  registry.add(
    router,
    {
      method: 'get',
      path: '/api/mail/bounces',
      summary: 'All recorded bounces (permanent SMTP rejections), newest first',
      tags: ['mail'],
      roles: READ_ALL_ROLES,
      query: z.object({ limit, address: z.string().optional(), since: z.iso.datetime({ offset: true }).optional() }),
      responses: { 200: { description: 'Bounces' } },
    },
    async ({ query }) => {
      const bounces = await db.mailBounce.findMany({
        where: {
          ...(query.address ? { address: { equals: query.address, mode: 'insensitive' as const } } : {}),
          ...(query.since ? { at: { gte: new Date(query.since) } } : {}),
        },
        select: { ...bounceSelect, person: { select: { id: true, name: true, email: true, role: true } } },
        orderBy: [{ at: 'desc' }, { id: 'asc' }],
        take: query.limit,
      });
      return { bounces };
    },
  );
  return router;
}
