/**
 * Case intake and reads. Intake is one database transaction (gap-free case number,
 * case row, first clock, intake event), then the workflow start with an ID derived
 * from the case number. A row whose workflow has not started yet (the process died
 * between the two) is started by `startPendingWorkflows`, which the API runs at start
 * and periodically: a case is never recorded without its procedure running.
 */
import { randomUUID } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { DateTime } from 'luxon';
import { computeClockPlan, parsedPolicy, policyDefinitionSchema, type CaseAttributes, type PolicyDefinition } from '../../activities/policy';
import { archiveWorkflowHistory } from '../../activities/audit';
import { recordEventRow } from '../../activities/store';
import { firstChainRecord } from '../../activities/audit-chain';
import type { ServerTiming } from '../timing';
import { Prisma, execute, isUniqueViolation, query, type Db, type Person } from '../../prisma/client';
import { FIRST_CONTACT_CLOCK, complaintCase } from '../../workflows/complaint-case';
import { countermeasureStateQuery, countermeasureWorkflowId, rprStateQuery } from '../../workflows/messages';
import type { CaseSnapshot } from '../../activities/store';
import { CaseNoAttr, CaseStepAttr, CustomerAttr, OverdueAttr, SeverityAttr } from '../../workflows/search-attributes';
import type { CaseInput, Category, Origin, Severity } from '../../workflows/types';
import { HttpError, invalidField, notFound } from '../errors';
import type { CreateComplaintBody } from '../schemas';
import { storeAttachmentsInTx, type CheckedFile } from './attachments';
import { createWarmUp, type WarmUpOptions } from './warm-up';

export interface CaseServiceDeps {
  db: Db;
  temporal: Client;
  taskQueue: string;
  /** The document worker's task queue, given to each new case (DOCUMENTS_TASK_QUEUE); absent: the case's own. */
  documentsTaskQueue?: string;
  timeZone: string;
  /** Name of the deadline policy new cases take (its latest version). */
  policyName: string;
  /** Records of a closed case are kept at least this many years after closure (RECORD_RETENTION_YEARS). */
  retentionYears?: number;
  /** Warm-up of an opened case's workflow (api/services/warm-up.ts); `false` turns it off. */
  warmUp?: WarmUpOptions | false;
}

export const workflowIdFor = (caseNo: string) => `complaint-${caseNo}`;

type CaseRow = NonNullable<Awaited<ReturnType<typeof loadCaseRow>>>;

async function loadCaseRow(db: Db, caseNo: string) {
  return db.complaintCase.findUnique({
    where: { caseNo },
    include: { salesRep: true, clocks: { orderBy: { startedAt: 'asc' } } },
  });
}

export function caseInputOf(c: CaseRow | Awaited<ReturnType<Db['complaintCase']['findUniqueOrThrow']>>): CaseInput {
  return {
    caseId: c.id,
    caseNo: c.caseNo,
    receivedAt: c.receivedAt.toISOString(),
    category: c.category as Category,
    severity: c.severity as Severity,
    origin: c.origin as Origin,
    sampleExpected: c.sampleExpected,
    salesRepId: c.salesRepId,
    customerName: c.customerName,
    product: c.product,
  };
}

