/**
 * Benchmark of the product's targets on the default embedded run: `npm run bench`.
 *
 * Starts its own stack in a temporary DATA_DIR on free ports — PGlite server, Temporal
 * dev server (SQLite), worker and API as child processes (scripts/services.ts), and an
 * SMTP server in this process on loopback (SMTP_URL) — then measures, one function each:
 *
 *   1. intake      POST /api/complaints (row → workflow started) with N concurrent clients;
 *                  compared with a raw `client.workflow.start` loop on the same server.
 *   2. human step  POST /api/complaints/:caseNo/contact (a workflow update) over many cases,
 *                  a quarter each: as the UI makes it (the case opened first — GET, which
 *                  warms its workflow up — then, after BENCH_THINK_MS, the POST), and posted
 *                  cold: one at a time back to back, one at a time with a pause, 8 at once;
 *                  then the second step of the opened and of the paced cases. More cases
 *                  than the worker caches, as in production: a cold step replays its case.
 *   3. reminders   cases under a policy with second-long clocks (a second API process with
 *                  DEADLINE_POLICY_NAME): planned reminder time → received by the SMTP server.
 *   4. open cases  the worker's RSS and heap once OPEN_CASES cases are started and idle.
 *
 * Prints a table and writes bench-results/cases-<date>.json. Options (environment):
 *   BENCH_CONCURRENCY (32), BENCH_INTAKE_SECONDS (20), BENCH_STEP_CASES (400), BENCH_STEP_PAUSE_MS (400), BENCH_THINK_MS (500),
 *   BENCH_REMINDER_CASES (40), BENCH_OPEN_CASES (10000), BENCH_SKIP (comma list of
 *   intake,raw,step,reminders,open). Anything else in the environment (e.g.
 *   WORKER_MAX_CACHED_WORKFLOWS, DATABASE_POOL_SIZE) reaches the worker and the API.
 */
import { execSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client, Connection, WorkflowUpdateFailedError } from '@temporalio/client';
import { SMTPServer } from 'smtp-server';
import { computeClockPlan, policyDefinitionSchema, type CaseAttributes } from '../activities/policy';
import { createAuth } from '../api/auth';
import { createPrisma, type Db } from '../prisma/client';
import { migrate } from '../prisma/migrate';
import { ensurePolicy, readSeedFile, seed } from '../prisma/seed';
import { freePort, startNodeProcess, startPglite, startTemporal, workerProcessEnv, type Service } from './services';
import { ensureTemporalCli } from './temporal-cli';
import { cachedWorkflowBundle } from './workflow-bundle';
import { loadConfig } from './config';
import { workflowIdFor } from '../api/services/cases';
import { completeStepUpdate } from '../workflows/messages';

const num = (name: string, dflt: number) => (process.env[name] ? Number(process.env[name]) : dflt);
const OPTS = {
  concurrency: num('BENCH_CONCURRENCY', 32),
  intakeSeconds: num('BENCH_INTAKE_SECONDS', 20),
  stepCases: num('BENCH_STEP_CASES', 400),
  stepPauseMs: num('BENCH_STEP_PAUSE_MS', 400),
  thinkMs: num('BENCH_THINK_MS', 500),
  reminderCases: num('BENCH_REMINDER_CASES', 40),
  openCases: num('BENCH_OPEN_CASES', 10_000),
  openMaxMinutes: num('BENCH_OPEN_MAX_MINUTES', 30),
  skip: new Set((process.env.BENCH_SKIP ?? '').split(',').filter(Boolean)),
};
const PASSWORD = 'bench-password-0123';
const SALES = { id: 'p-sales-wang', email: 'wang.fang@example.com' };
const REMINDER_POLICY = 'bench-fast';
/** first_contact due 40 s after intake, reminders 30 s and 15 s before: at +10 s and +25 s. */
const fastPolicy = {
  timeMode: 'calendar',
  clocks: {
    first_contact: { due: '40s', reminders: ['30s', '15s'] },
    preliminary_analysis: { due: '24h' },
    capa_plan: { due: '24h' },
    reply: { due: '3d' },
    potential_cause_report: { due: '48h' },
  },
};
const complaint = (i: number) => ({
  customerName: '苏州精密电子有限公司',
  customerContact: '采购部 周先生 0512-6688 1234',
  product: 'XC-200 连接器',
  lot: `L20261120-${i}`,
  quantity: 120,
  channel: 'phone',
  description: '客户反映端子镀层起泡，装配后接触不良，影响整机通电测试。',
  category: 'quality',
  severity: 'urgent',
  origin: 'own_plant',
  salesRepId: SALES.id,
});

// ── Small helpers ──────────────────────────────────────────────────────────────────

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Percentiles { n: number; p50: number; p95: number; p99: number; max: number; mean: number }
function percentiles(samples: number[]): Percentiles {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => (s.length ? s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)] : NaN);
  const round = (x: number) => Math.round(x * 10) / 10;
  return { n: s.length, p50: round(at(0.5)), p95: round(at(0.95)), p99: round(at(0.99)), max: round(s[s.length - 1] ?? NaN), mean: round(s.reduce((a, b) => a + b, 0) / (s.length || 1)) };
}

