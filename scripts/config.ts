/**
 * Runtime configuration, from environment variables with defaults for the embedded run.
 * Only process entry points (scripts/*) read this; everything else receives what it
 * needs through factories (createApp, createActivities, …).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { durationError, durationString, parseDuration } from '../activities/calendar/duration';
import { csiScoresSchema, DEFAULT_CSI_SCORES } from '../activities/csi';
import type { CsiSettings } from '../activities/quarterly-survey';

const port = z.coerce.number().int().min(0).max(65535);
const bool = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no', ''])
  .transform((v) => v === '1' || v === 'true' || v === 'yes');

const envSchema = z.object({
  NODE_ENV: z.string().default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  HOST: z.string().default('127.0.0.1'),
  PORT: port.default(3000),
  PUBLIC_URL: z.string().url().optional(),
  DATA_DIR: z.string().default('./.data'),

  // Temporal: embedded dev server unless TEMPORAL_ADDRESS points at a cluster / Temporal Cloud.
  TEMPORAL_ADDRESS: z.string().optional(),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  TEMPORAL_TASK_QUEUE: z.string().default('complaints'),
  /**
   * Task queue of the document worker (scripts/documents-worker.ts), which renders and files the
   * forms (PDF) in a process of its own: default "<TEMPORAL_TASK_QUEUE>-documents". Set it equal to
   * TEMPORAL_TASK_QUEUE to render in the case worker instead (one process fewer, slower steps).
   */
  DOCUMENTS_TASK_QUEUE: z.string().optional(),
  /** Forms the document worker renders at once (CPU-bound: about one per core). */
  DOCUMENTS_CONCURRENCY: z.coerce.number().int().min(1).default(2),
  /** The document worker's nice value (0–19): rendering backlog yields the CPU to intake and steps. */
  DOCUMENTS_NICE: z.coerce.number().int().min(0).max(19).default(10),
  TEMPORAL_API_KEY: z.string().optional(),
  TEMPORAL_TLS: bool.optional(),
  TEMPORAL_TLS_CERT: z.string().optional(),
  TEMPORAL_TLS_KEY: z.string().optional(),
  TEMPORAL_TLS_CA: z.string().optional(),
  TEMPORAL_TLS_SERVER_NAME: z.string().optional(),
  TEMPORAL_CLI_PATH: z.string().optional(),
  TEMPORAL_PORT: port.default(7233),
  TEMPORAL_UI_PORT: port.default(8233),
  /** Pragmas for the embedded dev server's SQLite file, comma-separated ("" = SQLite's defaults). */
  TEMPORAL_SQLITE_PRAGMAS: z.string().default('journal_mode=wal,synchronous=normal'),
  /** The Temporal Web UI, linked in the web pages' header for administrators, QA managers and auditors (npm start sets it for the embedded dev server). */
  TEMPORAL_UI_URL: z.string().url().optional(),

  // Database: embedded PGlite socket server unless DATABASE_URL is set.
  DATABASE_URL: z.string().optional(),
  PGLITE_PORT: port.default(5433),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),

  // Worker: how many workflows it keeps in memory between tasks. The SDK's default follows the heap
  // limit (≈ 2 300 with a 4 GB heap, ≈ 0.4 MB each for a case); an evicted workflow is replayed
  // from its (short) history at its next task. Measured with scripts/bench-cases.ts.
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).default(100),
  // API: opening an open case (its page, GET /api/complaints/:caseNo) warms its workflow up in the
  // worker, so the step that follows does not wait for a replay (api/services/warm-up.ts).
  CASE_WARM_UP: bool.default(true),
  // Activities (and local activities) a worker runs at once. They share one event loop and are
  // mostly CPU (PDF forms) or short database writes: beyond a few per core they only pile up
  // memory (the SDK's default of 100 each took the worker past 1 GB RSS in a burst of intake).
  WORKER_MAX_CONCURRENT_ACTIVITIES: z.coerce.number().int().min(1).default(16),
  WORKER_MAX_CONCURRENT_LOCAL_ACTIVITIES: z.coerce.number().int().min(1).default(16),
  /**
   * Node/V8 options of the case worker process (npm start appends them to NODE_OPTIONS; run
   * `npm run worker` with them too). Small young generations and a bounded old generation make
   * V8 collect instead of growing its heaps in a burst of cases and keeping the memory: after
   * 3 000 cases created at 55/s the worker stayed at 310 MB RSS, against 590 MB without them,
   * at the same rate; 315 MB after 10 000 (npm run bench). Its JavaScript heap in use is ≈ 70–100 MB.
   */
  WORKER_NODE_OPTIONS: z.string().default('--max-semi-space-size=1 --max-old-space-size=256'),
  /** glibc malloc arenas of the case worker (MALLOC_ARENA_MAX): fewer arenas, less memory kept by its native threads. */
  WORKER_MALLOC_ARENA_MAX: z.coerce.number().int().min(1).default(2),

  // Mail: SMTP when SMTP_URL is set, otherwise .eml files in the outbox folder.
  SMTP_URL: z.string().optional(),
  MAIL_FROM: z.string().default('QMS Complaints <qms-complaints@localhost>'),
  OUTBOX_DIR: z.string().optional(),
  /** Give up on a message (mark it failed, escalate to the QA manager) when its first attempt is older than this. */
  MAIL_GIVE_UP_AFTER: durationString.default('24h'),
  // Secret for links sent to customers (survey); default: generated once under DATA_DIR.
  LINK_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),

  // The quarterly customer satisfaction questionnaire (§6(4)).
  /** Reminders to contacts who have not answered, after the round opens: one duration or several ("7d,11d"). */
  CSI_REMIND_AFTER: z
    .string()
    .default('7d')
    .refine((s) => s.split(',').every((d) => durationError(d.trim()) === undefined), { message: 'must be durations like 7d or 7d,11d' }),
  /** The round closes this long after it opens; later answers are refused. */
  CSI_CLOSE_AFTER: durationString.default('14d'),
  /** Grade scores as JSON, e.g. {"A":100,"A-":80,"B+":60,"B":40,"B-":20,"C":0,"D":-100} (the default). */
  CSI_SCORES: z.string().optional(),

  // Company / procedure.
  COMPANY_NAME: z.string().default('XX公司'),
  COMPANY_NAME_EN: z.string().default('XX Company'),
  TIME_ZONE: z.string().default('Asia/Shanghai'),
  SEED_FILE: z.string().default('prisma/seed-data.json'),
  DEADLINE_POLICY_FILE: z.string().optional(),
  /** Name of the deadline policy new cases take (its latest version). */
  DEADLINE_POLICY_NAME: z.string().min(1).default('default'),

  // Accounts: the first administrator (seeded once) and the session lifetime.
  ADMIN_EMAIL: z.string().email().optional(),
  ADMIN_PASSWORD: z.string().min(10).optional(),
  SESSION_TTL_HOURS: z.coerce.number().positive().max(24 * 30).default(8),
  // Attachments (photos, customer documents): bytes per file.
  ATTACHMENT_MAX_BYTES: z.coerce.number().int().min(1024).max(100 * 1024 * 1024).default(10 * 1024 * 1024),
  // Records of a closed case are kept at least this long (never less than the legal minimum below).
  RECORD_RETENTION_YEARS: z.coerce.number().int().min(1).max(100).default(10),
  RECORD_RETENTION_MIN_YEARS: z.coerce.number().int().min(1).max(100).default(10),
});