export function createCaseService(deps: CaseServiceDeps) {
  const { db, temporal } = deps;
  const warmUp = deps.warmUp === false ? null : createWarmUp(temporal, deps.warmUp);

  async function startWorkflow(input: CaseInput, workflowId: string, timing?: ServerTiming): Promise<void> {
    try {
      await temporal.workflow.start(complaintCase, {
        workflowId,
        taskQueue: deps.taskQueue,
        args: [{ ...input, documentsTaskQueue: deps.documentsTaskQueue }],
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        typedSearchAttributes: [
          { key: CaseNoAttr, value: input.caseNo },
          { key: CaseStepAttr, value: 'first_contact' },
          { key: SeverityAttr, value: input.severity },
          { key: CustomerAttr, value: input.customerName },
          { key: OverdueAttr, value: false },
        ],
      });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
    timing?.mark('temporal');
    await markStarted(workflowId);
    timing?.mark('mark_started');
  }

  /**
   * Marks started workflows in the database, every intake of the same moment in one
   * statement (a group commit): the requests that arrive while a statement runs go together
   * in the next. Each caller waits for its own row, so a 201 still means "marked".
   */
  let batch: { ids: string[]; done: Promise<void> } | null = null;
  let flushing: Promise<void> = Promise.resolve();
  function markStarted(workflowId: string): Promise<void> {
    if (!batch) {
      const ids: string[] = [];
      const done = flushing.then(async () => {
        batch = null;
        await execute(db, Prisma.sql`UPDATE complaint_case SET workflow_started = true WHERE workflow_id = ANY(${ids}::text[])`);
      });
      flushing = done.catch(() => undefined);
      batch = { ids, done };
    }
    batch.ids.push(workflowId);
    return batch.done;
  }

  /**
   * The sales rep and the latest version of the policy, in one round trip, straight through
   * the driver (prisma/client.ts `query`): every complaint runs it.
   */
  async function intakeLookup(salesRepId: string): Promise<{ rep: Person | null; policyRow: { id: string; definition: unknown } | null }> {
    const [row] = await query<{ rep: Record<string, unknown> | null; policy: { id: string; definition: unknown } | null }>(db, Prisma.sql`
      SELECT (SELECT json_build_object('id', id, 'name', name, 'email', email, 'role', role, 'locale', locale, 'active', active,
                'departmentId', department_id, 'createdAt', created_at) FROM person WHERE id = ${salesRepId}) AS rep,
             (SELECT json_build_object('id', id, 'definition', definition) FROM deadline_policy
                WHERE name = ${deps.policyName} ORDER BY version DESC LIMIT 1) AS policy`);
    const rep = row?.rep ? ({ ...row.rep, createdAt: new Date(row.rep.createdAt as string) } as Person) : null;
    return { rep, policyRow: row?.policy ?? null };
  }

  async function get(caseNo: string) {
    const c = await loadCaseRow(db, caseNo);
    if (!c) throw notFound(`Case ${caseNo}`);
    return c;
  }

  /** The same Idempotency-Key again: the case it created (its workflow started if that was interrupted). */
  async function replay(existing: { caseNo: string; workflowId: string; workflowStarted: boolean } & Parameters<typeof caseInputOf>[0]) {
    if (!existing.workflowStarted) await startWorkflow(caseInputOf(existing), existing.workflowId);
    return { created: false, case: view((await loadCaseRow(db, existing.caseNo))!) };
  }

  function view(c: CaseRow) {
    return {
      caseNo: c.caseNo,
      status: c.status,
      step: c.step,
      customerName: c.customerName,
      customerContact: c.customerContact,
      customerEmail: c.customerEmail,
      product: c.product,
      lot: c.lot,
      quantity: c.quantity,
      channel: c.channel,
      description: c.description,
      category: c.category,
      severity: c.severity,
      origin: c.origin,
      sampleExpected: c.sampleExpected,
      receivedAt: c.receivedAt.toISOString(),
      salesRep: { id: c.salesRep.id, name: c.salesRep.name },
      policy: c.policyId,
      workflowId: c.workflowId,
      resolution: c.resolution,
      duplicateOf: c.duplicateOf,
      closedAt: c.closedAt?.toISOString() ?? null,
      // Nothing of a case is ever deleted by the product; this is the earliest a records manager may dispose of it.
      retainUntil: c.closedAt ? DateTime.fromJSDate(c.closedAt).plus({ years: deps.retentionYears ?? 10 }).toJSDate().toISOString() : null,
      clocks: c.clocks.map((k) => ({
        id: k.clockId,
        clock: k.clock,
        round: k.round,
        owner: { role: k.ownerRole, departmentId: k.ownerDeptId },
        startedAt: k.startedAt.toISOString(),
        dueAt: k.dueAt.toISOString(),
        originalDueAt: k.originalDue.toISOString(),
        stoppedAt: k.stoppedAt?.toISOString() ?? null,
        outcome: k.outcome as 'met' | 'met_after_extension' | 'missed' | 'cancelled' | null,
        lateReason: k.lateReason,
        escalationLevel: k.escalation,
        extensions: k.extensions as unknown[],
      })),
      record: c.data as Record<string, unknown>,
      createdAt: c.createdAt.toISOString(),
      updatedAt: c.updatedAt.toISOString(),
    };
  }

  return {
    view,

    /**
     * Intake. The lookups run side by side; the write is ONE SQL statement (counter, case,
     * first clock, first audit record) — atomic like a transaction, but without holding a
     * connection across round trips (on the embedded PGlite one open transaction holds the
     * whole database). Then the workflow is started. `timing` collects Server-Timing phases.
     * With `attachments` (already checked), the statement and the files run in one
     * transaction: the case is recorded with all of them or not at all.
     */
    async create(
      body: CreateComplaintBody,
      idempotencyKey?: string,
      extra: { attachments?: CheckedFile[]; uploadedBy?: string; timing?: ServerTiming } = {},
    ): Promise<{ created: boolean; case: ReturnType<typeof view> }> {
      const { timing } = extra;
      const [existing, { rep, policyRow }] = await Promise.all([
        idempotencyKey ? db.complaintCase.findUnique({ where: { idempotencyKey } }) : null,
        intakeLookup(body.salesRepId),
      ]);
      timing?.mark('lookup');
      if (existing) return replay(existing);
      if (!rep || !rep.active) throw invalidField('salesRepId', `no active person with id "${body.salesRepId}"`);
      if (rep.role !== 'sales') throw invalidField('salesRepId', `${rep.name} is not a sales rep (role ${rep.role})`);
      if (!policyRow) throw new HttpError(503, 'not_configured', 'No deadline policy is configured');
      const policy = parsedPolicy(policyRow);

      const receivedAt = body.receivedAt ? new Date(body.receivedAt) : new Date();
      if (receivedAt.getTime() > Date.now() + 5 * 60_000) throw invalidField('receivedAt', 'must not be in the future');
      const year = DateTime.fromJSDate(receivedAt, { zone: deps.timeZone }).year;
      // The plan the workflow would make for its first clock (Clocks.start): given to it in the input.
      const plan = computeClockPlan(policy, FIRST_CONTACT_CLOCK.clock, body as CaseAttributes, receivedAt, FIRST_CONTACT_CLOCK);

      const caseId = randomUUID();
      const clockId = randomUUID();
      const now = new Date();
      // The case's first audit record: seq 1, no predecessor (the case is new).
      const received = firstChainRecord({ caseId, kind: 'case_received', actorId: rep.id, at: now, data: { ...body, policy: policyRow.id } });
      let inserted: { case_no: string; seq: number; created_at: Date }[];
      try {
        // Gap-free per year: the counter row stays locked until the statement commits; a
        // failure (e.g. a concurrent request with the same Idempotency-Key) returns the number.
        const statement = Prisma.sql`
          WITH n AS (
            INSERT INTO case_counter (year, last) VALUES (${year}, 1)
            ON CONFLICT (year) DO UPDATE SET last = case_counter.last + 1
            RETURNING last
          ), k AS (
            SELECT last, 'CC-' || ${String(year)} || '-' || (CASE WHEN last < 10000 THEN lpad(last::text, 4, '0') ELSE last::text END) AS case_no FROM n
          ), c AS (
            INSERT INTO complaint_case (id, case_no, year, seq, idempotency_key, workflow_id, customer_name, customer_contact, customer_email,
              product, lot, quantity, channel, description, category, severity, origin, sample_expected, received_at, sales_rep_id, policy_id,
              status, step, updated_at)
            SELECT ${caseId}::uuid, k.case_no, ${year}, k.last, ${idempotencyKey ?? null}, 'complaint-' || k.case_no, ${body.customerName},
              ${body.customerContact ?? null}, ${body.customerEmail ?? null}, ${body.product}, ${body.lot ?? null}, ${body.quantity ?? null}::int,
              ${body.channel}, ${body.description}, ${body.category}, ${body.severity}, ${body.origin}, ${body.sampleExpected}, ${receivedAt.toISOString()}::timestamptz,
              ${rep.id}, ${policyRow.id}, 'open', 'first_contact', ${now.toISOString()}::timestamptz
            FROM k
            RETURNING case_no, seq, created_at
          ), clk AS (
            INSERT INTO case_clock (id, case_id, clock_id, clock, owner_role, started_at, due_at, original_due, updated_at)
            SELECT ${clockId}::uuid, ${caseId}::uuid, ${plan.id}, ${plan.clock}, ${plan.owner.role}, ${receivedAt.toISOString()}::timestamptz,
              ${plan.dueAt}::timestamptz, ${plan.originalDueAt}::timestamptz, ${now.toISOString()}::timestamptz
            FROM c
          ), ev AS (
            INSERT INTO case_event (id, case_id, event_key, kind, actor, data, at, seq, prev_hash, hash)
            SELECT ${randomUUID()}::uuid, ${caseId}::uuid, ${`${caseId}:received`}, 'case_received', ${rep.id}, ${JSON.stringify(received.data)}::jsonb,
              ${now.toISOString()}::timestamptz, 1, NULL, ${received.hash}
            FROM c
          )
          SELECT case_no, seq, created_at FROM c`;
        type Inserted = { case_no: string; seq: number; created_at: Date }[];
        const files = extra.attachments ?? [];
        inserted = files.length
          ? await db.$transaction(
              async (tx) => {
                const rows = await tx.$queryRaw<Inserted>(statement);
                await storeAttachmentsInTx(tx, caseId, files, extra.uploadedBy ?? rep.id);
                return rows;
              },
              { maxWait: 15_000, timeout: 60_000 },
            )
          : await query<Inserted[number]>(db, statement);
      } catch (err) {
        if (idempotencyKey && isUniqueViolation(err)) {
          const winner = await db.complaintCase.findUnique({ where: { idempotencyKey } });
          if (winner) return replay(winner);
        }
        throw err;
      }
      timing?.mark('db');
      const [{ case_no: caseNo, seq, created_at: createdAt }] = inserted;
      const row: CaseRow = {
        id: caseId,
        caseNo,
        year,
        seq,
        idempotencyKey: idempotencyKey ?? null,
        workflowId: workflowIdFor(caseNo),
        workflowStarted: true,
        customerName: body.customerName,
        customerContact: body.customerContact ?? null,
        customerEmail: body.customerEmail ?? null,
        product: body.product,
        lot: body.lot ?? null,
        quantity: body.quantity ?? null,
        channel: body.channel,
        description: body.description,
        category: body.category,
        severity: body.severity,
        origin: body.origin,
        sampleExpected: body.sampleExpected,
        receivedAt,
        salesRepId: rep.id,
        salesRep: rep,
        policyId: policyRow.id,
        status: 'open',
        step: 'first_contact',
        data: {},
        createdAt: new Date(createdAt),
        updatedAt: now,
        closedAt: null,
        resolution: null,
        duplicateOf: null,
        clocks: [
          {
            id: clockId,
            caseId,
            clockId: plan.id,
            clock: plan.clock,
            round: plan.round,
            ownerRole: plan.owner.role,
            ownerDeptId: null,
            extensions: [],
            startedAt: receivedAt,
            dueAt: new Date(plan.dueAt),
            originalDue: new Date(plan.originalDueAt),
            stoppedAt: null,
            outcome: null,
            lateReason: null,
            escalation: 0,
            updatedAt: now,
          },
        ],
      };
      await startWorkflow({ ...caseInputOf(row), recordedAtIntake: { firstContactClock: plan } }, row.workflowId, timing);
      return { created: true, case: view(row) };
    },

    get,

    /**
     * The case as somebody opens it to read or act on it (its page, GET /api/complaints/:caseNo):
     * an open case's workflow and its open children (countermeasures, Recurrence Prevention
     * Report) are warmed up in the worker meanwhile (api/services/warm-up.ts).
     */
    async open(caseNo: string) {
      const c = await get(caseNo);
      if (c.status === 'open' && warmUp) {
        warmUp.warm(c.workflowId);
        const { countermeasures, rpr } = (c.data ?? {}) as Partial<CaseSnapshot>;
        for (const item of countermeasures ?? []) if (item.status === 'open') warmUp.warm(countermeasureWorkflowId(c.workflowId, item.ref), countermeasureStateQuery);
        if (rpr?.status === 'open') warmUp.warm(rpr.workflowId, rprStateQuery);
      }
      return c;
    },

    warmUpStats() {
      return warmUp?.stats() ?? null;
    },

    /** Before the Temporal connection closes: cancel and await the warm-ups still running. */
    async close(): Promise<void> {
      await warmUp?.close();
    },

    async list(opts: { limit: number; status?: string }) {
      const rows = await db.complaintCase.findMany({
        where: opts.status ? { status: opts.status } : {},
        include: { salesRep: true, clocks: { orderBy: { startedAt: 'asc' } } },
        orderBy: [{ year: 'desc' }, { seq: 'desc' }],
        take: opts.limit,
      });
      return rows.map(view);
    },

    /**
     * Operator actions around the API — a terminate, a reset (which terminates the old run),
     * a cancel — are detected from Temporal's visibility and recorded on the case as
     * `workflow_interrupted`; a case left with no running workflow is marked `interrupted`
     * so it shows up instead of silently stalling. Idempotent per run.
     */
    async detectOperatorActions(sinceMs = 24 * 3600_000): Promise<number> {
      const since = new Date(Date.now() - sinceMs).toISOString();
      const query = `WorkflowType = 'complaintCase' AND ExecutionStatus IN ('Terminated', 'Canceled', 'TimedOut', 'Failed') AND CloseTime > '${since}'`;
      let recorded = 0;
      for await (const wf of temporal.workflow.list({ query })) {
        const c = await db.complaintCase.findUnique({ where: { workflowId: wf.workflowId }, select: { id: true, status: true } });
        if (!c) continue;
        const key = `${c.id}:operator:${wf.runId}`;
        if (await db.caseEvent.findUnique({ where: { eventKey: key }, select: { id: true } })) continue;
        let reason: string | null = null;
        let identity: string | null = null;
        try {
          const history = await temporal.workflow.getHandle(wf.workflowId, wf.runId).fetchHistory();
          const last = history.events?.[history.events.length - 1];
          const t = last?.workflowExecutionTerminatedEventAttributes;
          reason = t?.reason ?? null;
          identity = t?.identity ?? null;
        } catch {
          // history already gone (retention): the status alone is recorded
        }
        const current = await temporal.workflow.getHandle(wf.workflowId).describe().catch(() => null);
        const stillRunning = current?.status.name === 'RUNNING';
        await recordEventRow(db, {
          caseId: c.id,
          key,
          kind: 'workflow_interrupted',
          actorId: identity ?? 'temporal-operator',
          data: { status: wf.status.name, runId: wf.runId, closedAt: wf.closeTime?.toISOString() ?? null, reason, identity, replacedByRun: stillRunning ? current!.runId : null },
        });
        if (!stillRunning && c.status === 'open') await db.complaintCase.update({ where: { id: c.id }, data: { status: 'interrupted' } });
        recorded++;
      }
      return recorded;
    },

    /**
     * Temporal drops closed histories after the namespace's retention: every completed
     * workflow of a case (the case, its countermeasures, its Recurrence Prevention Report)
     * is archived into the database with its SHA-256, so the timeline, the replay and the
     * audit PDF keep working. Idempotent per (workflow, run, event count).
     */
    async archiveClosedHistories(sinceMs = 24 * 3600_000): Promise<number> {
      const since = new Date(Date.now() - sinceMs).toISOString();
      const query = `WorkflowType IN ('complaintCase', 'countermeasure', 'recurrencePrevention') AND ExecutionStatus != 'Running' AND CloseTime > '${since}'`;
      let archived = 0;
      for await (const wf of temporal.workflow.list({ query })) {
        if (await db.historyArchive.findFirst({ where: { workflowId: wf.workflowId, runId: wf.runId }, select: { id: true } })) continue;
        const c = await db.complaintCase.findUnique({ where: { workflowId: wf.workflowId.split(':')[0] }, select: { id: true } });
        if (!c) continue;
        const r = await archiveWorkflowHistory(db, temporal, { caseId: c.id, workflowId: wf.workflowId, runId: wf.runId });
        if (r.created) archived++;
      }
      return archived;
    },

    /** Start workflows of cases recorded but not started (crash between commit and start). */
    async startPendingWorkflows(olderThanMs = 5_000): Promise<number> {
      const pending = await db.complaintCase.findMany({
        where: { workflowStarted: false, createdAt: { lt: new Date(Date.now() - olderThanMs) } },
        take: 100,
      });
      for (const c of pending) await startWorkflow(caseInputOf(c), c.workflowId);
      return pending.length;
    },
  };
}

export type CaseService = ReturnType<typeof createCaseService>;
