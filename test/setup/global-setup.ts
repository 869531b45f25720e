/**
 * One Temporal dev server (in memory, headless) and one database for the whole jest run:
 * PGlite behind its socket server by default, or the real PostgreSQL in DATABASE_URL
 * (its `public` schema is reset first). Migrations are applied and the seed loaded.
 * Test files read TEST_TEMPORAL_ADDRESS / TEST_DATABASE_URL.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { createAuth } from '../../api/auth';
import { TEST_PASSWORD } from '../helpers';
import { createPrisma } from '../../prisma/client';
import { migrate } from '../../prisma/migrate';
import { readSeedFile, seed } from '../../prisma/seed';
import { freePort, startPglite, startTemporal, type Service } from '../../scripts/services';

export { freePort };
import { ensureTemporalCli } from '../../scripts/temporal-cli';


declare global {
  // eslint-disable-next-line no-var
  var __TEST_SERVICES__: { services: Service[]; tmp: string } | undefined;
}

export default async function globalSetup(): Promise<void> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'qms-test-'));
  const services: Service[] = [];
  globalThis.__TEST_SERVICES__ = { services, tmp };

  const cli = await ensureTemporalCli((l) => process.stderr.write(l + '\n'));
  const temporalPort = await freePort();
  const temporal = startTemporal({ binary: cli.path, port: temporalPort, namespace: 'default', headless: true, logFile: path.join(tmp, 'temporal.log') });

  let databaseUrl = process.env.DATABASE_URL;
  if (databaseUrl) {
    const c = new Client({ connectionString: databaseUrl });
    await c.connect();
    await c.query('DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;');
    await c.end();
  } else {
    const port = await freePort();
    services.push(await startPglite({ dataDir: path.join(tmp, 'pglite'), port, logFile: path.join(tmp, 'pglite.log') }));
    databaseUrl = `postgresql://postgres:postgres@127.0.0.1:${port}/postgres?sslmode=disable`;
  }
  await migrate(databaseUrl);
  const db = createPrisma(databaseUrl, 2);
  const seedFile = readSeedFile(path.join(__dirname, '..', '..', 'prisma', 'seed-data.json'));
  await seed(db, seedFile);
  // Every seeded person signs in with the same test password (test/helpers.ts TEST_PASSWORD),
  // except the administrator, whose generated first password must be changed (test/auth.test.ts).
  const auth = createAuth({ db });
  for (const p of seedFile.people.filter((p) => p.role !== 'admin')) await auth.setPassword(p.id, TEST_PASSWORD, false);
  await db.$disconnect();
  services.push(await temporal);

  process.env.TEST_TEMPORAL_ADDRESS = `127.0.0.1:${temporalPort}`;
  process.env.TEST_DATABASE_URL = databaseUrl;
  process.env.TEST_DATABASE_KIND = process.env.DATABASE_URL ? 'postgresql' : 'pglite';
  process.stderr.write(`\n[test setup] Temporal ${process.env.TEST_TEMPORAL_ADDRESS}, database ${process.env.TEST_DATABASE_KIND}, logs ${tmp}\n`);
}
