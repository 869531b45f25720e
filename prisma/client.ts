/** The Prisma client over the pg driver adapter (PGlite socket server or real PostgreSQL). */
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/client';

export type Db = PrismaClient;
export { Prisma } from './generated/client';
export type { Person } from './generated/client';

export function createPrisma(databaseUrl: string, poolSize = 10): PrismaClient {
  const adapter = new PrismaPg({ connectionString: databaseUrl, max: poolSize });
  return new PrismaClient({ adapter });
}
