/**
 * Accounts, sessions and personal API tokens.
 *
 * - Sign-in by e-mail and password; 5 failures in a row lock the account for 15 minutes.
 * - A session is a random bearer token (also set as an HttpOnly cookie); only its SHA-256
 *   is stored. It expires after `sessionTtlMs` (default 8 h).
 * - Personal API tokens are shown once at creation; only their SHA-256 is stored.
 * - `authenticate` accepts `Authorization: Bearer <session or API token>` or the session
 *   cookie and puts the principal on `req.auth`; `requireRole(...)` checks its role.
 * - `reauthenticate(personId, password)` re-checks the password for electronic signatures.
 * - Sign-ins, failed sign-ins, sign-outs, password changes and API tokens are audit records
 *   (api/security-log.ts).
 */
import crypto from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { Prisma, execute, query, type Db } from '../../prisma/client';
import { HttpError } from '../errors';
import { dummyHash, hashPassword, passwordProblem, verifyPassword } from './passwords';
import { recordSecurityEvent } from '../security-log';

import { ROLES } from '../../prisma/seed';

export { ROLES };
export type Role = (typeof ROLES)[number];

export const SESSION_COOKIE = 'qms_session';
const SESSION_PREFIX = 'qms_s_';
const TOKEN_PREFIX = 'qms_t_';

export interface AuthPrincipal {
  personId: string;
  name: string;
  email: string;
  role: string;
  departmentId: string;
  via: 'session' | 'api_token';
  /** Session id or API token id. */
  credentialId: string;
  expiresAt: Date | null;
  mustChangePassword: boolean;
}

declare module 'express-serve-static-core' {
  interface Request {
    auth?: AuthPrincipal;
  }
}

export interface AuthOptions {
  db: Db;
  /** Session lifetime (default 8 h). */
  sessionTtlMs?: number;
  /** Failures in a row that lock the account (default 5). */
  maxFailedAttempts?: number;
  /** How long a lock-out lasts (default 15 min). */
  lockoutMs?: number;
  /** Clock (tests). */
  now?: () => Date;
}

export interface SignInResult {
  token: string;
  sessionId: string;
  expiresAt: Date;
  mustChangePassword: boolean;
  person: { id: string; name: string; email: string; role: string };
}

/** A session or an API token with its person (principalOf). */
interface CredentialRow {
  id: string;
  person_id: string;
  /** Always set for a session; an API token may have none. */
  expires_at: Date | null;
  revoked_at: Date | null;
  /** API tokens only. */
  last_used_at: Date | null;
  name: string;
  email: string;
  role: string;
  department_id: string;
  active: boolean;
  must_change_password: boolean;
}

const sha = (s: string) => crypto.createHash('sha256').update(s).digest('hex');
const newToken = (prefix: string) => prefix + crypto.randomBytes(32).toString('base64url');

export const invalidCredentials = () => new HttpError(401, 'invalid_credentials', 'E-mail or password is wrong');
const unauthenticated = (message = 'Sign in first (Authorization: Bearer <token> or the session cookie)') => new HttpError(401, 'unauthenticated', message);

