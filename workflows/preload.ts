/**
 * Modules preloaded once into the worker's reusable V8 context and shared, frozen, by every
 * workflow (scripts/workflow-bundle.ts, PRELOAD_MODULES), instead of evaluated afresh for
 * each workflow the worker creates or replays. Stateless libraries only.
 */
import { z } from 'zod';

// zod fills in defaults of its global config (the English messages, the parse memoizer) on
// first use. Shared modules are frozen once this has run, so use it here first: build and
// parse (and fail) the kinds of schema the steps use.
const warmUp = z.discriminatedUnion('k', [
  z.object({ k: z.literal('a'), at: z.iso.datetime({ offset: true }), list: z.array(z.string().trim().min(1)).min(1), e: z.enum(['x', 'y']) }).strict(),
  z.object({ k: z.literal('b'), n: z.number().int().optional(), b: z.boolean().default(false) }).strict(),
]);
warmUp.safeParse({ k: 'a', at: '2026-01-01T00:00:00Z', list: ['x'], e: 'x' });
warmUp.safeParse({ k: 'a', at: 'not a date', list: [], e: 'z', extra: 1 });
warmUp.safeParse({ k: 'c' });

export { z };
