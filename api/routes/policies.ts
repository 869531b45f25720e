/**
 * /api/policies — the deadline policy (durations per severity / origin / category,
 * reminder lead times, escalation chain, calendar or working time, the company calendar
 * with holidays and make-up working days, the compensation authority matrix) as data.
 * Every change is a new version; a running case keeps the version it started with, new
 * cases take the latest. Versions are never edited or deleted.
 */
import { Router } from 'express';
import { z } from 'zod';
import { computeClockPlan, policyDefinitionSchema } from '../../activities/policy';
import { workingCalendarSchema } from '../../activities/calendar';
import type { Db } from '../../prisma/client';
import { ensurePolicy } from '../../prisma/seed';
import type { ClockName } from '../../workflows/types';
import { notFound } from '../errors';
import { POLICY_ROLES } from '../roles';
import type { RouteRegistry } from '../registry';
import { errorResponse } from '../schemas';
import { recordSecurityEvent } from '../security-log';

/**
 * Publish a definition as the policy's next version (nothing when it equals the latest);
 * a new version is an audit record naming who published it.
 */
export async function publishPolicyVersion(db: Db, name: string, definition: unknown, by: { actorId: string; ip?: string; via?: string }) {
  const r = await ensurePolicy(db, name, definition);
  if (r.created) await recordSecurityEvent(db, { kind: 'policy_version_created', actor: by.actorId, data: { policy: r.id, name, via: by.via ?? 'api' }, ip: by.ip });
  return r;
}

const nameParam = z.object({ name: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'must be lower-case letters, digits, - or _') });
const versionParams = nameParam.extend({ version: z.coerce.number().int().positive() });

export function policyRoutes(registry: RouteRegistry, db: Db): Router {
  const router = Router();
  const err = { description: 'Error', schema: errorResponse };

  const view = (p: { id: string; name: string; version: number; definition: unknown; createdAt: Date }) => ({
    id: p.id,
    name: p.name,
    version: p.version,
    createdAt: p.createdAt.toISOString(),
    definition: policyDefinitionSchema.parse(p.definition),
  });
  const latest = async (name: string) => {
    const p = await db.deadlinePolicy.findFirst({ where: { name }, orderBy: { version: 'desc' } });
    if (!p) throw notFound(`Policy ${name}`);
    return p;
  };
  async function publish(name: string, definition: unknown, res: import('express').Response) {
    const req = res.req;
    const r = await publishPolicyVersion(db, name, definition, { actorId: req.auth!.personId, ip: req.ip });
    const row = await db.deadlinePolicy.findUniqueOrThrow({ where: { id: r.id } });
    res.status(r.created ? 201 : 200);
    return view(row);
  }

  registry.add(
    router,
    { method: 'get', path: '/api/policies', summary: 'Deadline policies and their versions', tags: ['policies'], responses: { 200: { description: 'Policies' } } },
    async () =>
      (await db.deadlinePolicy.findMany({ orderBy: [{ name: 'asc' }, { version: 'asc' }], select: { id: true, name: true, version: true, createdAt: true } })),
  );

  registry.add(
    router,
    { method: 'get', path: '/api/policies/:name', summary: 'The latest version of a policy', tags: ['policies'], params: nameParam, responses: { 200: { description: 'Policy' }, 404: err } },
    async ({ params }) => view(await latest(params.name)),
  );

  registry.add(
    router,
    {
      method: 'get',
      path: '/api/policies/:name/versions/:version',
      summary: 'One version of a policy, as cases that started under it see it',
      tags: ['policies'],
      params: versionParams,
      responses: { 200: { description: 'Policy version' }, 404: err },
    },
    async ({ params }) => {
      const p = await db.deadlinePolicy.findUnique({ where: { name_version: { name: params.name, version: params.version } } });
      if (!p) throw notFound(`Policy ${params.name} v${params.version}`);
      return view(p);
    },
  );

  registry.add(
    router,
    {
      method: 'post',
      path: '/api/policies/:name/versions',
      summary: 'Publish a new version of a policy (new cases take it; running cases keep theirs)',
      description: 'Answers 201 with the new version, or 200 with the latest version when the definition is unchanged.',
      tags: ['policies'],
      params: nameParam,
      body: z.object({ definition: policyDefinitionSchema }).strict(),
      roles: POLICY_ROLES,
      responses: { 200: { description: 'Unchanged' }, 201: { description: 'New version' }, 400: err, 403: err },
    },
    async ({ params, body, req, res }) => {
      return publish(params.name, body.definition, res);
    },
  );

  registry.add(
    router,
    {
      method: 'put',
      path: '/api/policies/:name/calendar',
      summary: 'Replace the working calendar (hours, holidays, make-up working days) — a new policy version',
      tags: ['policies'],
      params: nameParam,
      body: z.object({ calendar: workingCalendarSchema }).strict(),
      roles: POLICY_ROLES,
      responses: { 200: { description: 'Unchanged' }, 201: { description: 'New version' }, 400: err, 403: err, 404: err },
    },
    async ({ params, body, req, res }) => {
      const current = view(await latest(params.name));
      return publish(params.name, { ...current.definition, calendar: body.calendar }, res);
    },
  );

  registry.add(
    router,
    {
      method: 'get',
      path: '/api/policies/:name/preview',
      summary: 'When a clock would fall due under the latest version (to check a calendar before cases meet it)',
      tags: ['policies'],
      params: nameParam,
      query: z.object({
        clock: z.enum(Object.keys(policyDefinitionSchema.shape.clocks.shape) as [ClockName, ...ClockName[]]),
        startedAt: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time' }),
        severity: z.enum(['urgent', 'normal']).default('normal'),
        origin: z.enum(['own_plant', 'supplier']).default('own_plant'),
        category: z.enum(['quality', 'environmental', 'installation_usage']).default('quality'),
      }),
      responses: { 200: { description: 'The clock plan' }, 400: err, 404: err },
    },
    async ({ params, query }) => {
      const p = view(await latest(params.name));
      return { policy: p.id, plan: computeClockPlan(p.definition, query.clock, query, new Date(query.startedAt)) };
    },
  );

  return router;
}
