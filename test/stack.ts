/**
 * The whole product for an end-to-end test, every part real: the run's Temporal dev
 * server and database, an SMTP server on loopback (messages parsed with mailparser),
 * a worker with the real activities, and the API over HTTP.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import pino from 'pino';
import { SMTPServer } from 'smtp-server';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createActivities } from '../activities';
import { createDocumentActivities } from '../activities/documents';
import { createMailTransport } from '../activities/mail/transport';
import { createApp } from '../api/app';
import type { Db } from '../prisma/client';
import { ensurePolicy } from '../prisma/seed';
import { TEST_PASSWORD, testDb, testEnv, uid } from './helpers';
import { WORKFLOW_CODE } from '../scripts/workflow-bundle';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Api = (method: string, p: string, body?: unknown, headers?: Record<string, string>) => Promise<{ status: number; headers: Headers; body: any }>;

const TIME_ZONE = 'Asia/Shanghai';
const COMPANY = { name: 'XX公司', nameEn: 'XX Company' };

export interface Stack {
  env: TestWorkflowEnvironment;
  db: Db;
  inbox: ParsedMail[];
  policyName: string;
  baseUrl: string;
  taskQueue: string;
  cases: import('../api/services/cases').CaseService;
  /** Signed in as the QA manager (p-qam-liu), who may read everything and record complaints. */
  api: Api;
  /** Signed in as this seeded person (password TEST_PASSWORD). */
  as(personId: string): Promise<Api>;
  /** Not signed in. */
  anon: Api;
  close(): Promise<void>;
}

export interface StackOptions {
  /** Another Temporal environment (e.g. the time-skipping test server); default: the run's dev server. Torn down by close(). */
  env?: TestWorkflowEnvironment;
}

export async function startStack(policy: Record<string, unknown>, name = 'e2e', options: StackOptions = {}): Promise<Stack> {
  const policyName = uid(`${name}-policy`);
  const taskQueue = uid(name);
  const env = options.env ?? (await TestWorkflowEnvironment.createFromExistingServer({ address: testEnv().temporalAddress }));
  const db = testDb();
  await ensurePolicy(db, policyName, policy);

  const inbox: ParsedMail[] = [];
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, _session, cb) {
      simpleParser(stream).then((m) => {
        inbox.push(m);
        cb();
      }, cb);
    },
  });
  await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
  const smtpPort = (smtp.server.address() as { port: number }).port;

  const transport = createMailTransport({
    smtpUrl: `smtp://127.0.0.1:${smtpPort}`,
    outboxDir: fs.mkdtempSync(path.join(os.tmpdir(), 'outbox-')),
    from: 'QMS <qms@example.test>',
  });
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    ...WORKFLOW_CODE,
    activities: createActivities({
      db,
      transport,
      publicUrl: 'http://qms.example.test',
      timeZone: TIME_ZONE,
      mailDomain: 'example.test',
      fromAddress: 'qms@example.test',
      company: COMPANY,
      linkSecret: 'test-link-secret-0123456789abcdef0123456789',
    }),
  });
  // The forms are rendered by a document worker on a queue of their own, as in production
  // (scripts/documents-worker.ts); here in the same process.
  const documentsTaskQueue = `${taskQueue}-documents`;
  const documentsWorker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue: documentsTaskQueue,
    activities: createDocumentActivities({ db, timeZone: TIME_ZONE, company: COMPANY }),
  });
  const running = Promise.all([worker.run(), documentsWorker.run()]);

  const { app, cases } = createApp({
    db,
    temporal: env.client,
    log: pino({ level: 'silent' }),
    taskQueue,
    documentsTaskQueue,
    namespace: 'default',
    timeZone: TIME_ZONE,
    publicUrl: 'http://qms.example.test',
    policyName,
  });
  const server = http.createServer(app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;

  const call =
    (token?: string): Api =>
    async (method, p, body, headers = {}) => {
      const auth: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
      const res = await fetch(base + p, {
        method,
        headers: body === undefined ? { ...auth, ...headers } : { 'content-type': 'application/json', ...auth, ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const type = res.headers.get('content-type') ?? '';
      return { status: res.status, headers: res.headers, body: type.includes('json') ? await res.json() : Buffer.from(await res.arrayBuffer()) };
    };
  const sessions = new Map<string, Api>();
  async function signedIn(personId: string): Promise<Api> {
    const known = sessions.get(personId);
    if (known) return known;
    const p = await db.person.findUniqueOrThrow({ where: { id: personId } });
    const r = await call()('POST', '/api/auth/login', { email: p.email, password: TEST_PASSWORD });
    if (r.status !== 200) throw new Error(`sign-in of ${personId} failed: ${r.status} ${JSON.stringify(r.body)}`);
    const api = call(r.body.token);
    sessions.set(personId, api);
    return api;
  }

  return {
    env,
    db,
    inbox,
    policyName,
    baseUrl: base,
    taskQueue,
    cases,
    api: await signedIn('p-qam-liu'),
    as: signedIn,
    anon: call(),
    async close() {
      await new Promise((r) => server.close(r));
      await cases.close();
      worker.shutdown();
      documentsWorker.shutdown();
      await running;
      await new Promise((r) => smtp.close(r as () => void));
      await db.$disconnect();
      await env.teardown();
    },
  };
}