/** Run `fn` from `concurrency` loops until `until()` is true; returns the latencies (ms) of the successful calls. */
async function closedLoop(concurrency: number, until: () => boolean, fn: (i: number) => Promise<boolean>): Promise<{ latencies: number[]; errors: number; seconds: number }> {
  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (!until()) {
        const i = next++;
        const t = performance.now();
        let ok = false;
        try {
          ok = await fn(i);
        } catch {
          ok = false;
        }
        if (ok) latencies.push(performance.now() - t);
        else errors++;
      }
    }),
  );
  return { latencies, errors, seconds: (performance.now() - t0) / 1000 };
}

/** CPU seconds (user + system) a process has used so far, from /proc. */
function cpuSeconds(pid: number | undefined): number {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return NaN;
  }
}

const uptime = () => execSync('uptime', { encoding: 'utf8' }).trim();

// ── The stack ──────────────────────────────────────────────────────────────────────

interface Received { at: number; caseNo: string; kind: string }

interface Stack {
  dataDir: string;
  db: Db;
  temporal: Client;
  taskQueue: string;
  apiUrl: string;
  reminderApiUrl: string;
  worker: Service;
  /** The document worker (forms), a process of its own. */
  documents: Service;
  /** Stop the worker and start a fresh one (same settings): its memory serving the open cases, without the intake burst behind it. */
  restartWorker(): Promise<void>;
  /** The child processes whose CPU time each phase reports. */
  processes: Service[];
  mails: Received[];
  token: string;
  reminderToken: string;
  stop(): Promise<void>;
}

/** Loaded into the worker with NODE_OPTIONS=--require: answers {benchMemory} over the IPC channel. */
const MEMORY_PROBE = `
const v8 = require('node:v8');
process.on('message', (m) => {
  if (!m || !m.benchMemory) return;
  if (m.gc && global.gc) global.gc();
  const h = v8.getHeapStatistics();
  process.send({ benchMemory: { ...process.memoryUsage(), heapLimit: h.heap_size_limit } });
});
`;

