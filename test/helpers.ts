/** Shared test helpers: connections to the run's Temporal server and database, unique ids. */
import crypto from 'node:crypto';
import { createPrisma, type Db } from '../prisma/client';

export function testEnv(): { temporalAddress: string; databaseUrl: string } {
  const temporalAddress = process.env.TEST_TEMPORAL_ADDRESS;
  const databaseUrl = process.env.TEST_DATABASE_URL;
  if (!temporalAddress || !databaseUrl) throw new Error('Run through jest with test/setup/global-setup.ts (npm test)');
  return { temporalAddress, databaseUrl };
}

export function testDb(): Db {
  return createPrisma(testEnv().databaseUrl, 5);
}

/** The password of every seeded person in tests (set by the global setup). */
export const TEST_PASSWORD = 'test-password-0123';

export const uid = (prefix: string) => `${prefix}-${crypto.randomUUID().slice(0, 8)}`;

/** Poll until `fn` returns a truthy value or the timeout passes. */
export async function eventually<T>(fn: () => Promise<T | undefined | null | false>, timeoutMs = 15_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
