/** The Prisma client over the pg driver adapter (PGlite socket server or real PostgreSQL). */
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { Prisma, PrismaClient } from './generated/client';

export type Db = PrismaClient;
export { Prisma };
export type { Person } from './generated/client';

/** The driver's pool under each client made by createPrisma (the adapter's own). */
const pools = new WeakMap<object, pg.Pool>();

export function createPrisma(databaseUrl: string, poolSize = 10): PrismaClient {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: poolSize });
  const client = new PrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) });
  pools.set(client, pool);
  return client;
}

/** A statement built with Prisma.sql (its `text` has $1 … placeholders), through `sql` below. */
export async function query<T>(db: Db, q: Prisma.Sql): Promise<T[]> {
  return sql<T>(db, q.text, q.values);
}

/** As `query`, for a statement without result rows: the number of rows it changed. */
export async function execute(db: Db, q: Prisma.Sql): Promise<number> {
  const pool = pools.get(db);
  if (pool) return (await pool.query(q.text, q.values)).rowCount ?? 0;
  return db.$executeRaw(q);
}

/**
 * One SQL statement with positional parameters ($1, $2 …), sent straight through the driver
 * pool that Prisma's adapter uses: for the few statements that every intake or step runs.
 * Even a raw query through Prisma goes through its query compiler (wasm), which cost the
 * API and the worker more CPU than the statement itself. Any other client (a transaction,
 * a test double): through Prisma's $queryRawUnsafe, with the same result.
 */
export async function sql<T>(db: Db, text: string, values: unknown[] = []): Promise<T[]> {
  const pool = pools.get(db);
  if (pool) return (await pool.query(text, values)).rows as T[];
  return db.$queryRawUnsafe<T[]>(text, ...values);
}