async function startStack(): Promise<Stack> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'qms-bench-'));
  const logs = path.join(dataDir, 'logs');
  fs.mkdirSync(logs, { recursive: true });
  const services: Service[] = [];
  const stopAll = async () => {
    for (const s of [...services].reverse()) await s.stop().catch(() => undefined);
  };
  try {
    // SMTP on loopback: the receipt time of each message, keyed by its X-QMS headers.
    const mails: Received[] = [];
    const smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, _session, cb) {
        let head = '';
        stream.on('data', (d: Buffer) => {
          if (head.length < 64_000) head += d.toString('latin1');
        });
        stream.on('end', () => {
          const at = Date.now();
          const h = head.split(/\r?\n\r?\n/)[0];
          mails.push({ at, caseNo: /^x-qms-case:\s*(.+)$/im.exec(h)?.[1].trim() ?? '', kind: /^x-qms-kind:\s*(.+)$/im.exec(h)?.[1].trim() ?? '' });
          cb();
        });
      },
    });
    await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
    const smtpPort = (smtp.server.address() as { port: number }).port;
    services.push({ name: 'smtp', child: undefined as never, stop: () => new Promise<void>((r) => smtp.close(() => r())) });

    const [pglitePort, temporalPort, apiPort, reminderApiPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
    const databaseUrl = `postgresql://postgres:postgres@127.0.0.1:${pglitePort}/postgres?sslmode=disable`;
    const cli = await ensureTemporalCli();
    const [pglite, temporalServer] = await Promise.all([
      startPglite({ dataDir: path.join(dataDir, 'pglite'), port: pglitePort, logFile: path.join(logs, 'pglite.log') }),
      startTemporal({ binary: cli.path, port: temporalPort, dbFile: path.join(dataDir, 'temporal.db'), namespace: 'default', headless: true, logFile: path.join(logs, 'temporal.log') }),
    ]);
    services.push(pglite, temporalServer);

    await migrate(databaseUrl);
    const db = createPrisma(databaseUrl, 4);
    await seed(db, readSeedFile(path.resolve('prisma/seed-data.json')), { adminPassword: PASSWORD });
    await createAuth({ db }).setPassword(SALES.id, PASSWORD, false);
    await ensurePolicy(db, REMINDER_POLICY, fastPolicy);

    // Bundle the workflows here, as a second `npm start` finds them cached: webpack in the worker would inflate its RSS.
    await cachedWorkflowBundle(path.join(dataDir, 'cache'));
    const probe = path.join(dataDir, 'memory-probe.cjs');
    fs.writeFileSync(probe, MEMORY_PROBE);
    const taskQueue = 'complaints';
    const env = {
      ...process.env,
      DATA_DIR: dataDir,
      DATABASE_URL: databaseUrl,
      TEMPORAL_ADDRESS: `127.0.0.1:${temporalPort}`,
      TEMPORAL_TASK_QUEUE: taskQueue,
      SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
      LOG_LEVEL: 'warn',
    };
    // Both workers answer the memory probe; the case worker has the memory settings npm start gives it.
    const probed = { ...env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${probe}` };
    const startWorker = () => startNodeProcess('worker', path.join(__dirname, 'worker.ts'), workerProcessEnv(probed, loadConfig().env), path.join(logs, 'worker.log'));
    const worker = await startWorker();
    const documents = await startNodeProcess('documents', path.join(__dirname, 'documents-worker.ts'), probed, path.join(logs, 'documents.log'));
    services.push(worker, documents);
    const [api, reminderApi] = await Promise.all([
      startNodeProcess('api', path.join(__dirname, 'api.ts'), { ...env, PORT: String(apiPort) }, path.join(logs, 'api.log')),
      startNodeProcess('api-fast-policy', path.join(__dirname, 'api.ts'), { ...env, PORT: String(reminderApiPort), DEADLINE_POLICY_NAME: REMINDER_POLICY }, path.join(logs, 'api-fast-policy.log')),
    ]);
    services.push(api, reminderApi);

    const connection = await Connection.connect({ address: `127.0.0.1:${temporalPort}` });
    services.push({ name: 'client', child: undefined as never, stop: () => connection.close() });
    services.push({ name: 'db', child: undefined as never, stop: () => db.$disconnect() });

    const login = async (base: string) => {
      const r = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: SALES.email, password: PASSWORD }) });
      if (r.status !== 200) throw new Error(`sign-in failed: ${r.status} ${await r.text()}`);
      return ((await r.json()) as { token: string }).token;
    };
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    const reminderApiUrl = `http://127.0.0.1:${reminderApiPort}`;
    return {
      dataDir,
      db,
      temporal: new Client({ connection, namespace: 'default' }),
      taskQueue,
      apiUrl,
      reminderApiUrl,
      worker,
      documents,
      async restartWorker(this: Stack) {
        const old = this.worker;
        await old.stop();
        this.worker = await startWorker();
        services[services.indexOf(old)] = this.worker;
        this.processes[this.processes.indexOf(old)] = this.worker;
      },
      processes: [pglite, temporalServer, worker, documents, api, reminderApi],
      mails,
      token: await login(apiUrl),
      reminderToken: await login(reminderApiUrl),
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw new Error(`stack did not start (logs in ${logs}): ${(err as Error).message}`);
  }
}

async function postComplaint(base: string, token: string, i: number): Promise<{ status: number; caseNo?: string; timing: Record<string, number> }> {
  const r = await fetch(`${base}/api/complaints`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(complaint(i)),
  });
  const body = (await r.json()) as { caseNo?: string };
  return { status: r.status, caseNo: body.caseNo, timing: parseServerTiming(r.headers.get('server-timing')) };
}

/** `lookup;dur=3.1, db;dur=4.0` → { lookup: 3.1, db: 4.0 } */
function parseServerTiming(h: string | null): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of (h ?? '').split(',')) {
    const m = /^\s*([\w-]+);dur=([\d.]+)/.exec(part);
    if (m) out[m[1]] = Number(m[2]);
  }
  return out;
}

/** Per phase of Server-Timing: p50 / p95 in ms. */
function phasePercentiles(samples: Record<string, number>[]): Record<string, { p50: number; p95: number }> {
  const names = [...new Set(samples.flatMap((s) => Object.keys(s)))];
  return Object.fromEntries(names.map((n) => {
    const p = percentiles(samples.map((s) => s[n]).filter((v) => v !== undefined));
    return [n, { p50: p.p50, p95: p.p95 }];
  }));
}

async function workerMemory(stack: Stack, which: 'worker' | 'documents' = 'worker'): Promise<{ rssMB: number; heapUsedMB: number; heapTotalMB: number; externalMB: number; heapLimitMB: number }> {
  const child = stack[which].child;
  const reply = new Promise<Record<string, number>>((resolve, reject) => {
    const onMessage = (m: { benchMemory?: Record<string, number> }) => {
      if (!m?.benchMemory) return;
      child.off('message', onMessage);
      resolve(m.benchMemory);
    };
    child.on('message', onMessage);
    setTimeout(() => reject(new Error('the worker did not answer the memory probe')), 10_000).unref();
  });
  child.send({ benchMemory: true, gc: true });
  const m = await reply;
  const mb = (x: number) => Math.round((x / 1048576) * 10) / 10;
  return { rssMB: mb(m.rss), heapUsedMB: mb(m.heapUsed), heapTotalMB: mb(m.heapTotal), externalMB: mb(m.external), heapLimitMB: mb(m.heapLimit) };
}

