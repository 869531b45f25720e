/** Register the workflows' search attributes on a Temporal namespace if they are missing. */
import type { NativeConnection } from '@temporalio/worker';
import type { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { Logger } from 'pino';
import { SEARCH_ATTRIBUTES } from '../workflows/search-attributes';

const TYPES = temporal.api.enums.v1.IndexedValueType;

export async function ensureSearchAttributes(connection: NativeConnection | Connection, namespace: string, log: Logger): Promise<void> {
  try {
    const existing = await connection.operatorService.listSearchAttributes({ namespace });
    const have = { ...existing.customAttributes, ...existing.systemAttributes };
    const missing = Object.entries(SEARCH_ATTRIBUTES).filter(([name]) => !(name in have));
    if (!missing.length) return;
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(
        missing.map(([name, type]) => [name, type === 'Bool' ? TYPES.INDEXED_VALUE_TYPE_BOOL : TYPES.INDEXED_VALUE_TYPE_KEYWORD]),
      ),
    });
    log.info({ added: missing.map(([n]) => n) }, 'registered search attributes');
  } catch (err) {
    // Temporal Cloud registers them with tcld / the cloud UI; say so instead of failing.
    log.warn({ err: (err as Error).message }, `could not register search attributes ${Object.keys(SEARCH_ATTRIBUTES).join(', ')}; register them on the namespace`);
  }
}
