/**
 * The document worker: renders and files the official forms (PDF, templates/pdf) on the
 * documents task queue (DOCUMENTS_TASK_QUEUE). A process of its own so that rendering —
 * CPU-heavy, and tens of megabytes of CJK font data at work — never blocks the event loop
 * of the worker that answers the steps, nor adds to its memory; it runs at a lower CPU
 * priority (DOCUMENTS_NICE), so a backlog of forms yields to intake and steps and is
 * worked off after them. Start one or more beside the case workers. Entry:
 * `npm run worker:documents`.
 */
import os from 'node:os';
import { Worker } from '@temporalio/worker';
import { createDocumentActivities } from '../activities/documents';
import { createPrisma } from '../prisma/client';
import type { Config } from './config';
import { createLogger } from './logger';
import { runWorkerProcess, workerConnection } from './worker-process';

export async function createDocumentsWorker(config: Config) {
  const log = createLogger('documents', config.env.LOG_LEVEL);
  try {
    os.setPriority(config.env.DOCUMENTS_NICE);
  } catch (err) {
    log.warn({ err: (err as Error).message }, 'could not lower the CPU priority (DOCUMENTS_NICE)');
  }
  const connection = await workerConnection(config);
  // One query and one insert per form: a small pool is enough.
  const db = createPrisma(config.databaseUrl, Math.min(config.env.DATABASE_POOL_SIZE, config.env.DOCUMENTS_CONCURRENCY + 1));
  const worker = await Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.documentsTaskQueue,
    activities: createDocumentActivities({ db, timeZone: config.env.TIME_ZONE, company: config.company }),
    maxConcurrentActivityTaskExecutions: config.env.DOCUMENTS_CONCURRENCY,
  });
  const shutdown = async () => {
    await db.$disconnect();
    await connection.close();
  };
  return { worker, shutdown, log };
}

if (require.main === module) {
  runWorkerProcess('documents', createDocumentsWorker, (config) => ({ taskQueue: config.temporal.documentsTaskQueue, nice: os.getPriority() }));
}