/** Waits until every case's workflow has filed its intake report (the worker's backlog is done). */
async function waitForWorkerIdle(db: Db, timeoutMs: number): Promise<{ cases: number; seconds: number }> {
  const t0 = Date.now();
  for (;;) {
    const [{ cases, docs }] = await db.$queryRaw<{ cases: number; docs: number }[]>`
      SELECT (SELECT count(*)::int FROM complaint_case) AS cases,
             (SELECT count(*)::int FROM case_document WHERE trigger = 'intake') AS docs`;
    if (docs >= cases) return { cases, seconds: (Date.now() - t0) / 1000 };
    if (Date.now() - t0 > timeoutMs) throw new Error(`worker still busy after ${timeoutMs / 1000} s: ${docs}/${cases} intake reports`);
    await sleep(1000);
  }
}

// ── 1. Intake ──────────────────────────────────────────────────────────────────────

async function benchIntake(stack: Stack) {
  const end = Date.now() + OPTS.intakeSeconds * 1000;
  const caseNos: string[] = [];
  const statuses: Record<number, number> = {};
  const timings: Record<string, number>[] = [];
  const r = await closedLoop(OPTS.concurrency, () => Date.now() > end, async (i) => {
    const res = await postComplaint(stack.apiUrl, stack.token, i);
    statuses[res.status] = (statuses[res.status] ?? 0) + 1;
    if (res.status === 201) timings.push(res.timing);
    if (res.caseNo) caseNos.push(res.caseNo);
    return res.status === 201;
  });
  const started = await stack.temporal.workflow.count(`WorkflowType = 'complaintCase'`).catch(() => ({ count: NaN }));
  return {
    concurrency: OPTS.concurrency,
    seconds: r.seconds,
    created: r.latencies.length,
    errors: r.errors,
    statuses,
    perSecond: r.latencies.length / r.seconds,
    latencyMs: percentiles(r.latencies),
    serverTimingMs: phasePercentiles(timings),
    workflowsStarted: started.count,
    caseNos,
  };
}

/** The same closed loop straight to Temporal: workflow.start of a type no worker polls (server cost only). */
async function benchRawStart(stack: Stack) {
  const end = Date.now() + OPTS.intakeSeconds * 1000;
  const taskQueue = `bench-raw-${process.pid}`;
  const r = await closedLoop(OPTS.concurrency, () => Date.now() > end, async (i) => {
    await stack.temporal.workflow.start('benchNoop', { workflowId: `bench-raw-${i}`, taskQueue, args: [{ caseNo: `RAW-${i}` }] });
    return true;
  });
  return { concurrency: OPTS.concurrency, seconds: r.seconds, started: r.latencies.length, errors: r.errors, perSecond: r.latencies.length / r.seconds, latencyMs: percentiles(r.latencies) };
}

// ── 2. Human step ──────────────────────────────────────────────────────────────────

