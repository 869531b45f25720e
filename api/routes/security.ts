/** /api/audit/security — account and administration audit records (api/security-log.ts) and their chain check. */
import { Router } from 'express';
import { z } from 'zod';
import type { Db } from '../../prisma/client';
import type { RouteRegistry } from '../registry';
import { READ_ALL_ROLES } from '../roles';
import { verifySecurityChain } from '../security-log';

export const securityQuery = z.object({
  kind: z.string().max(40).optional(),
  person: z.string().max(64).optional().describe('actor or subject'),
  before: z.coerce.number().int().positive().optional().describe('records with seq below this (paging back)'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export async function listSecurityEvents(db: Db, q: z.output<typeof securityQuery>) {
  return db.securityEvent.findMany({
    where: {
      ...(q.kind ? { kind: q.kind } : {}),
      ...(q.person ? { OR: [{ actor: q.person }, { subject: q.person }] } : {}),
      ...(q.before ? { seq: { lt: q.before } } : {}),
    },
    orderBy: { seq: 'desc' },
    take: q.limit,
  });
}

export function auditLogRoutes(registry: RouteRegistry, db: Db): Router {
  const router = Router();
  registry.add(
    router,
    {
      method: 'get',
      path: '/api/audit/security',
      summary: 'Sign-ins, failed sign-ins, sign-outs, role / department changes, accounts, API tokens, policy versions (newest first)',
      tags: ['audit'],
      query: securityQuery,
      roles: READ_ALL_ROLES,
      responses: { 200: { description: 'Records' } },
    },
    async ({ query }) => (await listSecurityEvents(db, query)).map((e) => ({ ...e, at: e.at.toISOString() })),
  );
  registry.add(
    router,
    {
      method: 'get',
      path: '/api/audit/security/verify',
      summary: 'Recompute the hash chain of the account and administration records',
      tags: ['audit'],
      roles: READ_ALL_ROLES,
      responses: { 200: { description: 'Chain report' } },
    },
    () => verifySecurityChain(db),
  );
  return router;
}
