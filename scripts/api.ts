/**
 * The API process: Express app (api/app.ts) + a periodic check that every recorded case
 * has its workflow running. Start as many as needed behind a load balancer.
 * Entry: `npm run api`.
 */
import http from 'node:http';
import { Client, Connection } from '@temporalio/client';
import { createApp } from '../api/app';
import { createPrisma } from '../prisma/client';
import { loadConfig, type Config } from './config';
import { createLogger } from './logger';
import { temporalConnectionOptions } from './temporal-connection';

export async function startApi(config: Config) {
  const log = createLogger('api', config.env.LOG_LEVEL);
  const connection = await Connection.connect(temporalConnectionOptions(config));
  const temporal = new Client({ connection, namespace: config.temporal.namespace });
  const db = createPrisma(config.databaseUrl, config.env.DATABASE_POOL_SIZE);
  const { app, cases } = createApp({
    db,
    temporal,
    log,
    taskQueue: config.temporal.taskQueue,
    documentsTaskQueue: config.temporal.documentsTaskQueue,
    namespace: config.temporal.namespace,
    timeZone: config.env.TIME_ZONE,
    publicUrl: config.publicUrl,
    company: config.company,
    outboxDir: config.env.SMTP_URL ? undefined : config.outboxDir,
    sessionTtlMs: config.env.SESSION_TTL_HOURS * 3600_000,
    retentionYears: config.env.RECORD_RETENTION_YEARS,
    policyName: config.env.DEADLINE_POLICY_NAME,
    attachmentMaxBytes: config.env.ATTACHMENT_MAX_BYTES,
    temporalUiUrl: config.env.TEMPORAL_UI_URL,
    warmUp: config.env.CASE_WARM_UP ? undefined : false,
  });
  const server = http.createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.env.PORT, config.env.HOST, resolve);
  });
  const reconcile = async () => {
    try {
      const n = await cases.startPendingWorkflows();
      if (n) log.warn({ started: n }, 'started workflows of recorded cases that had none');
      const interrupted = await cases.detectOperatorActions();
      if (interrupted) log.warn({ interrupted }, 'recorded operator actions (terminate / reset) on case workflows');
      const archived = await cases.archiveClosedHistories();
      if (archived) log.info({ archived }, 'archived closed workflow histories');
    } catch (err) {
      log.error({ err }, 'reconcile failed');
    }
  };
  void reconcile();
  const timer = setInterval(reconcile, 30_000).unref();
  const close = async () => {
    clearInterval(timer);
    await new Promise<void>((r) => server.close(() => r()));
    server.closeAllConnections();
    await cases.close();
    await db.$disconnect();
    await connection.close();
  };
  return { server, close, log };
}

if (require.main === module) {
  (async () => {
    const config = loadConfig();
    const { close, log } = await startApi(config);
    log.info({ url: config.publicUrl }, 'api listening');
    process.send?.({ ready: 'api' });
    const stop = async () => {
      await close();
      process.exit(0);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  })().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