async function benchHumanStep(stack: Stack, caseNos: string[]) {
  const cases = caseNos.slice(0, OPTS.stepCases);
  const timings: Record<string, number>[] = [];
  const post = async (pathname: string, body: unknown) => {
    const r = await fetch(`${stack.apiUrl}${pathname}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${stack.token}` },
      body: JSON.stringify(body),
    });
    await r.arrayBuffer();
    if (r.status === 200) timings.push(parseServerTiming(r.headers.get('server-timing')));
    return r.status === 200;
  };
  const contact = (caseNo: string) => post(`/api/complaints/${caseNo}/contact`, { method: 'phone', summary: '已与客户确认不良，约定取回样品。' });
  /** The case's second step (the sample arrived): its workflow has a longer history to replay. */
  const sample = (caseNo: string) => post(`/api/complaints/${caseNo}/steps/sample_pending`, { data: { sample: 'received' } });
  /** A person opening the case (its page does the same lookup, and the same warm-up). */
  const open = async (caseNo: string) => {
    const r = await fetch(`${stack.apiUrl}/api/complaints/${caseNo}`, { headers: { authorization: `Bearer ${stack.token}` } });
    await r.arrayBuffer();
    if (r.status !== 200) throw new Error(`GET /api/complaints/${caseNo}: ${r.status}`);
  };
  /** One at a time: each step timed alone; `opened`: the case is opened OPTS.thinkMs before its step, else a pause after it. */
  const pacedLoop = async (list: string[], step: (caseNo: string) => Promise<boolean>, opened = false) => {
    const out = { pauseMs: OPTS.stepPauseMs, thinkMs: opened ? OPTS.thinkMs : undefined, errors: 0, latencies: [] as number[], samples: [] as { caseNo: string; at: string; ms: number; server?: Record<string, number> }[] };
    for (const caseNo of list) {
      if (opened) {
        await open(caseNo);
        await sleep(OPTS.thinkMs);
      }
      const t = performance.now();
      if (await step(caseNo)) {
        const ms = performance.now() - t;
        out.latencies.push(ms);
        out.samples.push({ caseNo, at: new Date().toISOString(), ms: Math.round(ms * 10) / 10, server: timings[timings.length - 1] });
      } else out.errors++;
      if (!opened) await sleep(OPTS.stepPauseMs);
    }
    const slowest = out.samples.sort((a, b) => b.ms - a.ms).slice(0, 8);
    return { pauseMs: out.pauseMs, thinkMs: out.thinkMs, errors: out.errors, latencyMs: percentiles(out.latencies), serverTimingMs: phasePercentiles(timings.splice(0)), slowest };
  };
  // Reference: an update the workflow's validator refuses (a step the case is not at), sent
  // straight with the Temporal client — the round trip through the server and the worker
  // (a workflow task, a replay if the case is not cached) with nothing written anywhere.
  const refused: number[] = [];
  for (const caseNo of cases.slice(0, 50)) {
    const t0 = performance.now();
    await stack.temporal.workflow
      .getHandle(workflowIdFor(caseNo))
      .executeUpdate(completeStepUpdate, { args: [{ step: 'closure', actor: { id: 'bench', role: 'qa_manager', departmentId: 'dept-qa' }, data: {} }] })
      .then(
        () => {
          throw new Error('the refused update was accepted');
        },
        (err) => {
          if (!(err instanceof WorkflowUpdateFailedError)) throw err; // only the validator's refusal counts
        },
      );
    refused.push(performance.now() - t0);
  }
  // One person at a time (the latency a user sees). As the UI makes it: the case opened
  // (which warms its workflow up), the form filled in for OPTS.thinkMs — a person takes far
  // longer — then the step. And posted cold, by a client that never reads the case: back to
  // back (each step beside the background work the one before set off: forms, the next
  // workflow tasks), then one every OPTS.stepPauseMs (a quiet system); then 8 at once.
  // A quarter of the cases each.
  const quarter = Math.floor(cases.length / 4);
  const openedCases = cases.slice(3 * quarter, 4 * quarter);
  const opened = await pacedLoop(openedCases, contact, true);
  let i = 0;
  const sequential = await closedLoop(1, () => i >= quarter, async () => contact(cases[i++]));
  const sequentialTimings = timings.splice(0);
  const paced = await pacedLoop(cases.slice(quarter, 2 * quarter), contact);
  let j = 2 * quarter;
  const concurrent = await closedLoop(8, () => j >= 3 * quarter, async () => contact(cases[j++]));
  timings.splice(0);
  // The second step (the sample arrived) of the opened cases, opened again, and of the paced
  // ones, cold: by now none is cached, and each has a history one step longer to replay.
  const secondOpened = await pacedLoop(openedCases, sample, true);
  const secondPaced = await pacedLoop(cases.slice(quarter, 2 * quarter), sample);
  return {
    opened,
    secondOpened,
    sequential: { errors: sequential.errors, latencyMs: percentiles(sequential.latencies), serverTimingMs: phasePercentiles(sequentialTimings) },
    paced,
    secondPaced,
    concurrent8: { errors: concurrent.errors, latencyMs: percentiles(concurrent.latencies) },
    refusedUpdateMs: percentiles(refused),
  };
}

// ── 3. Reminder accuracy ───────────────────────────────────────────────────────────

async function benchReminders(stack: Stack) {
  const policy = policyDefinitionSchema.parse(fastPolicy);
  const created: string[] = [];
  // Spread over ~4 s, a few at once, as intake would.
  for (let i = 0; i < OPTS.reminderCases; i += 4) {
    const batch = await Promise.all(Array.from({ length: Math.min(4, OPTS.reminderCases - i) }, (_, k) => postComplaint(stack.reminderApiUrl, stack.reminderToken, 100_000 + i + k)));
    for (const b of batch) if (b.caseNo) created.push(b.caseNo);
    await sleep(400);
  }
  const rows = await stack.db.complaintCase.findMany({ where: { caseNo: { in: created } }, include: { clocks: true } });
  const planned = new Map<string, number>(); // `${caseNo}|reminder:${index}` → planned ms
  for (const c of rows) {
    const clock = c.clocks.find((k) => k.clockId === 'first_contact')!;
    const plan = computeClockPlan(policy, 'first_contact', c as unknown as CaseAttributes, clock.startedAt);
    plan.reminders.forEach((r, index) => planned.set(`${c.caseNo}|reminder:${index}`, Date.parse(r.at)));
  }
  const lastPlanned = Math.max(...planned.values());
  while (Date.now() < lastPlanned + 15_000 && stack.mails.filter((m) => planned.has(`${m.caseNo}|${m.kind}`)).length < planned.size) await sleep(500);

  const smtpDelays: number[] = [];
  for (const m of stack.mails) {
    const p = planned.get(`${m.caseNo}|${m.kind}`);
    if (p !== undefined) smtpDelays.push(m.at - p);
  }
  const sent = await stack.db.mailMessage.findMany({ where: { kind: 'reminder', case: { caseNo: { in: created } } }, select: { sentAt: true, idempotencyKey: true, case: { select: { caseNo: true } } } });
  const dbDelays: number[] = [];
  for (const m of sent) {
    // key: `${caseNo}:${clockId}:reminder:${lead}@${dueAt}:${recipient}`
    const lead = /:reminder:([^@]+)@/.exec(m.idempotencyKey)?.[1];
    const index = fastPolicy.clocks.first_contact.reminders.indexOf(lead ?? '');
    const p = planned.get(`${m.case!.caseNo}|reminder:${index}`);
    if (p !== undefined && m.sentAt) dbDelays.push(m.sentAt.getTime() - p);
  }
  const within1s = smtpDelays.filter((d) => d <= 1000).length;
  return {
    cases: created.length,
    planned: planned.size,
    received: smtpDelays.length,
    missing: planned.size - smtpDelays.length,
    within1s,
    smtpDelayMs: percentiles(smtpDelays),
    sentAtDelayMs: percentiles(dbDelays),
  };
}

