/**
 * Temporal event histories of the case workflows: archived into PostgreSQL (table
 * history_archive) so the audit timeline and replay still work after Temporal's
 * retention removed them, and read back — from Temporal while it has the history,
 * from the archive afterwards.
 */
import { ApplicationFailure } from '@temporalio/activity';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { historyFromJSON, historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { temporal } from '@temporalio/proto';
import type { Db } from '../prisma/client';
import { sha256 } from './hash';

export type History = temporal.api.history.v1.IHistory;

export interface AuditDeps {
  db: Db;
  /** Client of the Temporal namespace the workflows run in (the worker passes its own). */
  temporal?: Client;
}

export interface ArchiveInput {
  caseId: string | null;
  workflowId: string;
  runId: string;
}

export interface ArchiveResult {
  created: boolean;
  eventCount: number;
  sha256: string;
}

/** Store one run's history as JSON text; the same (workflow, run, length) is stored once. */
export async function archiveWorkflowHistory(db: Db, client: Client, input: ArchiveInput): Promise<ArchiveResult> {
  const history = await client.workflow.getHandle(input.workflowId, input.runId).fetchHistory();
  const json = historyToJSON(history);
  const digest = sha256(json);
  const eventCount = history.events?.length ?? 0;
  const r = await db.historyArchive.createMany({
    data: [{ caseId: input.caseId, workflowId: input.workflowId, runId: input.runId, eventCount, history: json, sha256: digest }],
    skipDuplicates: true,
  });
  if (r.count > 0) return { created: true, eventCount, sha256: digest };
  // Already archived at this length (the last, still-open workflow task may differ in detail: the stored copy wins).
  const stored = await db.historyArchive.findUniqueOrThrow({
    where: { workflowId_runId_eventCount: { workflowId: input.workflowId, runId: input.runId, eventCount } },
    select: { sha256: true },
  });
  return { created: false, eventCount, sha256: stored.sha256 };
}

export function createAuditActivities(deps: AuditDeps) {
  return {
    /** Archive the workflow's event history as it is now (idempotent per workflow, run and event count). */
    async archiveHistory(input: ArchiveInput): Promise<ArchiveResult> {
      if (!deps.temporal) throw ApplicationFailure.nonRetryable('No Temporal client configured for archiveHistory', 'NotConfigured');
      return archiveWorkflowHistory(deps.db, deps.temporal, input);
    },
  };
}

const isNotFound = (err: unknown) =>
  err instanceof WorkflowNotFoundError || (err as { code?: number })?.code === 5 /* gRPC NOT_FOUND */ || (err as { cause?: { code?: number } })?.cause?.code === 5;

export interface LoadedHistory {
  source: 'temporal' | 'archive';
  history: History;
  /** The history in replayable JSON form (as stored, for the archive). */
  json: string;
  runId?: string;
  archivedAt?: Date;
}

/**
 * The workflow's history from Temporal, or — when Temporal no longer has it — the longest
 * archived one. Null when neither has it.
 */
export async function loadWorkflowHistory(db: Db, client: Client | undefined, workflowId: string, runId?: string): Promise<LoadedHistory | null> {
  if (client) {
    try {
      const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
      if (history.events?.length) {
        const started = history.events[0].workflowExecutionStartedEventAttributes;
        return { source: 'temporal', history, json: historyToJSON(history), runId: runId ?? started?.originalExecutionRunId ?? undefined };
      }
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
  const row = await db.historyArchive.findFirst({
    where: { workflowId, ...(runId ? { runId } : {}) },
    orderBy: [{ createdAt: 'desc' }, { eventCount: 'desc' }],
  });
  if (!row) return null;
  if (sha256(row.history) !== row.sha256) throw new Error(`Archived history of ${workflowId} (${row.runId}) does not match its SHA-256`);
  return { source: 'archive', history: historyFromJSON(JSON.parse(row.history)), json: row.history, runId: row.runId, archivedAt: row.createdAt };
}
