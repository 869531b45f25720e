/**
 * CSRF protection for browser form posts that ride on the session cookie (synchronizer
 * token bound to the session). The token is derived from the secret the browser holds in
 * an HttpOnly cookie — the session token, or before sign-in the `qms_csrf` cookie — so a
 * page of another site can neither read nor compute it:
 *
 *   token = base64url(SHA-256("qms-csrf-v1:" + cookie value))
 *
 * Every POST form of the web application carries it as the hidden field `_csrf`; scripts
 * and multipart API calls with the session cookie send it as the `X-CSRF-Token` header.
 * Requests authenticated with `Authorization: Bearer …` need none (a browser never adds
 * that header on its own). The session cookie is also SameSite=Lax and cross-site posts
 * are refused (Sec-Fetch-Site), so this is the second line.
 */
import crypto from 'node:crypto';
import type { Request, Response } from 'express';
import { SESSION_COOKIE, cookieValue } from './auth';

export { cookieValue };

export const CSRF_COOKIE = 'qms_csrf';
export const CSRF_FIELD = '_csrf';
export const CSRF_HEADER = 'x-csrf-token';

const derive = (secret: string) => crypto.createHash('sha256').update(`qms-csrf-v1:${secret}`).digest('base64url');

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

/** The token for forms on this response: from the session cookie, else the pre-session cookie (set here when missing). */
export function csrfToken(req: Request, res?: Response): string {
  const session = cookieValue(req, SESSION_COOKIE);
  if (session) return derive(session);
  let pre = cookieValue(req, CSRF_COOKIE);
  if (!pre || pre.length < 32) {
    pre = crypto.randomBytes(32).toString('base64url');
    res?.cookie(CSRF_COOKIE, pre, { httpOnly: true, sameSite: 'lax', secure: req.secure, path: '/' });
  }
  return derive(pre);
}

/** The token the request carries (form field or header). */
export function suppliedToken(req: Request, fields?: Record<string, unknown>): string | undefined {
  const v = (fields ?? (req.body as Record<string, unknown> | undefined))?.[CSRF_FIELD];
  const s = Array.isArray(v) ? v[0] : v;
  if (typeof s === 'string' && s) return s;
  return req.get(CSRF_HEADER) || undefined;
}

/**
 * Does the request carry the token of its session cookie? With `allowPreSession` (sign-in,
 * language switch) the token of the pre-session cookie also counts.
 */
export function csrfValid(req: Request, opts: { allowPreSession?: boolean; fields?: Record<string, unknown> } = {}): boolean {
  const supplied = suppliedToken(req, opts.fields);
  if (!supplied) return false;
  const session = cookieValue(req, SESSION_COOKIE);
  if (session && same(supplied, derive(session))) return true;
  if (opts.allowPreSession || !session) {
    const pre = cookieValue(req, CSRF_COOKIE);
    if (pre && same(supplied, derive(pre))) return true;
  }
  return false;
}
