/**
 * The human steps of a case, each a workflow update: the API validates the body (400 with
 * the field), resolves who acts, and the workflow's validator checks the step, the role
 * and the procedure's rules (409 wrong step, 403 wrong role, 422 with the field) before
 * anything is recorded. The answer is the case's state after the step.
 */
import { Router } from 'express';
import { ServerTiming } from '../timing';
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import type { Db } from '../../prisma/client';
import {
  HUMAN_STEPS,
  RPR_STEP_ROLES,
  STEP_ROLES,
  SIGNED_RPR_STEPS,
  SIGNED_STEPS,
  requestSchemas,
  rprStepSchemas,
  stepSchemas,
  type HumanStep,
  type RprStep,
} from '../../workflows/steps';
import type { Auth } from '../auth';
import { CASE_WORKER_ROLES, actorOf } from '../roles';
import type { RouteRegistry } from '../registry';
import { caseNoParam, errorResponse } from '../schemas';
import type { CaseService } from '../services/cases';
import { createStepService } from '../services/steps';

export interface StepRouteDeps {
  db: Db;
  temporal: Client;
  cases: CaseService;
  auth: Auth;
}

const password = z.string().min(1, 'is required').max(1000).optional().describe('Your password, re-entered: this action is signed electronically');
const lateReason = z.string().trim().max(2_000).optional().describe('Required when a clock this step stops is already overdue (§6(5))');

