/**
 * The web application: server-rendered pages on the API process, signed in with the
 * api/auth session cookie. Every page needs a signed-in person; a link such as
 * /cases/CC-2026-0001#reply goes through sign-in and back (the fragment is kept by the
 * browser and the sign-in form). Changes go through the same Temporal updates as the API
 * (api/services/steps.ts), so the workflow decides in both cases.
 */
import path from 'node:path';
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import type { Client } from '@temporalio/client';
import { SESSION_COOKIE, type Auth } from '../api/auth';
import { cookieValue, csrfToken, csrfValid } from '../api/csrf';
import { HttpError } from '../api/errors';
import { DEFAULT_ATTACHMENT_LIMITS, parseMultipart, type AttachmentLimits, type UploadedFile } from '../api/services/attachments';
import type { CaseService } from '../api/services/cases';
import { createPeopleService, type PeopleService } from '../api/services/people';
import { createStepService, type StepService } from '../api/services/steps';
import type { Db } from '../prisma/client';
import { html } from './html';
import { langOf, LANG_COOKIE, translator, type T } from './i18n';
import { page, type Ctx, type Me } from './layout';
import { myWorkCount } from './queries';
import { adminPages } from './pages/admin';
import { auditPages } from './pages/audit';
import { casePages } from './pages/case';
import { caseListPages } from './pages/cases';
import { dashboardPage } from './pages/dashboard';
import { newComplaintPages } from './pages/new';
import { satisfactionPage } from './pages/satisfaction';
import { signInPages } from './pages/signin';
import { workPage } from './pages/work';

export interface WebDeps {
  db: Db;
  temporal: Client;
  cases: CaseService;
  auth: Auth;
  timeZone: string;
  /** The deadline policy the administration page edits (default "default"). */
  policyName?: string;
  attachmentLimits?: AttachmentLimits;
  /** Mail goes to the embedded outbox (served at /outbox/): linked in the header. */
  outbox?: boolean;
  /** The Temporal Web UI: linked in the header when set. */
  temporalUiUrl?: string;
}

declare module 'express-serve-static-core' {
  interface Request {
    /** Files of a multipart web form (kit.upload), or why they could not be read. */
    upload?: { files: UploadedFile[]; error?: HttpError };
  }
}

export interface WebKit extends WebDeps {
  steps: StepService;
  people: PeopleService;
  policyName: string;
  attachmentLimits: AttachmentLimits;
  /** Urlencoded form bodies (web forms only; the API takes JSON), same-site posts only. */
  form: express.RequestHandler[];
  /** Multipart form bodies with files (into memory, within attachmentLimits): fields on req.body, files on req.upload. */
  upload: express.RequestHandler[];
  /** A page handler: signed-in person required (redirect to sign-in otherwise). */
  handle: (fn: (req: Request, res: Response, ctx: Ctx) => Promise<void> | void) => express.RequestHandler;
  /** 403 page unless the signed-in person has one of the roles. */
  requireRoles: (ctx: Ctx, roles: readonly string[]) => void;
  tOf: (req: Request) => T;
}


/** Only paths on this site (no //host, no scheme). */
export function safeNext(next: unknown): string {
  const s = typeof next === 'string' ? next : '';
  return /^\/(?![/\\])[^\s]*$/.test(s) && !s.startsWith('/signin') ? s : '/work';
}