// ── 4. Open cases and the worker's memory ──────────────────────────────────────────

async function benchOpenCases(stack: Stack) {
  const before = await workerMemory(stack);
  const existing = await stack.db.complaintCase.count({ where: { status: 'open' } });
  const toCreate = Math.max(0, OPTS.openCases - existing);
  const t0 = Date.now();
  const stopAt = t0 + OPTS.openMaxMinutes * 60_000;
  let i = 0;
  let created = 0;
  const statuses: Record<number, number> = {};
  // The worker's memory as cases accumulate (every 1000 created), to see where it levels off.
  const curve: { cases: number; seconds: number; rssMB: number; heapUsedMB: number }[] = [];
  let sampling = false;
  const r = await closedLoop(OPTS.concurrency, () => i >= toCreate || Date.now() > stopAt, async () => {
    const k = i++;
    const res = await postComplaint(stack.apiUrl, stack.token, 200_000 + k);
    statuses[res.status] = (statuses[res.status] ?? 0) + 1;
    if (res.status === 201 && ++created % 1000 === 0 && !sampling) {
      sampling = true;
      const m = await workerMemory(stack);
      curve.push({ cases: existing + created, seconds: Math.round((Date.now() - t0) / 1000), rssMB: m.rssMB, heapUsedMB: m.heapUsedMB });
      process.stdout.write(`  … ${existing + created} cases, worker RSS ${m.rssMB} MB (${uptime()})\n`);
      sampling = false;
    }
    return res.status === 201;
  });
  const createSeconds = (Date.now() - t0) / 1000;
  const drained = await waitForWorkerIdle(stack.db, 30 * 60_000);
  await sleep(10_000); // idle: nothing but pending timers
  const open = await stack.db.complaintCase.count({ where: { status: 'open' } });
  const running = await stack.temporal.workflow.count(`WorkflowType = 'complaintCase' AND ExecutionStatus = 'Running'`);
  const after = await workerMemory(stack);
  const documentsAfter = await workerMemory(stack, 'documents');
  // The same open cases served by a fresh worker (as after a deploy or a restart): what the
  // cases themselves cost, without what the intake burst left in the heap and the allocator.
  await stack.restartWorker();
  await sleep(20_000);
  const restarted = await workerMemory(stack);
  return {
    openCases: open,
    runningWorkflows: running.count,
    created: r.latencies.length,
    errors: r.errors,
    statuses,
    createSeconds,
    curve,
    createPerSecond: r.latencies.length / createSeconds,
    backlogDrainSeconds: drained.seconds,
    maxCachedWorkflows: loadConfig().env.WORKER_MAX_CACHED_WORKFLOWS ?? 'SDK default',
    workerNodeOptions: `${loadConfig().env.WORKER_NODE_OPTIONS}; MALLOC_ARENA_MAX=${process.env.MALLOC_ARENA_MAX ?? loadConfig().env.WORKER_MALLOC_ARENA_MAX}`,
    workerBefore: before,
    workerAfter: after,
    documentsWorkerAfter: documentsAfter,
    workerRestarted: restarted,
  };
}

// ── Report ─────────────────────────────────────────────────────────────────────────

