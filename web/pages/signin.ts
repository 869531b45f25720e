/** Sign-in (api/auth session cookie), sign-out, password change. */
import type { Request, RequestHandler, Response, Router } from 'express';
import { csrfToken } from '../../api/csrf';
import { requestToken, SESSION_COOKIE } from '../../api/auth';
import { HttpError } from '../../api/errors';
import { html } from '../html';
import { page } from '../layout';
import { safeNext, type WebKit } from '../index';

export function signInPages(router: Router, kit: WebKit, csrfStrict: RequestHandler): void {
  const { auth } = kit;

  const form = (req: Request, res: Response, opts: { email?: string; error?: string; next?: string; status?: number } = {}) => {
    const t = kit.tOf(req);
    const next = safeNext(opts.next ?? req.query.next);
    const needed = typeof req.query.next === 'string' && !opts.error;
    res
      .status(opts.status ?? 200)
      .type('html')
      .send(
        page(
          null,
          t,
          t('sign_in'),
          html`<div class="card signin">
  ${needed ? html`<p class="muted">${t('signin_needed')}</p>` : ''}
  ${opts.error ? html`<p class="flash flash-error" role="alert" id="signin-err">${opts.error}</p>` : ''}
  <form method="post" action="/signin" class="stack" novalidate>
    <input type="hidden" name="next" value="${next}" data-keep-hash>
    <div class="field"><label for="email">${t('email')}</label><input type="email" id="email" name="email" value="${opts.email ?? ''}" autocomplete="username" required autofocus${opts.error ? html` aria-describedby="signin-err"` : ''}></div>
    <div class="field"><label for="password">${t('password')}</label><input type="password" id="password" name="password" autocomplete="current-password" required></div>
    <button type="submit">${t('sign_in')}</button>
  </form></div>`,
          { csrf: csrfToken(req, res) },
        ),
      );
  };

  router.get('/signin', (req, res) => form(req, res));

  router.post('/signin', ...kit.form, csrfStrict, async (req, res, next) => {
    const t = kit.tOf(req);
    const email = String(req.body?.email ?? '').trim();
    const password = String(req.body?.password ?? '');
    const target = safeNext(req.body?.next);
    if (!email || !password) return form(req, res, { email, error: t('signin_failed'), next: target, status: 400 });
    try {
      const r = await auth.signIn(email, password, { userAgent: req.get('user-agent'), ip: req.ip });
      res.cookie(SESSION_COOKIE, r.token, { httpOnly: true, sameSite: 'lax', secure: req.secure, path: '/', expires: r.expiresAt });
      res.redirect(303, r.mustChangePassword ? `/password?next=${encodeURIComponent(target)}` : target);
    } catch (err) {
      if (err instanceof HttpError && (err.status === 401 || err.status === 423)) {
        return form(req, res, { email, error: t(err.status === 423 ? 'account_locked' : 'signin_failed'), next: target, status: err.status });
      }
      next(err);
    }
  });

  router.post('/signout', ...kit.form, csrfStrict, async (req, res) => {
    const token = requestToken(req);
    if (token) await auth.signOut(token, { ip: req.ip });
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    res.redirect(303, '/signin');
  });

  const passwordPage = (res: Response, ctx: Parameters<Parameters<WebKit['handle']>[0]>[2], opts: { error?: string; field?: string; done?: boolean; must?: boolean } = {}) => {
    const { t } = ctx;
    const err = (f: string) => (opts.field === f && opts.error ? html`<p class="err" id="${f}-err">${opts.error}</p>` : '');
    res.status(opts.error ? 422 : 200).type('html').send(
      page(
        ctx,
        t,
        t('change_password'),
        html`<div class="card" style="max-width:480px">
  ${opts.must ? html`<p class="flash flash-error" role="alert">${t('must_change')}</p>` : ''}
  ${opts.done ? html`<p class="flash flash-ok" role="status">${t('password_changed')}</p>` : ''}
  <form method="post" action="/password" class="stack" novalidate>
    <div class="field${opts.field === 'currentPassword' ? ' has-err' : ''}"><label for="currentPassword">${t('current_password')}</label><input type="password" id="currentPassword" name="currentPassword" autocomplete="current-password" required>${err('currentPassword')}</div>
    <div class="field${opts.field === 'newPassword' ? ' has-err' : ''}"><label for="newPassword">${t('new_password')}</label><input type="password" id="newPassword" name="newPassword" autocomplete="new-password" required>${err('newPassword')}</div>
    <button type="submit">${t('save')}</button>
  </form></div>`,
      ),
    );
  };

  router.get(
    '/password',
    kit.handle(async (req, res, ctx) => {
      const token = requestToken(req)!;
      const p = await auth.principalOf(token);
      passwordPage(res, ctx, { must: p?.mustChangePassword, done: req.query.done === '1' });
    }),
  );

  router.post(
    '/password',
    ...kit.form,
    kit.handle(async (req, res, ctx) => {
      const token = requestToken(req)!;
      const p = await auth.principalOf(token);
      try {
        await auth.changePassword(ctx.me.id, String(req.body?.currentPassword ?? ''), String(req.body?.newPassword ?? ''), p?.credentialId);
      } catch (err) {
        if (err instanceof HttpError && (err.status === 401 || err.status === 422)) {
          return passwordPage(res, ctx, { error: err.errors[0]?.reason ?? err.message, field: err.status === 401 ? 'currentPassword' : 'newPassword', must: p?.mustChangePassword });
        }
        throw err;
      }
      res.redirect(303, '/password?done=1');
    }),
  );
}