export function webRoutes(deps: WebDeps): Router {
  const router = Router();
  const { db, auth } = deps;
  // Forms post with the SameSite=Lax session cookie; a cross-site post is refused outright as well.
  const sameSite: express.RequestHandler = (req, _res, next) =>
    next(req.get('sec-fetch-site') === 'cross-site' ? new HttpError(403, 'forbidden', 'Cross-site form posts are refused') : undefined);
  const form = [sameSite, express.urlencoded({ extended: false, limit: '1mb', parameterLimit: 2000 })];
  const attachmentLimits = deps.attachmentLimits ?? DEFAULT_ATTACHMENT_LIMITS;
  // Multipart is read only with a session cookie (otherwise the page handler sends the browser to sign-in).
  const multipart: express.RequestHandler = async (req, _res, next) => {
    if (!cookieValue(req, SESSION_COOKIE)) return next();
    try {
      const r = await parseMultipart(req, attachmentLimits, { perFileInStream: false });
      req.body = r.fields;
      req.upload = { files: r.files };
    } catch (err) {
      if (!(err instanceof HttpError)) return next(err);
      req.body = {};
      req.upload = { files: [], error: err };
    }
    next();
  };
  const upload = [sameSite, multipart];
  /** Forms that work without a session (sign-in, language, sign-out): 403 without the token. */
  const csrfStrict: express.RequestHandler = (req, res, next) => {
    if (csrfValid(req, { allowPreSession: true })) return next();
    const t = tOf(req);
    res
      .status(403)
      .type('html')
      .send(page(null, t, t('csrf_title'), html`<p class="flash flash-error" role="alert">${t('csrf_failed')}</p><p><a href="/signin">${t('sign_in')}</a></p>`, { csrf: csrfToken(req, res) }));
  };
  const tOf = (req: Request, locale?: string | null) => translator(langOf(req.headers.cookie, locale));

  async function signedIn(req: Request): Promise<{ me: Me; mustChange: boolean; locale: string } | null> {
    const token = cookieValue(req, SESSION_COOKIE);
    if (!token) return null;
    const p = await auth.principalOf(token);
    if (!p) return null;
    const person = await db.person.findUnique({ where: { id: p.personId } });
    if (!person?.active) return null;
    return {
      me: { id: person.id, name: person.name, email: person.email, role: person.role, departmentId: person.departmentId },
      mustChange: p.mustChangePassword,
      locale: person.locale,
    };
  }

  const handle: WebKit['handle'] = (fn) => async (req, res, next: NextFunction) => {
    let ctx: Ctx | null = null;
    try {
      const s = await signedIn(req);
      if (!s) {
        // A form posted after the session ended: back to the page it came from, not to the POST target.
        let back = req.originalUrl;
        if (req.method !== 'GET') {
          const ref = req.get('referer');
          back = ref && ref.startsWith(`${req.protocol}://${req.get('host')}/`) ? ref.slice(`${req.protocol}://${req.get('host')}`.length) : '/work';
        }
        res.redirect(303, `/signin?next=${encodeURIComponent(safeNext(back))}`);
        return;
      }
      if (s.mustChange && req.path !== '/password') {
        res.redirect(303, '/password');
        return;
      }
      const t = tOf(req, s.locale);
      ctx = {
        t,
        me: s.me,
        tz: deps.timeZone,
        workCount: await myWorkCount(db, s.me),
        url: req.originalUrl,
        csrf: csrfToken(req, res),
        links: { outbox: !!deps.outbox, temporalUi: deps.temporalUiUrl },
      };
      // Every change needs the session's CSRF token (a form whose upload could not be read only shows why).
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        if (req.upload?.error) throw req.upload.error;
        if (!csrfValid(req)) throw new HttpError(403, 'csrf', t('csrf_failed'));
      }
      await fn(req, res, ctx);
    } catch (err) {
      if (res.headersSent) return next(err);
      const e = err instanceof HttpError ? err : null;
      if (!e) return next(err);
      const t = ctx?.t ?? tOf(req);
      const msg = e.code === 'csrf' ? t('csrf_title') : e.status === 403 ? t('forbidden') : e.status === 404 ? t('not_found') : t('error');
      res.status(e.status).type('html').send(page(ctx, t, msg, html`<p class="flash flash-error" role="alert">${e.message}</p><p><a href="/work">${t('my_work')}</a></p>`, { csrf: csrfToken(req, res) }));
    }
  };

  const requireRoles: WebKit['requireRoles'] = (ctx, roles) => {
    if (!roles.includes(ctx.me.role)) throw new HttpError(403, 'forbidden', `${ctx.t('forbidden')} (${roles.map((r) => ctx.t.enum(r)).join(' / ')})`);
  };

  const kit: WebKit = {
    ...deps,
    policyName: deps.policyName ?? 'default',
    steps: createStepService({ db, temporal: deps.temporal, cases: deps.cases, auth }),
    people: createPeopleService(db, auth),
    attachmentLimits,
    form,
    upload,
    handle,
    requireRoles,
    tOf: (req) => tOf(req),
  };

  // Pages: scripts and styles from this site only, no framing.
  const pagePaths = /^\/(?:$|signin|signout|password|lang|work|cases|dashboard|satisfaction|audit|admin|tokens|static)(?:[/.?]|$)/;
  router.use((req, res, next) => {
    if (pagePaths.test(req.path)) {
      res.set('Content-Security-Policy', "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; frame-ancestors 'none'; form-action 'self'");
      res.set('X-Content-Type-Options', 'nosniff');
      res.set('Referrer-Policy', 'same-origin');
    }
    next();
  });
  router.use('/static', express.static(path.join(__dirname, 'static'), { maxAge: '1h', index: false }));
  router.post('/lang', ...form, csrfStrict, (req, res) => {
    const lang = req.body?.lang === 'en' ? 'en' : 'zh';
    res.cookie(LANG_COOKIE, lang, { sameSite: 'lax', path: '/', maxAge: 365 * 86_400_000 });
    res.redirect(303, safeNext(req.body?.next));
  });
  router.get('/', (_req, res) => res.redirect(303, '/work'));

  signInPages(router, kit, csrfStrict);
  workPage(router, kit);
  caseListPages(router, kit);
  newComplaintPages(router, kit);
  casePages(router, kit);
  dashboardPage(router, kit);
  satisfactionPage(router, kit);
  auditPages(router, kit);
  adminPages(router, kit);
  return router;
}
