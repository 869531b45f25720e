/**
 * /api/audit — the case audit trail (审计追踪) for auditors: chain verification, the
 * timeline (audit records merged with the Temporal event history of the case workflow)
 * and the raw history in the JSON form `Worker.runReplayHistory` reads. Histories come
 * from Temporal, or from the archive (history_archive) once Temporal no longer has them.
 */
import { Router, type RequestHandler } from 'express';
import type { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { temporal as proto } from '@temporalio/proto';
import { z } from 'zod';
import { loadWorkflowHistory, type History } from '../../activities/audit';
import { verifyAllChains, verifyCaseChain } from '../../activities/audit-chain';
import type { Db } from '../../prisma/client';
import { notFound } from '../errors';
import { renderAuditTrail } from '../../templates/pdf/audit-trail';
import { READ_ALL_ROLES } from '../roles';
import type { RouteRegistry } from '../registry';
import { contentDisposition } from '../content-disposition';

export interface AuditRouteDeps {
  db: Db;
  temporal?: Client;
  /** Middleware in front of every /api/audit route, e.g. [auth.authenticate(), requireRole('auditor', 'qa_manager', 'admin')]. */
  guard?: RequestHandler[];
  timeZone?: string;
  company?: { name: string; nameEn: string };
}

const caseParams = z.object({ caseNo: z.string().min(1) });

type Payloads = proto.api.common.v1.IPayloads | null | undefined;

function decode(payloads: Payloads): unknown[] {
  return (payloads?.payloads ?? []).map((p) => {
    try {
      return defaultPayloadConverter.fromPayload(p);
    } catch {
      return { undecodable: true, encoding: p.metadata?.encoding ? Buffer.from(p.metadata.encoding).toString() : undefined };
    }
  });
}

/** Timestamp / Duration → ms; `seconds` is a Long from Temporal, a number or string after historyFromJSON. */
const ms = (d: { seconds?: unknown; nanos?: number | null } | null | undefined) =>
  d ? Number(String(d.seconds ?? 0)) * 1000 + Math.floor((d.nanos ?? 0) / 1e6) : undefined;

export interface TimelineEntry {
  at: string;
  source: 'audit' | 'temporal';
  kind: string;
  [k: string]: unknown;
}

/** The history events an auditor reads (workflow-task bookkeeping left out unless `all`). */
export function historyTimeline(history: History, opts: { all?: boolean } = {}): TimelineEntry[] {
  const out: TimelineEntry[] = [];
  const activities = new Map<string, string>();
  const timers = new Map<string, string>();
  for (const ev of history.events ?? []) {
    const type = (proto.api.enums.v1.EventType[ev.eventType ?? 0] ?? String(ev.eventType)).replace(/^EVENT_TYPE_/, '').toLowerCase();
    const eventId = Number(ev.eventId);
    const at = new Date(ms(ev.eventTime) ?? 0).toISOString();
    const base = { at, source: 'temporal' as const, eventId, kind: type };
    let detail: Record<string, unknown> | null = null;
    if (ev.workflowExecutionStartedEventAttributes) {
      const a = ev.workflowExecutionStartedEventAttributes;
      detail = { workflowType: a.workflowType?.name, taskQueue: a.taskQueue?.name, args: decode(a.input), runId: a.originalExecutionRunId };
    } else if (ev.timerStartedEventAttributes) {
      const a = ev.timerStartedEventAttributes;
      timers.set(String(eventId), a.timerId ?? '');
      const d = ms(a.startToFireTimeout);
      detail = { timerId: a.timerId, durationMs: d, firesAt: d !== undefined ? new Date(Date.parse(at) + d).toISOString() : undefined };
    } else if (ev.timerFiredEventAttributes) {
      detail = { timerId: ev.timerFiredEventAttributes.timerId, startedEventId: Number(ev.timerFiredEventAttributes.startedEventId) };
    } else if (ev.timerCanceledEventAttributes) {
      detail = { timerId: ev.timerCanceledEventAttributes.timerId, startedEventId: Number(ev.timerCanceledEventAttributes.startedEventId) };
    } else if (ev.workflowExecutionUpdateAcceptedEventAttributes) {
      const a = ev.workflowExecutionUpdateAcceptedEventAttributes;
      detail = {
        updateId: a.acceptedRequest?.meta?.updateId ?? a.protocolInstanceId,
        name: a.acceptedRequest?.input?.name,
        args: decode(a.acceptedRequest?.input?.args),
        identity: a.acceptedRequest?.meta?.identity,
      };
    } else if (ev.workflowExecutionUpdateCompletedEventAttributes) {
      const a = ev.workflowExecutionUpdateCompletedEventAttributes;
      detail = {
        updateId: a.meta?.updateId,
        result: a.outcome?.success ? decode(a.outcome.success)[0] : undefined,
        failure: a.outcome?.failure?.message ?? undefined,
      };
    } else if (ev.workflowExecutionSignaledEventAttributes) {
      const a = ev.workflowExecutionSignaledEventAttributes;
      detail = { signalName: a.signalName, args: decode(a.input), identity: a.identity };
    } else if (ev.activityTaskScheduledEventAttributes) {
      const a = ev.activityTaskScheduledEventAttributes;
      activities.set(String(eventId), a.activityType?.name ?? '');
      detail = { activityId: a.activityId, activityType: a.activityType?.name, args: decode(a.input) };
    } else if (ev.activityTaskStartedEventAttributes) {
      if (!opts.all) continue;
      const a = ev.activityTaskStartedEventAttributes;
      detail = { scheduledEventId: Number(a.scheduledEventId), attempt: a.attempt, activityType: activities.get(String(a.scheduledEventId)) };
    } else if (ev.activityTaskCompletedEventAttributes) {
      const a = ev.activityTaskCompletedEventAttributes;
      detail = { scheduledEventId: Number(a.scheduledEventId), activityType: activities.get(String(a.scheduledEventId)), result: decode(a.result)[0] };
    } else if (ev.activityTaskFailedEventAttributes) {
      const a = ev.activityTaskFailedEventAttributes;
      detail = { scheduledEventId: Number(a.scheduledEventId), activityType: activities.get(String(a.scheduledEventId)), failure: a.failure?.message };
    } else if (ev.activityTaskTimedOutEventAttributes) {
      const a = ev.activityTaskTimedOutEventAttributes;
      detail = { scheduledEventId: Number(a.scheduledEventId), activityType: activities.get(String(a.scheduledEventId)), failure: a.failure?.message };
    } else if (ev.markerRecordedEventAttributes) {
      // Local activities (the case's database writes) and patch markers (versioned code).
      const a = ev.markerRecordedEventAttributes;
      const details = (a.details ?? {}) as Record<string, Parameters<typeof decode>[0]>;
      if (a.markerName === 'core_local_activity') {
        const data = (decode(details.data)[0] ?? {}) as { activity_type?: string; activity_id?: string; attempt?: number };
        const result = decode(details.result)[0] as { writes?: string[] } | undefined;
        // A batch of the case's writes (activities/write-batch.ts) names the writes it made.
        const writes = data.activity_type === 'writeBatch' ? result?.writes : undefined;
        out.push({ ...base, kind: 'local_activity_completed', activityType: data.activity_type, activityId: data.activity_id, attempt: data.attempt, writes, result, failure: a.failure?.message ?? undefined });
      } else if (a.markerName === 'core_patch') {
        const data = (decode(details['patch-data'])[0] ?? {}) as { id?: string };
        out.push({ ...base, kind: 'patch_recorded', patchId: data.id });
      } else if (opts.all) {
        out.push({ ...base, markerName: a.markerName });
      }
      continue;
    } else if (ev.workflowExecutionCompletedEventAttributes) {
      detail = { result: decode(ev.workflowExecutionCompletedEventAttributes.result)[0] };
    } else if (ev.workflowExecutionFailedEventAttributes) {
      detail = { failure: ev.workflowExecutionFailedEventAttributes.failure?.message };
    } else if (ev.upsertWorkflowSearchAttributesEventAttributes || ev.workflowPropertiesModifiedEventAttributes || type.startsWith('workflow_task_')) {
      if (!opts.all) continue;
      detail = {};
    } else {
      detail = {};
    }
    out.push({ ...base, ...detail });
  }
  return out;
}

export function auditRoutes(registry: RouteRegistry, deps: AuditRouteDeps): Router {
  const router = Router();
  const { db } = deps;
  if (deps.guard?.length) router.use('/api/audit', ...deps.guard);

  const caseOf = async (caseNo: string) => {
    const c = await db.complaintCase.findUnique({ where: { caseNo }, select: { id: true, caseNo: true, workflowId: true } });
    if (!c) throw notFound(`Case ${caseNo}`);
    return c;
  };

  /** Audit records merged with the workflow's Temporal history (or its archive). */
  async function timelineOf(c: { id: string; caseNo: string; workflowId: string }, all: boolean) {
      const [events, chain, loaded] = await Promise.all([
        db.caseEvent.findMany({ where: { caseId: c.id }, orderBy: { seq: 'asc' } }),
        verifyCaseChain(db, c.id),
        loadWorkflowHistory(db, deps.temporal, c.workflowId),
      ]);
      const audit: TimelineEntry[] = events.map((e) => ({
        at: e.at.toISOString(),
        source: 'audit',
        kind: e.kind,
        seq: e.seq,
        actor: e.actor,
        data: e.data,
        before: e.before ?? undefined,
        after: e.after ?? undefined,
        hash: e.hash,
        prevHash: e.prevHash,
      }));
      const history = loaded ? historyTimeline(loaded.history, { all: all }) : [];
      // Stable merge by time; at equal times audit records follow the history event that caused them.
      const entries = [...history, ...audit].sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || (a.source === b.source ? 0 : a.source === 'temporal' ? -1 : 1));
      return {
        caseNo: c.caseNo,
        workflowId: c.workflowId,
        history: loaded ? { source: loaded.source, runId: loaded.runId, events: loaded.history.events?.length ?? 0, archivedAt: loaded.archivedAt?.toISOString() } : null,
        chain,
        entries,
      };
  }

  registry.add(
    router,
    {
      method: 'get',
      path: '/api/audit/verify',
      summary: 'Verify the audit hash chain of every case',
      tags: ['audit'],
      roles: READ_ALL_ROLES,
      responses: { 200: { description: '{ ok, cases, events, broken[] }' } },
    },
    () => verifyAllChains(db),
  );

  registry.add(
    router,
    {
      method: 'get',
      path: '/api/audit/cases/:caseNo/verify',
      summary: "Verify one case's audit hash chain",
      tags: ['audit'],
      params: caseParams,
      roles: READ_ALL_ROLES,
      responses: { 200: { description: '{ ok, count, head, firstBroken? }' }, 404: { description: 'No such case' } },
    },
    async ({ params }) => {
      const c = await caseOf(params.caseNo);
      return { caseNo: c.caseNo, ...(await verifyCaseChain(db, c.id)) };
    },
  );

  registry.add(
    router,
    {
      method: 'get',
      path: '/api/audit/cases/:caseNo/timeline',
      summary: 'Audit records merged with the Temporal history of the case workflow',
      description: 'Timers started / fired, updates accepted with their arguments, activities scheduled / completed, next to the audit records. `all=true` adds workflow-task bookkeeping.',
      tags: ['audit'],
      params: caseParams,
      query: z.object({ all: z.enum(['true', 'false']).optional() }),
      roles: READ_ALL_ROLES,
      responses: { 200: { description: 'Timeline' }, 404: { description: 'No such case' } },
    },
    async ({ params, query }) => timelineOf(await caseOf(params.caseNo), query.all === 'true'),
  );

  registry.add(
    router,
    {
      method: 'get',
      path: '/api/audit/cases/:caseNo/trail.pdf',
      summary: 'The Case Audit Trail (审计追踪) as PDF: the chain verification and every record and workflow event',
      tags: ['audit'],
      params: caseParams,
      roles: READ_ALL_ROLES,
      responses: { 200: { description: 'The PDF', contentType: 'application/pdf' }, 404: { description: 'No such case' } },
    },
    async ({ params, res }) => {
      const t = await timelineOf(await caseOf(params.caseNo), false);
      const pdf = await renderAuditTrail(t, deps.timeZone ?? 'Asia/Shanghai', deps.company ?? { name: 'XX公司', nameEn: 'XX Company' });
      res.status(200).type('application/pdf').set('Content-Disposition', contentDisposition('inline', `${t.caseNo}-audit-trail.pdf`)).send(pdf);
    },
  );

  registry.add(
    router,
    {
      method: 'get',
      path: '/api/audit/cases/:caseNo/history.json',
      summary: 'Raw Temporal event history of the case workflow (replayable JSON)',
      description: 'The JSON form `historyFromJSON` / `Worker.runReplayHistory` read. Served from the archive when Temporal no longer has the history (header X-History-Source).',
      tags: ['audit'],
      params: caseParams,
      roles: READ_ALL_ROLES,
      responses: { 200: { description: 'History JSON', contentType: 'application/json' }, 404: { description: 'No such case or no history' } },
    },
    async ({ params, res }) => {
      const c = await caseOf(params.caseNo);
      const loaded = await loadWorkflowHistory(db, deps.temporal, c.workflowId);
      if (!loaded) throw notFound(`History of ${c.workflowId}`);
      res
        .status(200)
        .type('application/json')
        .set('X-History-Source', loaded.source)
        .set('Content-Disposition', contentDisposition('attachment', `${c.workflowId}-history.json`))
        .send(loaded.json);
    },
  );

  return router;
}