export type Env = z.infer<typeof envSchema>;

export interface Config {
  env: Env;
  dataDir: string;
  outboxDir: string;
  publicUrl: string;
  /** LINK_SECRET, or a random secret kept in DATA_DIR/link-secret (shared by every process on that folder). */
  linkSecret(): string;
  embeddedTemporal: boolean;
  embeddedDatabase: boolean;
  temporal: {
    address: string;
    namespace: string;
    taskQueue: string;
    /** DOCUMENTS_TASK_QUEUE (default "<taskQueue>-documents"). */
    documentsTaskQueue: string;
    apiKey?: string;
    tls?: { serverName?: string; cert?: string; key?: string; ca?: string } | boolean;
  };
  databaseUrl: string;
  /** The quarterly questionnaire's times and grade scores. */
  csi: CsiSettings;
  /** The company on filed forms and reports (COMPANY_NAME, COMPANY_NAME_EN). */
  company: { name: string; nameEn: string };
}

/** Parse and validate the environment; throws a readable error naming each bad variable. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const env = parsed.data;
  if (env.RECORD_RETENTION_YEARS < env.RECORD_RETENTION_MIN_YEARS) {
    throw new Error(`Invalid configuration:\n  RECORD_RETENTION_YEARS: must be at least RECORD_RETENTION_MIN_YEARS (${env.RECORD_RETENTION_MIN_YEARS}), the legal minimum`);
  }
  const csi = csiSettings(env);
  const dataDir = path.resolve(env.DATA_DIR);
  const tlsFiles = env.TEMPORAL_TLS_CERT || env.TEMPORAL_TLS_KEY || env.TEMPORAL_TLS_CA;
  return {
    env,
    dataDir,
    outboxDir: path.resolve(env.OUTBOX_DIR ?? path.join(dataDir, 'outbox')),
    csi,
    company: { name: env.COMPANY_NAME, nameEn: env.COMPANY_NAME_EN },
    linkSecret: () => env.LINK_SECRET ?? fileSecret(path.join(dataDir, 'link-secret')),
    publicUrl: (env.PUBLIC_URL ?? `http://${env.HOST === '0.0.0.0' ? 'localhost' : env.HOST}:${env.PORT}`).replace(/\/$/, ''),
    embeddedTemporal: !env.TEMPORAL_ADDRESS,
    embeddedDatabase: !env.DATABASE_URL,
    temporal: {
      address: env.TEMPORAL_ADDRESS ?? `127.0.0.1:${env.TEMPORAL_PORT}`,
      namespace: env.TEMPORAL_NAMESPACE,
      taskQueue: env.TEMPORAL_TASK_QUEUE,
      documentsTaskQueue: env.DOCUMENTS_TASK_QUEUE ?? `${env.TEMPORAL_TASK_QUEUE}-documents`,
      apiKey: env.TEMPORAL_API_KEY,
      tls: tlsFiles
        ? { serverName: env.TEMPORAL_TLS_SERVER_NAME, cert: env.TEMPORAL_TLS_CERT, key: env.TEMPORAL_TLS_KEY, ca: env.TEMPORAL_TLS_CA }
        : env.TEMPORAL_TLS ?? !!env.TEMPORAL_API_KEY,
    },
    databaseUrl: env.DATABASE_URL ?? `postgresql://postgres:postgres@127.0.0.1:${env.PGLITE_PORT}/postgres?sslmode=disable`,
  };
}

/** A random secret kept in a file (created once, mode 0600). */
function fileSecret(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    try {
      fs.writeFileSync(file, crypto.randomBytes(32).toString('hex'), { flag: 'wx', mode: 0o600 });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    return fs.readFileSync(file, 'utf8').trim();
  }
}

