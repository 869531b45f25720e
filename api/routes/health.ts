/**
 * Liveness and readiness: /healthz answers while the process runs; /readyz checks Temporal and
 * the database, and reports (without gating on it: intake works without workers) how many
 * workers poll the case queue and the document queue — a queue nobody polls means cases or
 * forms wait.
 */
import { Router } from 'express';
import type { Client } from '@temporalio/client';
import { temporal as proto } from '@temporalio/proto';
import type { Db } from '../../prisma/client';
import type { RouteRegistry } from '../registry';

export function healthRoutes(registry: RouteRegistry, deps: { db: Db; temporal: Client; namespace: string; taskQueue: string; documentsTaskQueue?: string }): Router {
  const router = Router();
  registry.add(
    router,
    { method: 'get', path: '/healthz', summary: 'Liveness', tags: ['health'], responses: { 200: { description: 'Alive' } } },
    () => ({ status: 'ok' }),
  );
  registry.add(
    router,
    {
      method: 'get',
      path: '/readyz',
      summary: 'Readiness: Temporal and the database reachable',
      tags: ['health'],
      responses: { 200: { description: 'Ready' }, 503: { description: 'Not ready' } },
    },
    async ({ res }) => {
      const withTimeout = <T>(p: Promise<T>) =>
        Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout after 3 s')), 3000).unref())]);
      const check = async (fn: () => Promise<unknown>) => {
        const t = Date.now();
        try {
          await withTimeout(fn());
          return { ok: true, ms: Date.now() - t };
        } catch (e) {
          return { ok: false, ms: Date.now() - t, error: (e as Error).message };
        }
      };
      const [database, temporal] = await Promise.all([
        check(() => deps.db.$queryRaw`SELECT 1`),
        check(() => deps.temporal.workflowService.describeNamespace({ namespace: deps.namespace })),
      ]);
      const ok = database.ok && temporal.ok;
      const pollers = async (taskQueue: string, type: proto.api.enums.v1.TaskQueueType) => {
        try {
          const r = await withTimeout(deps.temporal.workflowService.describeTaskQueue({ namespace: deps.namespace, taskQueue: { name: taskQueue }, taskQueueType: type }));
          return { taskQueue, pollers: r.pollers?.length ?? 0 };
        } catch (e) {
          return { taskQueue, pollers: null, error: (e as Error).message };
        }
      };
      const TYPE = proto.api.enums.v1.TaskQueueType;
      const documentsQueue = deps.documentsTaskQueue ?? deps.taskQueue;
      const workers = temporal.ok
        ? Object.fromEntries(
            await Promise.all([
              pollers(deps.taskQueue, TYPE.TASK_QUEUE_TYPE_WORKFLOW).then((r) => ['cases', r] as const),
              pollers(documentsQueue, TYPE.TASK_QUEUE_TYPE_ACTIVITY).then((r) => ['documents', r] as const),
            ]),
          )
        : undefined;
      res.status(ok ? 200 : 503).json({ status: ok ? 'ready' : 'not_ready', database, temporal, workers });
    },
  );
  return router;
}
