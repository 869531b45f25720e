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

/**
 * One statement built with Prisma.sql (its `text` has $1 … placeholders), sent straight through
 * the driver pool that Prisma's adapter uses: for the few statements that every intake, step or
 * request runs. Even a raw query through Prisma goes through its query compiler (wasm), which
 * cost the API and the worker more CPU than the statement itself. Any other client (an
 * extended one, a test double): through Prisma's $queryRaw, with the same result.
 */
export async function query<T>(db: Db, q: Prisma.Sql): Promise<T[]> {
  const pool = pools.get(db);
  if (pool) return (await pool.query(q.text, q.values)).rows as T[];
  return db.$queryRaw<T[]>(q);
}

/** A unique-constraint violation, from a Prisma query, a raw statement or the driver (SQLSTATE 23505). */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; meta?: { code?: string; driverAdapterError?: { cause?: { originalCode?: string; kind?: string } } }; message?: string };
  if (e?.code === 'P2002' || e?.code === '23505') return true;
  if (e?.meta?.code === '23505' || e?.meta?.driverAdapterError?.cause?.originalCode === '23505') return true;
  return /23505|unique constraint/i.test(e?.message ?? '');
}

/** As `query`, for a statement without result rows: the number of rows it changed. */
export async function execute(db: Db, q: Prisma.Sql): Promise<number> {
  const pool = pools.get(db);
  if (pool) return (await pool.query(q.text, q.values)).rowCount ?? 0;
  return db.$executeRaw(q);
}
