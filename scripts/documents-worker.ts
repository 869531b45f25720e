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
import { NativeConnection, Runtime, Worker, makeTelemetryFilterString } from '@temporalio/worker';
import { createDocumentActivities } from '../activities/documents';
import { createPrisma } from '../prisma/client';
import { loadConfig, type Config } from './config';
import { createLogger } from './logger';
import { temporalConnectionOptions } from './temporal-connection';

export async function createDocumentsWorker(config: Config) {
  const log = createLogger('documents', config.env.LOG_LEVEL);
  try {
    os.setPriority(config.env.DOCUMENTS_NICE);
  } catch (err) {
    log.warn({ err: (err as Error).message }, 'could not lower the CPU priority (DOCUMENTS_NICE)');
  }
  Runtime.install({ telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'WARN' }), forward: {} } } });
  const connection = await NativeConnection.connect(temporalConnectionOptions(config));
  // One query and one insert per form: a small pool is enough.
  const db = createPrisma(config.databaseUrl, Math.min(config.env.DATABASE_POOL_SIZE, config.env.DOCUMENTS_CONCURRENCY + 1));
  const worker = await Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.documentsTaskQueue,
    activities: createDocumentActivities({ db, timeZone: config.env.TIME_ZONE, company: { name: config.env.COMPANY_NAME, nameEn: config.env.COMPANY_NAME_EN } }),
    maxConcurrentActivityTaskExecutions: config.env.DOCUMENTS_CONCURRENCY,
  });
  const shutdown = async () => {
    await db.$disconnect();
    await connection.close();
  };
  return { worker, shutdown, log };
}

if (require.main === module) {
  (async () => {
    const config = loadConfig();
    const { worker, shutdown, log } = await createDocumentsWorker(config);
    log.info({ taskQueue: config.temporal.documentsTaskQueue, nice: os.getPriority() }, 'document worker running');
    process.send?.({ ready: 'documents' });
    await worker.run();
    await shutdown();
    log.info('document worker stopped');
    process.exit(0);
  })().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