/** CSI_REMIND_AFTER, CSI_CLOSE_AFTER and CSI_SCORES, checked together (every reminder before the close). */
export function csiSettings(env: Pick<Env, 'CSI_REMIND_AFTER' | 'CSI_CLOSE_AFTER' | 'CSI_SCORES'>): CsiSettings {
  const remindAfter = env.CSI_REMIND_AFTER.split(',').map((d) => d.trim());
  const close = parseDuration(env.CSI_CLOSE_AFTER).ms;
  const late = remindAfter.find((d) => parseDuration(d).ms >= close);
  if (late) throw new Error(`Invalid configuration:\n  CSI_REMIND_AFTER: ${late} is not before CSI_CLOSE_AFTER (${env.CSI_CLOSE_AFTER})`);
  let scores = DEFAULT_CSI_SCORES;
  if (env.CSI_SCORES) {
    let raw: unknown;
    try {
      raw = JSON.parse(env.CSI_SCORES);
    } catch {
      throw new Error('Invalid configuration:\n  CSI_SCORES: is not JSON');
    }
    const parsed = csiScoresSchema.safeParse(raw);
    if (!parsed.success) throw new Error(`Invalid configuration:\n  CSI_SCORES: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'scores'} ${i.message}`).join('; ')}`);
    scores = parsed.data;
  }
  return { remindAfter, closeAfter: env.CSI_CLOSE_AFTER, scores };
}
