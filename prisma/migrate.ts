/**
 * Applies prisma/migrations/<name>/migration.sql files in order, recording them in
 * Prisma's own `_prisma_migrations` table (same columns and checksum: SHA-256 of the
 * file), so `prisma migrate status` / `prisma migrate deploy` agree with what ran here.
 *
 * Why not spawn `prisma migrate deploy` at start-up: with the JS schema engine the CLI
 * lingers ~10 s after finishing, which alone would break the 15-s start target.
 * Safe with several processes starting at once (advisory lock), each migration in its
 * own transaction.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';

const MIGRATIONS_DIR = path.join(__dirname, 'migrations');
const LOCK_ID = 72707369; // arbitrary, constant across processes

export interface MigrationResult {
  applied: string[];
  alreadyApplied: number;
}

export async function migrate(databaseUrl: string, dir = MIGRATIONS_DIR): Promise<MigrationResult> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [LOCK_ID]);
    await client.query(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
      "id" VARCHAR(36) PRIMARY KEY NOT NULL,
      "checksum" VARCHAR(64) NOT NULL,
      "finished_at" TIMESTAMPTZ,
      "migration_name" VARCHAR(255) NOT NULL,
      "logs" TEXT,
      "rolled_back_at" TIMESTAMPTZ,
      "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
      "applied_steps_count" INTEGER NOT NULL DEFAULT 0)`);
    const done = await client.query<{ migration_name: string; checksum: string }>(
      'SELECT migration_name, checksum FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
    );
    const applied = new Map(done.rows.map((r) => [r.migration_name, r.checksum]));
    const names = fs
      .readdirSync(dir, { withFileTypes: true })
      .filter((d) => d.isDirectory() && fs.existsSync(path.join(dir, d.name, 'migration.sql')))
      .map((d) => d.name)
      .sort();
    const result: MigrationResult = { applied: [], alreadyApplied: 0 };
    for (const name of names) {
      const sql = fs.readFileSync(path.join(dir, name, 'migration.sql'));
      const checksum = crypto.createHash('sha256').update(sql).digest('hex');
      const previous = applied.get(name);
      if (previous) {
        if (previous !== checksum) {
          throw new Error(`Migration ${name} was modified after it was applied (checksum differs). Add a new migration instead.`);
        }
        result.alreadyApplied++;
        continue;
      }
      await client.query('BEGIN');
      try {
        await client.query(sql.toString('utf8'));
        await client.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, applied_steps_count)
           VALUES ($1, $2, now(), $3, 1)`,
          [crypto.randomUUID(), checksum, name],
        );
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK');
        throw new Error(`Migration ${name} failed: ${(err as Error).message}`);
      }
      result.applied.push(name);
    }
    return result;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [LOCK_ID]).catch(() => undefined);
    await client.end();
  }
}

if (require.main === module) {
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error('DATABASE_URL is required');
    process.exit(2);
  }
  migrate(url).then(
    (r) => console.log(`applied ${r.applied.length} migration(s)${r.applied.length ? ': ' + r.applied.join(', ') : ''}; ${r.alreadyApplied} already applied`),
    (err) => {
      console.error(err.message);
      process.exit(1);
    },
  );
}
