/**
 * `npm start`: the whole product on embedded defaults — Temporal dev server (SQLite under
 * DATA_DIR), PGlite (under DATA_DIR), migrations and seed, the case worker, the document
 * worker (forms, at a lower CPU priority), the API with its
 * pages, and the mail outbox — then prints where everything is. Ctrl-C stops it all;
 * running it again keeps every case. Set TEMPORAL_ADDRESS / DATABASE_URL / SMTP_URL to
 * use real infrastructure instead of the embedded parts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { migrate } from '../prisma/migrate';
import { createPrisma } from '../prisma/client';
import { readSeedFile, seed, type SeedResult } from '../prisma/seed';
import { loadConfig } from './config';
import { assertPortFree, startNodeProcess, startPglite, startTemporal, workerProcessEnv, type Service } from './services';
import { ensureTemporalCli } from './temporal-cli';

async function main(): Promise<void> {
  const t0 = Date.now();
  const config = loadConfig();
  const { env } = config;
  fs.mkdirSync(config.dataDir, { recursive: true });
  fs.mkdirSync(config.outboxDir, { recursive: true });
  const logs = path.join(config.dataDir, 'logs');
  fs.mkdirSync(logs, { recursive: true });
  const services: Service[] = [];
  let stopping = false;
  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping…');
    for (const s of [...services].reverse()) await s.stop();
    process.exit(code);
  };
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));

  try {
    const host = '127.0.0.1';
    let seeded: SeedResult | undefined;
    await assertPortFree(env.PORT, env.HOST, 'API', 'PORT');
    const database = (async () => {
      if (config.embeddedDatabase) {
        await assertPortFree(env.PGLITE_PORT, host, 'PGlite', 'PGLITE_PORT');
        services.push(await startPglite({ dataDir: path.join(config.dataDir, 'pglite'), port: env.PGLITE_PORT, logFile: path.join(logs, 'pglite.log') }));
      }
      await migrate(config.databaseUrl);
      const db = createPrisma(config.databaseUrl, 2);
      try {
        seeded = await seed(db, readSeedFile(path.resolve(env.SEED_FILE), env.DEADLINE_POLICY_FILE && path.resolve(env.DEADLINE_POLICY_FILE)), {
          policy: env.DEADLINE_POLICY_FILE ? 'apply' : 'if-missing',
          adminEmail: env.ADMIN_EMAIL,
          adminPassword: env.ADMIN_PASSWORD,
        });
      } finally {
        await db.$disconnect();
      }
    })();
    const temporal = (async () => {
      if (!config.embeddedTemporal) return;
      await assertPortFree(env.TEMPORAL_PORT, host, 'Temporal frontend', 'TEMPORAL_PORT');
      await assertPortFree(env.TEMPORAL_UI_PORT, host, 'Temporal UI', 'TEMPORAL_UI_PORT');
      const cli = await ensureTemporalCli();
      services.push(
        await startTemporal({
          binary: cli.path,
          port: env.TEMPORAL_PORT,
          uiPort: env.TEMPORAL_UI_PORT,
          dbFile: path.join(config.dataDir, 'temporal.db'),
          sqlitePragmas: env.TEMPORAL_SQLITE_PRAGMAS.split(',').map((p) => p.trim()).filter(Boolean),
          namespace: config.temporal.namespace,
          logFile: path.join(logs, 'temporal.log'),
        }),
      );
    })();
    await Promise.all([database, temporal]);

    const temporalUiUrl = config.embeddedTemporal ? `http://${host}:${env.TEMPORAL_UI_PORT}` : undefined;
    const childEnv = {
      ...process.env,
      DATA_DIR: config.dataDir,
      DATABASE_URL: config.databaseUrl,
      TEMPORAL_ADDRESS: config.temporal.address,
      ...(temporalUiUrl && !env.TEMPORAL_UI_URL ? { TEMPORAL_UI_URL: temporalUiUrl } : {}),
    };
    const separateDocuments = config.temporal.documentsTaskQueue !== config.temporal.taskQueue;
    const started = await Promise.all([
      startNodeProcess('worker', path.join(__dirname, 'worker.ts'), workerProcessEnv(childEnv, env), path.join(logs, 'worker.log')),
      ...(separateDocuments ? [startNodeProcess('documents', path.join(__dirname, 'documents-worker.ts'), childEnv, path.join(logs, 'documents.log'))] : []),
      startNodeProcess('api', path.join(__dirname, 'api.ts'), childEnv, path.join(logs, 'api.log')),
    ]);
    services.push(...started);
    for (const s of started) {
      s.child.once('exit', (code) => {
        if (!stopping) {
          console.error(`${s.name} exited unexpectedly (code ${code}); see ${path.join(logs, s.name + '.log')}`);
          void stopAll(1);
        }
      });
    }

    const line = (k: string, v: string) => console.log(`  ${k.padEnd(14)} ${v}`);
    console.log(`\nQMS complaints is ready (${((Date.now() - t0) / 1000).toFixed(1)} s)\n`);
    line('Web / API', config.publicUrl + '/');
    line('OpenAPI', config.publicUrl + '/api/openapi.json');
    line('Temporal', config.temporal.address + (config.embeddedTemporal ? ' (embedded dev server)' : ''));
    if (temporalUiUrl) line('Temporal UI', temporalUiUrl);
    line('Database', config.embeddedDatabase ? `PGlite ${config.databaseUrl}` : 'DATABASE_URL');
    line('Mail', env.SMTP_URL ? 'SMTP (SMTP_URL)' : `outbox ${config.outboxDir}  →  ${config.publicUrl}/outbox/`);
    line('Data', config.dataDir);
    line('Logs', logs);
    if (seeded?.admin.initialPassword) {
      console.log(`\nFirst sign-in: ${seeded.admin.email} with the password ${seeded.admin.initialPassword}\n(shown only now; it must be changed at the first sign-in).`);
    }
    console.log('\nCtrl-C stops everything; data is kept for the next start.');
  } catch (err) {
    console.error(`\nStart-up failed: ${(err as Error).message}`);
    await stopAll(1);
  }
}

void main();
