/**
 * Warm-up of a case's workflow when somebody opens the case.
 *
 * A human step is posted from the case's page (or by a client that read the case first),
 * seconds after it was opened. A worker keeps a bounded number of workflows in its cache
 * (WORKER_MAX_CACHED_WORKFLOWS); a step on a case it no longer holds first waits for an
 * eviction, the case's history and a replay of it — the longer the case, the longer the wait.
 * Opening an open case therefore sends its workflow a query (the state query, answer
 * discarded), without waiting for it: the worker loads and replays the case while the person
 * reads and fills in the form, and the step that follows finds it cached. The same for the
 * case's open child workflows (countermeasures, Recurrence Prevention Report), whose steps are
 * posted from the same page.
 *
 * Bounded so that reading never loads the worker: at most `maxInFlight` warm-ups at once
 * (more are skipped, not queued), and a case warmed less than `ttlMs` ago is not warmed
 * again. Failures are only counted: the page and the step never depend on a warm-up.
 */
import type { Client } from '@temporalio/client';
import type { QueryDefinition } from '@temporalio/common';
import { caseStateQuery } from '../../workflows/messages';

export interface WarmUpOptions {
  /** A case warmed this recently is not warmed again (ms; default 30 s). */
  ttlMs?: number;
  /** A warm-up the worker has not answered by then is given up (ms; default 10 s). */
  timeoutMs?: number;
  /** Warm-ups running at once; more are skipped (default 8). */
  maxInFlight?: number;
}

export interface WarmUpStats {
  sent: number;
  /** Skipped: warmed within ttlMs, or maxInFlight already running. */
  skipped: number;
  failed: number;
  inFlight: number;
  /** The workflows warmed up last (at most 32), oldest first. */
  recent: string[];
}

export function createWarmUp(temporal: Client, options: WarmUpOptions = {}) {
  const ttlMs = options.ttlMs ?? 30_000;
  const maxInFlight = options.maxInFlight ?? 8;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const running = new Set<Promise<void>>();
  const abort = new AbortController();
  /** When each workflow was last warmed up; set only when absent, so the oldest come first. */
  const warmedAt = new Map<string, number>();
  const stats: WarmUpStats = { sent: 0, skipped: 0, failed: 0, inFlight: 0, recent: [] };

  function forgetOld(now: number): void {
    for (const [id, at] of warmedAt) {
      if (now - at < ttlMs) break;
      warmedAt.delete(id);
    }
  }

  return {
    /** Warm the workflow up in the background; the promise (for tests) settles when the worker has answered, or null when skipped. */
    warm(workflowId: string, query: QueryDefinition<unknown> = caseStateQuery): Promise<void> | null {
      const now = Date.now();
      forgetOld(now);
      if (warmedAt.has(workflowId) || stats.inFlight >= maxInFlight || abort.signal.aborted) {
        stats.skipped++;
        return null;
      }
      warmedAt.set(workflowId, now);
      stats.recent = [...stats.recent.slice(-31), workflowId];
      stats.sent++;
      stats.inFlight++;
      const done = temporal
        .withAbortSignal(abort.signal, () => temporal.withDeadline(now + timeoutMs, () => temporal.workflow.getHandle(workflowId).query(query)))
        .then(
          () => undefined,
          () => {
            stats.failed++;
            warmedAt.delete(workflowId);
          },
        )
        .finally(() => {
          stats.inFlight--;
          running.delete(done);
        });
      running.add(done);
      return done;
    },
    /**
     * Before the Temporal connection is closed: cancel the warm-ups still running and wait for
     * them (a call the client would retry after the connection is closed throws in a timer).
     */
    async close(): Promise<void> {
      abort.abort();
      await Promise.all(running);
    },
    stats(): WarmUpStats {
      return { ...stats };
    },
  };
}

export type WarmUp = ReturnType<typeof createWarmUp>;
