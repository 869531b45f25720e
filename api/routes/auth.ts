/** /api/auth — sign in / out, who am I, password change, personal API tokens. */
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { requestToken, SESSION_COOKIE, type Auth } from '../auth';
import { HttpError, notFound } from '../errors';
import type { RouteRegistry } from '../registry';

export interface AuthRouteDeps {
  auth: Auth;
}

function setSessionCookie(res: Response, token: string, expiresAt: Date, secure: boolean): void {
  res.cookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'lax', secure, path: '/', expires: expiresAt });
}

export function authRoutes(registry: RouteRegistry, deps: AuthRouteDeps): Router {
  const router = Router();
  const { auth } = deps;
  // Routes below this line need a signed-in person; these ones are open to accounts that must change their password.
  router.use(['/api/auth/logout', '/api/auth/me', '/api/auth/password'], auth.authenticate({ allowMustChangePassword: true }));
  router.use('/api/auth/tokens', auth.authenticate());

  const me = (req: Request) => {
    if (!req.auth) throw new HttpError(401, 'unauthenticated', 'Sign in first');
    return req.auth;
  };

  registry.add(
    router,
    {
      method: 'post',
      path: '/api/auth/login',
      summary: 'Sign in with e-mail and password',
      description: 'Returns a session token (also set as the HttpOnly cookie `qms_session`). 5 wrong passwords in a row lock the account for 15 minutes (423).',
      tags: ['auth'],
      body: z.object({ email: z.string().min(1).max(320), password: z.string().min(1).max(1000) }),
      responses: { 200: { description: 'Signed in' }, 401: { description: 'Wrong e-mail or password' }, 423: { description: 'Account locked' } },
    },
    async ({ body, req, res }) => {
      const r = await auth.signIn(body.email, body.password, { userAgent: req.get('user-agent'), ip: req.ip });
      setSessionCookie(res, r.token, r.expiresAt, req.secure);
      return { token: r.token, expiresAt: r.expiresAt.toISOString(), mustChangePassword: r.mustChangePassword, person: r.person };
    },
  );

  registry.add(
    router,
    { method: 'post', path: '/api/auth/logout', summary: 'End the current session', tags: ['auth'], responses: { 204: { description: 'Signed out' } } },
    async ({ req, res }) => {
      const p = me(req);
      const token = requestToken(req);
      if (p.via === 'session' && token) await auth.signOut(token, { ip: req.ip });
      res.clearCookie(SESSION_COOKIE, { path: '/' });
      res.status(204).end();
    },
  );

  registry.add(
    router,
    { method: 'get', path: '/api/auth/me', summary: 'The signed-in person', tags: ['auth'], responses: { 200: { description: 'Principal' }, 401: { description: 'Not signed in' } } },
    ({ req }) => {
      const p = me(req);
      return { ...p, expiresAt: p.expiresAt?.toISOString() ?? null };
    },
  );

  registry.add(
    router,
    {
      method: 'post',
      path: '/api/auth/password',
      summary: 'Change the own password',
      description: 'Needs the current password. Other sessions of the person end; API tokens stay.',
      tags: ['auth'],
      body: z.object({ currentPassword: z.string().min(1).max(1000), newPassword: z.string().min(1).max(1000) }),
      responses: { 204: { description: 'Changed' }, 401: { description: 'Current password wrong' }, 422: { description: 'New password refused' } },
    },
    async ({ body, req, res }) => {
      const p = me(req);
      await auth.changePassword(p.personId, body.currentPassword, body.newPassword, p.via === 'session' ? p.credentialId : undefined);
      res.status(204).end();
    },
  );

  registry.add(
    router,
    {
      method: 'get',
      path: '/api/auth/tokens',
      summary: 'The own personal API tokens (without the secrets)',
      tags: ['auth'],
      responses: { 200: { description: 'Tokens' } },
    },
    ({ req }) => auth.listApiTokens(me(req).personId),
  );

  registry.add(
    router,
    {
      method: 'post',
      path: '/api/auth/tokens',
      summary: 'Create a personal API token (the token is shown only in this answer)',
      tags: ['auth'],
      body: z.object({ name: z.string().min(1).max(100), expiresInDays: z.number().int().min(1).max(3650).optional() }),
      responses: { 201: { description: 'Created' } },
    },
    async ({ body, req, res }) => {
      const expiresAt = body.expiresInDays ? new Date(Date.now() + body.expiresInDays * 86_400_000) : undefined;
      const t = await auth.createApiToken(me(req).personId, body.name, expiresAt);
      res.status(201).json({ ...t, createdAt: t.createdAt.toISOString(), expiresAt: t.expiresAt?.toISOString() ?? null });
    },
  );

  registry.add(
    router,
    {
      method: 'delete',
      path: '/api/auth/tokens/:id',
      summary: 'Revoke one of the own API tokens',
      tags: ['auth'],
      params: z.object({ id: z.string().uuid() }),
      responses: { 204: { description: 'Revoked' }, 404: { description: 'No such token' } },
    },
    async ({ params, req, res }) => {
      if (!(await auth.revokeApiToken(me(req).personId, params.id))) throw notFound(`API token ${params.id}`);
      res.status(204).end();
    },
  );

  return router;
}