function table(results: Record<string, any>): string { // eslint-disable-line @typescript-eslint/no-explicit-any
  const rows: [string, string, string, string][] = [];
  const f = (x: number, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : '—');
  const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');
  const { intake, raw, step, reminders, open } = results;
  if (intake) {
    rows.push(['intake: POST /api/complaints', `${f(intake.perSecond)} cases/s (${intake.created} in ${f(intake.seconds)} s, c=${intake.concurrency}, ${intake.errors} errors)`, '≥ 100 cases/s', verdict(intake.perSecond >= 100)]);
    rows.push(['  latency p50 / p95 / p99', `${f(intake.latencyMs.p50)} / ${f(intake.latencyMs.p95)} / ${f(intake.latencyMs.p99)} ms`, '', '']);
    const phases = Object.entries(intake.serverTimingMs ?? {});
    if (phases.length) rows.push(['  server phases p50 (p95)', phases.map(([n, p]) => `${n} ${f((p as { p50: number }).p50)} (${f((p as { p95: number }).p95)})`).join(', ') + ' ms', '', '']);
    rows.push(['  end to end (intake reports filed)', `${f(intake.endToEndPerSecond)} cases/s (worker done ${f(intake.workerDrainSeconds)} s after the last POST)`, '', '']);
  }
  if (raw) {
    rows.push(['raw client.workflow.start', `${f(raw.perSecond)} starts/s (c=${raw.concurrency}, ${raw.errors} errors)`, 'reference', '']);
    rows.push(['  latency p50 / p95 / p99', `${f(raw.latencyMs.p50)} / ${f(raw.latencyMs.p95)} / ${f(raw.latencyMs.p99)} ms`, '', '']);
  }
  if (step) {
    const phases = (timing: Record<string, { p50: number; p95: number }> | undefined) => {
      const list = Object.entries(timing ?? {});
      if (list.length) rows.push(['  server phases p50 (p95)', list.map(([n, p]) => `${n} ${f(p.p50)} (${f(p.p95)})`).join(', ') + ' ms', '', '']);
    };
    if (step.opened) {
      rows.push([`human step as the UI makes it: case opened, ${step.opened.thinkMs} ms, POST …/contact`, `p50 ${f(step.opened.latencyMs.p50)} / p95 ${f(step.opened.latencyMs.p95)} ms (n=${step.opened.latencyMs.n}, ${step.opened.errors} errors)`, 'p95 ≤ 50 ms', verdict(step.opened.latencyMs.p95 <= 50)]);
      phases(step.opened.serverTimingMs);
    }
    if (step.secondOpened) {
      rows.push([`  the same cases' second step (sample), opened first`, `p50 ${f(step.secondOpened.latencyMs.p50)} / p95 ${f(step.secondOpened.latencyMs.p95)} ms (n=${step.secondOpened.latencyMs.n}, ${step.secondOpened.errors} errors)`, 'p95 ≤ 50 ms', verdict(step.secondOpened.latencyMs.p95 <= 50)]);
      phases(step.secondOpened.serverTimingMs);
    }
    rows.push(['human step posted cold (case not opened): 1 at a time, back to back', `p50 ${f(step.sequential.latencyMs.p50)} / p95 ${f(step.sequential.latencyMs.p95)} ms (n=${step.sequential.latencyMs.n}, ${step.sequential.errors} errors)`, 'p95 ≤ 50 ms', verdict(step.sequential.latencyMs.p95 <= 50)]);
    phases(step.sequential.serverTimingMs);
    if (step.paced) {
      rows.push([`human step posted cold: 1 at a time, one every ${step.paced.pauseMs} ms`, `p50 ${f(step.paced.latencyMs.p50)} / p95 ${f(step.paced.latencyMs.p95)} ms (n=${step.paced.latencyMs.n}, ${step.paced.errors} errors)`, 'p95 ≤ 50 ms', verdict(step.paced.latencyMs.p95 <= 50)]);
      phases(step.paced.serverTimingMs);
    }
    if (step.secondPaced) {
      rows.push([`  the same cases' second step (sample), cold, 1 every ${step.secondPaced.pauseMs} ms`, `p50 ${f(step.secondPaced.latencyMs.p50)} / p95 ${f(step.secondPaced.latencyMs.p95)} ms (n=${step.secondPaced.latencyMs.n}, ${step.secondPaced.errors} errors)`, '', '']);
      phases(step.secondPaced.serverTimingMs);
    }
    if (step.refusedUpdateMs) rows.push(['  reference: refused update, client → server → worker', `p50 ${f(step.refusedUpdateMs.p50)} / p95 ${f(step.refusedUpdateMs.p95)} ms (n=${step.refusedUpdateMs.n}; nothing written)`, '', '']);
    rows.push(['  8 at once', `p50 ${f(step.concurrent8.latencyMs.p50)} / p95 ${f(step.concurrent8.latencyMs.p95)} ms (n=${step.concurrent8.latencyMs.n}, ${step.concurrent8.errors} errors)`, '', '']);
  }
  if (reminders) {
    rows.push(['reminder: planned → SMTP received', `p50 ${f(reminders.smtpDelayMs.p50, 0)} / p95 ${f(reminders.smtpDelayMs.p95, 0)} / max ${f(reminders.smtpDelayMs.max, 0)} ms (${reminders.received}/${reminders.planned} received)`, '≤ 1 s', verdict(reminders.missing === 0 && reminders.smtpDelayMs.max <= 1000)]);
    rows.push(['  planned → mail_message.sent_at', `p50 ${f(reminders.sentAtDelayMs.p50, 0)} / p95 ${f(reminders.sentAtDelayMs.p95, 0)} / max ${f(reminders.sentAtDelayMs.max, 0)} ms`, '', '']);
  }
  if (open) {
    rows.push([`worker RSS, ${open.openCases} open cases idle`, `${f(open.workerAfter.rssMB)} MB (heap used ${f(open.workerAfter.heapUsedMB)} MB; before ${f(open.workerBefore.rssMB)} MB)`, '≤ 350 MB', verdict(open.workerAfter.rssMB <= 350)]);
    rows.push(['document worker RSS after the burst (forms; separate process)', `${f(open.documentsWorkerAfter.rssMB)} MB (heap used ${f(open.documentsWorkerAfter.heapUsedMB)} MB)`, '', '']);
    if (open.workerRestarted) rows.push([`worker RSS, ${open.openCases} open cases, fresh worker`, `${f(open.workerRestarted.rssMB)} MB (heap used ${f(open.workerRestarted.heapUsedMB)} MB)`, '≤ 350 MB', verdict(open.workerRestarted.rssMB <= 350)]);
    rows.push(['  maxCachedWorkflows', String(open.maxCachedWorkflows), '', '']);
    if (open.workerNodeOptions) rows.push(['  worker process settings', String(open.workerNodeOptions), '', '']);
    rows.push(['  creating them', `${f(open.createPerSecond)} cases/s, worker backlog drained ${f(open.backlogDrainSeconds)} s later`, '', '']);
  }
  const w = [0, 1, 2].map((c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => `${r[0].padEnd(w[0])}  ${r[1].padEnd(w[1])}  ${r[2].padEnd(w[2])}  ${r[3]}`).join('\n');
}

async function main(): Promise<void> {
  const load = { before: uptime(), after: '' };
  console.log(`load before: ${load.before}`);
  const stack = await startStack();
  console.log(`stack up in ${stack.dataDir}`);
  const results: Record<string, unknown> = {};
  const run = async <T>(name: string, fn: () => Promise<T>): Promise<T | undefined> => {
    if (OPTS.skip.has(name)) return undefined;
    console.log(`▶ ${name} (${uptime()})`);
    const cpu0 = stack.processes.map((p) => cpuSeconds(p.child.pid));
    const t0 = performance.now();
    const r = await fn();
    const wall = (performance.now() - t0) / 1000;
    // Where the time went: cores used by each process during the phase (1.0 = one core busy).
    const coresUsed = Object.fromEntries(stack.processes.map((p, k) => [p.name, Math.round(((cpuSeconds(p.child.pid) - cpu0[k]) / wall) * 100) / 100]));
    results[name] = { ...(r as object), coresUsed, load: uptime() };
    console.log(`  cores used: ${JSON.stringify(coresUsed)}`);
    return r;
  };
  try {
    const intake = await run('intake', () => benchIntake(stack));
    // Each phase starts on an idle worker: the intake's cases first file their reports.
    const idle = () => waitForWorkerIdle(stack.db, 15 * 60_000);
    const drained = await idle();
    if (results.intake) {
      // End to end: every case's workflow has also filed its intake report (an activity of the worker).
      const r = results.intake as { created: number; seconds: number; workerDrainSeconds?: number; endToEndPerSecond?: number };
      r.workerDrainSeconds = drained.seconds;
      r.endToEndPerSecond = r.created / (r.seconds + drained.seconds);
    }
    await run('raw', () => benchRawStart(stack));
    let stepCases = intake?.caseNos ?? [];
    if (!OPTS.skip.has('step') && stepCases.length < OPTS.stepCases) {
      // Intake skipped (or too short): create the cases the step phase needs, untimed.
      let k = 0;
      const more: string[] = [];
      await closedLoop(8, () => k >= OPTS.stepCases - stepCases.length, async () => {
        const r = await postComplaint(stack.apiUrl, stack.token, 300_000 + k++);
        if (r.caseNo) more.push(r.caseNo);
        return r.status === 201;
      });
      stepCases = [...stepCases, ...more];
    }
    await idle();
    await run('step', () => benchHumanStep(stack, stepCases));
    await idle();
    await run('reminders', () => benchReminders(stack));
    await run('open', () => benchOpenCases(stack));
  } finally {
    load.after = uptime();
    await stack.stop();
  }
  if (results.intake) delete (results.intake as { caseNos?: string[] }).caseNos;
  console.log(`load after: ${load.after}\n`);
  console.log(table(results));
  const out = path.join('bench-results', `cases-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, JSON.stringify({ at: new Date().toISOString(), machine: { cpus: os.cpus().length, memMB: Math.round(os.totalmem() / 1048576), node: process.version }, options: { ...OPTS, skip: [...OPTS.skip] }, load, results }, null, 2));
  console.log(`\n${out}`);
  if (process.env.BENCH_KEEP_DATA) console.log(`data and logs kept in ${stack.dataDir}`);
  else fs.rmSync(stack.dataDir, { recursive: true, force: true });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