export function stepRoutes(registry: RouteRegistry, deps: StepRouteDeps): Router {
  const router = Router();
  const { db, temporal, cases, auth } = deps;
  const err = { description: 'Error', schema: errorResponse };
  const refused = { 400: err, 403: err, 404: err, 409: err, 422: err };

  const actor = (req: import('express').Request) => actorOf(req);
  const steps = createStepService({ db, temporal, cases, auth });

  for (const step of HUMAN_STEPS) {
    registry.add(
      router,
      {
        method: 'post',
        path: `/api/complaints/:caseNo/steps/${step}`,
        summary: `Complete the step ${step}`,
        tags: ['steps'],
        params: caseNoParam,
        description: SIGNED_STEPS[step] ? 'Signed electronically: send `password` (the signer re-enters it).' : undefined,
        body: z.object({ data: stepSchemas[step as HumanStep], lateReason, ...(SIGNED_STEPS[step] ? { password } : {}) }).strict(),
        roles: STEP_ROLES[step],
        responses: { 200: { description: 'The case state after the step' }, 401: err, ...refused },
      },
      async ({ params, body, req, res }) => {
        const timing = new ServerTiming(res.locals);
        const out = await steps.completeStep(params.caseNo, step, actor(req), body as { data: unknown; lateReason?: string; password?: string }, timing);
        res.setHeader('Server-Timing', timing.header());
        return out;
      },
    );
  }

  registry.add(
    router,
    {
      method: 'post',
      path: '/api/complaints/:caseNo/contact',
      summary: 'Record the first contact with the customer (stops the 12-hour clock)',
      description: 'Shortcut for steps/first_contact with a flat body.',
      tags: ['steps'],
      params: caseNoParam,
      body: stepSchemas.first_contact.extend({ lateReason }),
      roles: STEP_ROLES.first_contact,
      responses: { 200: { description: 'The case state after the step' }, ...refused },
    },
    async ({ params, body, req, res }) => {
      const { lateReason: late, ...data } = body;
      const timing = new ServerTiming(res.locals);
      const out = await steps.completeStep(params.caseNo, 'first_contact', actor(req), { data, lateReason: late }, timing);
      res.setHeader('Server-Timing', timing.header());
      return out;
    },
  );

  registry.add(
    router,
    {
      method: 'post',
      path: '/api/complaints/:caseNo/extensions',
      summary: "Move a running deadline with the customer's consent (§5.5)",
      description: 'Allowed only before the deadline passes; the original due time and every extension stay on record, and the outcome becomes met_after_extension.',
      tags: ['steps'],
      params: caseNoParam,
      body: requestSchemas.extendDeadline,
      roles: CASE_WORKER_ROLES,
      responses: { 200: { description: 'The clock after the extension' }, ...refused },
    },
    async ({ params, body, req }) => steps.extendDeadline(params.caseNo, actor(req), body),
  );

  registry.add(
    router,
    {
      method: 'post',
      path: '/api/complaints/:caseNo/compensation',
      summary: 'Record a compensation claim (理赔); the authority matrix names its approver',
      tags: ['steps'],
      params: caseNoParam,
      body: requestSchemas.compensation,
      roles: ['sales', 'qa_manager'],
      responses: { 200: { description: 'The compensation with its required approver role' }, ...refused },
    },
    async ({ params, body, req }) => steps.requestCompensation(params.caseNo, actor(req), body),
  );

  registry.add(
    router,
    {
      method: 'post',
      path: '/api/complaints/:caseNo/compensation/decision',
      summary: 'Approve or reject the compensation (only the role the authority matrix names; signed with the password)',
      tags: ['steps'],
      params: caseNoParam,
      body: requestSchemas.compensationDecision.extend({ password }),
      roles: [...CASE_WORKER_ROLES, 'management_rep'],
      responses: { 200: { description: 'The decided compensation' }, 401: err, ...refused },
    },
    async ({ params, body, req }) => steps.decideCompensation(params.caseNo, actor(req), body),
  );

  registry.add(
    router,
    {
      method: 'post',
      path: '/api/complaints/:caseNo/dismissal',
      summary: 'Record a decision not to investigate: unfounded, withdrawn or duplicate (QA manager)',
      description: 'ISO 13485 §8.2.2 / 21 CFR 820.198(b): the reason and the decider are recorded, the case closes, nothing is deleted.',
      tags: ['steps'],
      params: caseNoParam,
      body: requestSchemas.dismiss.safeExtend({ password }),
      roles: ['qa_manager'],
      responses: { 200: { description: 'The closed case state' }, 401: err, ...refused },
    },
    async ({ params, body, req }) => steps.dismiss(params.caseNo, actor(req), body),
  );

  const refParams = caseNoParam.extend({ ref: z.string().regex(/^(R\d+-)?[CPM]\d+$/, 'must look like P1, C2 or R2-P1') });

  registry.add(
    router,
    {
      method: 'get',
      path: '/api/complaints/:caseNo/countermeasures',
      summary: 'The countermeasures of a case with their status, due dates and effects',
      tags: ['steps'],
      params: caseNoParam,
      responses: { 200: { description: 'Countermeasures' }, 404: err },
    },
    async ({ params }) => {
      const c = await cases.get(params.caseNo);
      return ((c.data ?? {}) as { countermeasures?: unknown[] }).countermeasures ?? [];
    },
  );

  registry.add(
    router,
    {
      method: 'post',
      path: '/api/complaints/:caseNo/countermeasures/:ref/implementation',
      summary: 'Record that a countermeasure was carried out, and its effect (responsible department)',
      tags: ['steps'],
      params: refParams,
      body: requestSchemas.implementation.extend({ lateReason }),
      roles: ['department_owner', 'qa_engineer'],
      responses: { 200: { description: 'The countermeasure' }, ...refused },
    },
    async ({ params, body, req }) => steps.recordImplementation(params.caseNo, params.ref, actor(req), body),
  );

  const rprHandle = steps.rprHandle;

  registry.add(
    router,
    {
      method: 'get',
      path: '/api/complaints/:caseNo/recurrence-prevention',
      summary: 'The Recurrence Prevention Report (预防再发处理报告) of a serious case',
      tags: ['steps'],
      params: caseNoParam,
      responses: { 200: { description: 'Its state' }, 404: err },
    },
    async ({ params }) => (await rprHandle(params.caseNo)).state,
  );

  for (const step of Object.keys(rprStepSchemas) as RprStep[]) {
    registry.add(
      router,
      {
        method: 'post',
        path: `/api/complaints/:caseNo/recurrence-prevention/steps/${step}`,
        summary: `Recurrence Prevention Report: ${step}`,
        tags: ['steps'],
        params: caseNoParam,
        body: z.object({ data: rprStepSchemas[step], lateReason, ...(SIGNED_RPR_STEPS[step] ? { password } : {}) }).strict(),
        roles: RPR_STEP_ROLES[step],
        responses: { 200: { description: 'The report state after the step' }, 401: err, ...refused },
      },
      async ({ params, body, req }) =>
        steps.rprStep(params.caseNo, step, actor(req), body as { data: unknown; lateReason?: string; password?: string }),
    );
  }

  return router;
}
