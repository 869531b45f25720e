/**
 * The Express application, built from its dependencies (exported separately from
 * `listen`, so tests drive it with supertest). Thin route handlers, one error handler.
 */
import express from 'express';
import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import type { Db } from '../prisma/client';
import { createAuth, requireRole, type Auth } from './auth';
import { errorHandler, HttpError } from './errors';
import { buildOpenApi } from './openapi';
import { RouteRegistry } from './registry';
import { auditRoutes } from './routes/audit';
import { authRoutes } from './routes/auth';
import { complaintRoutes } from './routes/complaints';
import { attachmentRoutes } from './routes/attachments';
import { auditLogRoutes } from './routes/security';
import { stepRoutes } from './routes/steps';
import { surveyRoutes } from './routes/survey';
import { csiRoutes } from './routes/csi';
import { customerRoutes } from './routes/customers';
import { healthRoutes } from './routes/health';
import { outboxRouter } from './routes/outbox';
import { mailRoutes } from './routes/mail';
import { peopleRoutes } from './routes/people';
import { reportRoutes } from './routes/reports';
import { policyRoutes } from './routes/policies';
import { createCaseService, type CaseService } from './services/cases';
import type { WarmUpOptions } from './services/warm-up';
import { DEFAULT_ATTACHMENT_LIMITS } from './services/attachments';
import { noteArrival } from './timing';
import { webRoutes } from '../web';

export interface AppDeps {
  db: Db;
  temporal: Client;
  log: Logger;
  taskQueue: string;
  /** Where the forms are rendered (DOCUMENTS_TASK_QUEUE, served by scripts/documents-worker.ts); absent: by the case worker. */
  documentsTaskQueue?: string;
  namespace: string;
  timeZone: string;
  publicUrl: string;
  /** Served at /outbox when mail goes to .eml files instead of SMTP. */
  outboxDir?: string;
  /** RECORD_RETENTION_YEARS (default 10). */
  retentionYears?: number;
  /** The company on filed reports (COMPANY_NAME / COMPANY_NAME_EN). */
  company?: { name: string; nameEn: string };
  /** Deadline policy for new cases (default: "default"). */
  policyName?: string;
  /** Session lifetime (default 8 h). */
  sessionTtlMs?: number;
  /** Attachment limits (ATTACHMENT_MAX_BYTES, default 10 MiB per file; 10 files per upload). */
  attachmentMaxBytes?: number;
  /** The Temporal Web UI (TEMPORAL_UI_URL): linked in the page header when set. */
  temporalUiUrl?: string;
  /** Warm-up of an opened case's workflow (CASE_WARM_UP; api/services/warm-up.ts); `false` turns it off. */
  warmUp?: WarmUpOptions | false;
}

export function createApp(deps: AppDeps): { app: express.Express; cases: CaseService; auth: Auth } {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(noteArrival);
  app.use(express.json({ limit: '1mb' }));

  const registry = new RouteRegistry();
  const cases = createCaseService({ db: deps.db, temporal: deps.temporal, taskQueue: deps.taskQueue, documentsTaskQueue: deps.documentsTaskQueue, timeZone: deps.timeZone, policyName: deps.policyName ?? 'default', retentionYears: deps.retentionYears, warmUp: deps.warmUp });

  const auth = createAuth({ db: deps.db, sessionTtlMs: deps.sessionTtlMs });
  const authenticated = auth.authenticate();

  app.use(healthRoutes(registry, { db: deps.db, temporal: deps.temporal, namespace: deps.namespace, taskQueue: deps.taskQueue, documentsTaskQueue: deps.documentsTaskQueue }));
  app.use(authRoutes(registry, { auth }));
  // Everything else under /api needs a signed-in person (session cookie, session token or
  // API token); each route then checks the role, and the workflow checks it again per step.
  app.use('/api', (req, res, next) => (req.path === '/openapi.json' ? next() : authenticated(req, res, next)));
  const company = deps.company ?? { name: 'XX公司', nameEn: 'XX Company' };
  app.use(complaintRoutes(registry, { db: deps.db, temporal: deps.temporal, cases, timeZone: deps.timeZone, company }));
  const attachmentLimits = { ...DEFAULT_ATTACHMENT_LIMITS, ...(deps.attachmentMaxBytes ? { maxBytes: deps.attachmentMaxBytes } : {}) };
  app.use(attachmentRoutes(registry, { db: deps.db, limits: attachmentLimits }));
  app.use(stepRoutes(registry, { db: deps.db, temporal: deps.temporal, cases, auth }));
  app.use(peopleRoutes(registry, deps.db, auth));
  app.use(mailRoutes(registry, deps.db));
  app.use(reportRoutes(registry, { db: deps.db, cases, timeZone: deps.timeZone, company }));
  app.use(surveyRoutes(registry, { db: deps.db, temporal: deps.temporal, cases }));
  app.use(customerRoutes(registry, deps.db));
  app.use(csiRoutes(registry, { db: deps.db, timeZone: deps.timeZone, company }));
  app.use(policyRoutes(registry, deps.db));
  app.use(auditLogRoutes(registry, deps.db));
  app.use(auditRoutes(registry, { db: deps.db, temporal: deps.temporal, timeZone: deps.timeZone, company }));
  const openapi = () => buildOpenApi(registry.routes, { title: 'QMS customer complaints', version: '0.1.0', serverUrl: deps.publicUrl });
  app.get('/api/openapi.json', (_req, res) => {
    res.json(openapi());
  });
  if (deps.outboxDir) app.use('/outbox', authenticated, requireRole('admin', 'qa_manager', 'auditor'), outboxRouter(deps.outboxDir));
  app.use(
    webRoutes({
      db: deps.db,
      temporal: deps.temporal,
      cases,
      auth,
      timeZone: deps.timeZone,
      policyName: deps.policyName,
      attachmentLimits,
      outbox: !!deps.outboxDir,
      temporalUiUrl: deps.temporalUiUrl,
    }),
  );

  app.use((req, _res, next) => next(new HttpError(404, 'not_found', `No route for ${req.method} ${req.path}`)));
  app.use(errorHandler(deps.log));
  return { app, cases, auth };
}
