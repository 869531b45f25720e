/**
 * The worker process: runs the complaint workflows and their activities on the task
 * queue. Start as many as needed (production: N workers against one Temporal cluster
 * and one PostgreSQL). Entry: `npm run worker`.
 */
import path from 'node:path';
import { Client } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { createActivities } from '../activities';
import { createMailTransport } from '../activities/mail/transport';
import { createPrisma } from '../prisma/client';
import type { Config } from './config';
import { createLogger } from './logger';
import { ensureSearchAttributes } from './search-attributes';
import { ensureSchedules } from './schedules';
import { parseDuration } from '../activities/calendar/duration';
import { runWorkerProcess, workerConnection } from './worker-process';
import { cachedWorkflowBundle } from './workflow-bundle';

export async function createWorker(config: Config) {
  const log = createLogger('worker', config.env.LOG_LEVEL);
  const connection = await workerConnection(config);
  await ensureSearchAttributes(connection, config.temporal.namespace, log);
  await ensureSchedules(connection, { namespace: config.temporal.namespace, taskQueue: config.temporal.taskQueue, timeZone: config.env.TIME_ZONE }, log).catch((err) =>
    log.warn({ err: (err as Error).message }, 'could not create or update the schedules (daily-digest, monthly-review, quarterly-survey); the next worker start tries again'),
  );
  const db = createPrisma(config.databaseUrl, config.env.DATABASE_POOL_SIZE);
  const transport = createMailTransport({ smtpUrl: config.env.SMTP_URL, outboxDir: config.outboxDir, from: config.env.MAIL_FROM });
  const fromAddress = /<([^>]+)>/.exec(config.env.MAIL_FROM)?.[1] ?? config.env.MAIL_FROM;
  const activities = createActivities({
    db,
    transport,
    publicUrl: config.publicUrl,
    timeZone: config.env.TIME_ZONE,
    mailGiveUpAfterMs: parseDuration(config.env.MAIL_GIVE_UP_AFTER).ms,
    mailDomain: fromAddress.split('@')[1] ?? 'localhost',
    fromAddress,
    company: config.company,
    temporal: new Client({ connection, namespace: config.temporal.namespace }),
    linkSecret: config.linkSecret(),
    csi: { ...config.csi, calendarPolicy: config.env.DEADLINE_POLICY_NAME },
  });
  const worker = await Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    workflowBundle: await cachedWorkflowBundle(path.join(config.dataDir, 'cache')),
    activities,
    maxCachedWorkflows: config.env.WORKER_MAX_CACHED_WORKFLOWS,
    maxConcurrentActivityTaskExecutions: config.env.WORKER_MAX_CONCURRENT_ACTIVITIES,
    maxConcurrentLocalActivityExecutions: config.env.WORKER_MAX_CONCURRENT_LOCAL_ACTIVITIES,
  });
  const shutdown = async () => {
    transport.close();
    await db.$disconnect();
    await connection.close();
  };
  return { worker, shutdown, log };
}

if (require.main === module) {
  runWorkerProcess('worker', createWorker, (config) => ({ taskQueue: config.temporal.taskQueue, address: config.temporal.address }));
}