/** A cookie of the request by name; a malformed (undecodable) value counts as absent. */
export function cookieValue(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) {
      try {
        return decodeURIComponent(part.slice(i + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

const cookieToken = (req: Request) => cookieValue(req, SESSION_COOKIE);

/** The bearer token of the request, from the Authorization header or the session cookie. */
export function requestToken(req: Request): string | undefined {
  const h = req.headers.authorization;
  if (h) {
    const m = /^Bearer\s+(\S+)$/i.exec(h);
    return m?.[1];
  }
  return cookieToken(req);
}

export function createAuth(opts: AuthOptions) {
  const { db } = opts;
  const ttl = opts.sessionTtlMs ?? 8 * 3600_000;
  const maxFailures = opts.maxFailedAttempts ?? 5;
  const lockoutMs = opts.lockoutMs ?? 15 * 60_000;
  const now = opts.now ?? (() => new Date());

  /** Check a password against an account, counting failures and locking after too many. */
  async function checkPassword(personId: string, password: string): Promise<'ok' | 'wrong' | 'locked' | 'none'> {
    const account = await db.account.findUnique({ where: { personId }, include: { person: true } });
    if (!account || !account.person.active) {
      await verifyPassword(password, await dummyHash());
      return 'none';
    }
    const t = now();
    if (account.lockedUntil && account.lockedUntil > t) return 'locked';
    if (await verifyPassword(password, account.passwordHash)) {
      if (account.failedAttempts || account.lockedUntil) await db.account.update({ where: { id: account.id }, data: { failedAttempts: 0, lockedUntil: null } });
      return 'ok';
    }
    // Count atomically (parallel guesses must not slip under the limit).
    const [row] = await db.$queryRaw<{ failed_attempts: number }[]>`
      UPDATE account SET failed_attempts = failed_attempts + 1, updated_at = now() WHERE id = ${account.id}::uuid RETURNING failed_attempts`;
    if (row && row.failed_attempts >= maxFailures) {
      await db.account.update({ where: { id: account.id }, data: { failedAttempts: 0, lockedUntil: new Date(t.getTime() + lockoutMs) } });
      return 'locked';
    }
    return 'wrong';
  }

  const lockedError = () =>
    new HttpError(423, 'account_locked', `Too many failed sign-ins: the account is locked for ${Math.round(lockoutMs / 60_000)} minutes`);

  async function principalOf(token: string): Promise<AuthPrincipal | null> {
    const t = now();
    const via = token.startsWith(SESSION_PREFIX) ? 'session' : token.startsWith(TOKEN_PREFIX) ? 'api_token' : null;
    if (!via) return null;
    // One statement straight through the driver (prisma/client.ts `query`): every request runs it.
    const credential = via === 'session' ? Prisma.sql`session` : Prisma.sql`api_token`;
    const lastUsed = via === 'session' ? Prisma.sql`NULL::timestamptz` : Prisma.sql`c.last_used_at`;
    const [c] = await query<CredentialRow>(db, Prisma.sql`
      SELECT c.id::text AS id, c.person_id, c.expires_at, c.revoked_at, ${lastUsed} AS last_used_at,
             p.name, p.email, p.role, p.department_id, p.active, coalesce(a.must_change_password, false) AS must_change_password
      FROM ${credential} c JOIN person p ON p.id = c.person_id LEFT JOIN account a ON a.person_id = c.person_id
      WHERE c.token_hash = ${sha(token)}`);
    if (!c || c.revoked_at || (c.expires_at && c.expires_at <= t) || !c.active) return null;
    // An API token's lastUsedAt at most once a minute.
    if (via === 'api_token' && (!c.last_used_at || t.getTime() - c.last_used_at.getTime() > 60_000)) {
      await execute(db, Prisma.sql`UPDATE api_token SET last_used_at = ${t.toISOString()}::timestamptz WHERE id = ${c.id}::uuid`);
    }
    return {
      personId: c.person_id,
      name: c.name,
      email: c.email,
      role: c.role,
      departmentId: c.department_id,
      via,
      credentialId: c.id,
      expiresAt: c.expires_at,
      mustChangePassword: c.must_change_password,
    };
  }

  return {
    sessionTtlMs: ttl,

    async signIn(email: string, password: string, meta: { userAgent?: string; ip?: string } = {}): Promise<SignInResult> {
      const person = await db.person.findFirst({ where: { email: { equals: email.trim(), mode: 'insensitive' } } });
      const ua = meta.userAgent?.slice(0, 300);
      if (!person) {
        await verifyPassword(password, await dummyHash());
        await recordSecurityEvent(db, { kind: 'sign_in_failed', actor: null, data: { email: email.trim().slice(0, 320), reason: 'unknown_email', userAgent: ua }, ip: meta.ip });
        throw invalidCredentials();
      }
      const r = await checkPassword(person.id, password);
      if (r !== 'ok') {
        const reason = r === 'locked' ? 'locked' : r === 'none' ? 'no_active_account' : 'wrong_password';
        await recordSecurityEvent(db, { kind: 'sign_in_failed', actor: person.id, subject: person.id, data: { email: person.email, reason, userAgent: ua }, ip: meta.ip });
      }
      if (r === 'locked') throw lockedError();
      if (r !== 'ok') throw invalidCredentials();
      const token = newToken(SESSION_PREFIX);
      const t = now();
      const expiresAt = new Date(t.getTime() + ttl);
      const session = await db.session.create({
        data: { tokenHash: sha(token), personId: person.id, expiresAt, userAgent: meta.userAgent?.slice(0, 300), ip: meta.ip },
      });
      const account = await db.account.update({ where: { personId: person.id }, data: { lastLoginAt: t } });
      await recordSecurityEvent(db, { kind: 'sign_in', actor: person.id, subject: person.id, data: { sessionId: session.id, userAgent: ua }, ip: meta.ip });
      return {
        token,
        sessionId: session.id,
        expiresAt,
        mustChangePassword: account.mustChangePassword,
        person: { id: person.id, name: person.name, email: person.email, role: person.role },
      };
    },

    /** End the session of this token (no-op for unknown tokens). */
    async signOut(token: string, meta: { ip?: string } = {}): Promise<void> {
      if (!token.startsWith(SESSION_PREFIX)) return;
      const s = await db.session.findUnique({ where: { tokenHash: sha(token) }, select: { id: true, personId: true, revokedAt: true } });
      const r = await db.session.updateMany({ where: { tokenHash: sha(token), revokedAt: null }, data: { revokedAt: now() } });
      if (s && r.count) await recordSecurityEvent(db, { kind: 'sign_out', actor: s.personId, subject: s.personId, data: { sessionId: s.id }, ip: meta.ip });
    },

    principalOf,

    /**
     * Middleware: 401 without a valid session / API token. While the account must change its
     * password, only routes mounted with `allowMustChangePassword` pass (403 otherwise).
     */
    authenticate(options: { allowMustChangePassword?: boolean } = {}): RequestHandler {
      return async (req: Request, _res: Response, next: NextFunction) => {
        const token = requestToken(req);
        if (!token) return next(unauthenticated());
        const p = await principalOf(token);
        if (!p) return next(unauthenticated('The session or token is invalid, expired or revoked'));
        if (p.mustChangePassword && !options.allowMustChangePassword) {
          return next(new HttpError(403, 'password_change_required', 'Change your password first (POST /api/auth/password)'));
        }
        req.auth = p;
        next();
      };
    },

    /** Electronic signature: the signer types the password again. Resolves when right, throws 401 (or 423) otherwise. */
    async reauthenticate(personId: string, password: string): Promise<{ ok: true; at: Date }> {
      const r = await checkPassword(personId, password);
      if (r === 'locked') throw lockedError();
      if (r !== 'ok') throw new HttpError(401, 'reauthentication_failed', 'The password is wrong');
      return { ok: true, at: now() };
    },

    /** Change the password (the current one is required); other sessions of the person end. */
    async changePassword(personId: string, currentPassword: string, newPassword: string, keepSessionId?: string): Promise<void> {
      const r = await checkPassword(personId, currentPassword);
      if (r === 'locked') throw lockedError();
      if (r !== 'ok') throw new HttpError(401, 'reauthentication_failed', 'The current password is wrong');
      const problem = passwordProblem(newPassword);
      if (problem) throw new HttpError(422, 'validation_failed', `newPassword: ${problem}`, [{ field: 'newPassword', reason: problem }]);
      if (newPassword === currentPassword) {
        throw new HttpError(422, 'validation_failed', 'newPassword: must differ from the current password', [{ field: 'newPassword', reason: 'must differ from the current password' }]);
      }
      const t = now();
      await db.$transaction([
        db.account.update({ where: { personId }, data: { passwordHash: await hashPassword(newPassword), mustChangePassword: false, passwordChangedAt: t } }),
        db.session.updateMany({ where: { personId, revokedAt: null, ...(keepSessionId ? { id: { not: keepSessionId } } : {}) }, data: { revokedAt: t } }),
      ]);
      await recordSecurityEvent(db, { kind: 'password_changed', actor: personId, subject: personId });
    },

    /** Create a personal API token; the token itself is returned only here. */
    async createApiToken(personId: string, name: string, expiresAt?: Date): Promise<{ id: string; name: string; token: string; createdAt: Date; expiresAt: Date | null }> {
      const token = newToken(TOKEN_PREFIX);
      const row = await db.apiToken.create({ data: { tokenHash: sha(token), name, personId, expiresAt: expiresAt ?? null, createdAt: now() } });
      await recordSecurityEvent(db, { kind: 'api_token_created', actor: personId, subject: personId, data: { tokenId: row.id, name, expiresAt: row.expiresAt } });
      return { id: row.id, name: row.name, token, createdAt: row.createdAt, expiresAt: row.expiresAt };
    },

    async listApiTokens(personId: string) {
      return db.apiToken.findMany({
        where: { personId },
        select: { id: true, name: true, createdAt: true, expiresAt: true, lastUsedAt: true, revokedAt: true },
        orderBy: { createdAt: 'asc' },
      });
    },

    /** Revoke one of the person's own tokens; false when there is no such token. */
    async revokeApiToken(personId: string, id: string): Promise<boolean> {
      const r = await db.apiToken.updateMany({ where: { id, personId, revokedAt: null }, data: { revokedAt: now() } });
      if (r.count) {
        await recordSecurityEvent(db, { kind: 'api_token_revoked', actor: personId, subject: personId, data: { tokenId: id } });
        return true;
      }
      return !!(await db.apiToken.findFirst({ where: { id, personId } }));
    },

    /** Create or replace a person's account (seeding, administration). */
    async setPassword(personId: string, password: string, mustChangePassword: boolean): Promise<void> {
      const passwordHash = await hashPassword(password);
      await db.account.upsert({
        where: { personId },
        create: { personId, passwordHash, mustChangePassword },
        update: { passwordHash, mustChangePassword, failedAttempts: 0, lockedUntil: null, passwordChangedAt: now() },
      });
    },
  };
}

export type Auth = ReturnType<typeof createAuth>;

/** Middleware after `authenticate`: 403 unless the principal has one of the roles. */
export function requireRole(...roles: string[]): RequestHandler {
  return (req, _res, next) => {
    if (!req.auth) return next(unauthenticated());
    if (!roles.includes(req.auth.role)) {
      return next(new HttpError(403, 'forbidden', `This needs the role ${roles.join(' or ')} (you are ${req.auth.role})`));
    }
    next();
  };
}
