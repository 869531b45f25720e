/**
 * Accounts, sessions and API tokens over HTTP (supertest) against a small app with the
 * auth routes, a role-protected route and the project's error handler. A settable clock
 * drives session expiry and the lock-out window.
 */
import path from 'node:path';
import express from 'express';
import pino from 'pino';
import request from 'supertest';
import { createAuth, hashPassword, requireRole, verifyPassword, type Auth } from '../api/auth';
import { errorHandler } from '../api/errors';
import { RouteRegistry } from '../api/registry';
import { auditRoutes } from '../api/routes/audit';
import { authRoutes } from '../api/routes/auth';
import type { Db } from '../prisma/client';
import { ensureAdminAccount, readSeedFile } from '../prisma/seed';
import { testDb, uid } from './helpers';

let db: Db;
let auth: Auth;
let app: express.Express;
let clock = Date.now();
const advance = (ms: number) => (clock += ms);

/** People this file creates; deactivated at the end so later files' role lookups (escalations, digests) do not reach them. */
const createdPeople: string[] = [];

async function person(role: string, password = 'correct horse battery'): Promise<{ id: string; email: string; password: string }> {
  const id = uid(`p-${role}`);
  createdPeople.push(id);
  const email = `${id}@example.test`;
  await db.person.create({ data: { id, name: id, email, role, departmentId: 'dept-qa' } });
  await auth.setPassword(id, password, false);
  return { id, email, password };
}

const login = (email: string, password: string) => request(app).post('/api/auth/login').send({ email, password });
const bearer = (t: string) => ({ Authorization: `Bearer ${t}` });

beforeAll(() => {
  db = testDb();
  auth = createAuth({ db, now: () => new Date(clock) });
  app = express();
  app.use(express.json());
  const registry = new RouteRegistry();
  app.use(authRoutes(registry, { auth }));
  app.get('/test/audit-only', auth.authenticate(), requireRole('auditor', 'admin'), (req, res) => {
    res.json({ ok: true, role: req.auth?.role });
  });
  app.use(auditRoutes(registry, { db, guard: [auth.authenticate(), requireRole('auditor', 'admin')] }));
  app.use(errorHandler(pino({ level: 'silent' })));
});

afterAll(async () => {
  await db?.person.updateMany({ where: { id: { in: createdPeople } }, data: { active: false } });
  await db?.$disconnect();
});

test('passwords: scrypt with a salt per hash, verified in constant time', async () => {
  const a = await hashPassword('密码 password 123');
  const b = await hashPassword('密码 password 123');
  expect(a).toMatch(/^scrypt\$16384\$8\$1\$/);
  expect(a).not.toBe(b);
  expect(await verifyPassword('密码 password 123', a)).toBe(true);
  expect(await verifyPassword('密码 password 124', a)).toBe(false);
  expect(await verifyPassword('x', 'garbage')).toBe(false);
});

test('sign in: right password gives a session (bearer and cookie); wrong or unknown gives 401', async () => {
  const p = await person('qa_engineer');
  const ok = await login(p.email.toUpperCase(), p.password);
  expect(ok.status).toBe(200);
  expect(ok.body).toMatchObject({ token: expect.stringMatching(/^qms_s_/), mustChangePassword: false, person: { id: p.id, role: 'qa_engineer' } });
  expect(Date.parse(ok.body.expiresAt) - clock).toBe(8 * 3600_000);
  const cookie = ok.headers['set-cookie'] as unknown as string[];
  expect(cookie[0]).toMatch(/^qms_session=qms_s_.*HttpOnly/);

  const me = await request(app).get('/api/auth/me').set(bearer(ok.body.token));
  expect(me.status).toBe(200);
  expect(me.body).toMatchObject({ personId: p.id, via: 'session', role: 'qa_engineer' });
  const viaCookie = await request(app).get('/api/auth/me').set('Cookie', cookie[0].split(';')[0]);
  expect(viaCookie.body.personId).toBe(p.id);

  const wrong = await login(p.email, 'not the password');
  expect(wrong.status).toBe(401);
  expect(wrong.body.error.code).toBe('invalid_credentials');
  const unknown = await login('nobody@example.test', 'whatever123');
  expect(unknown.status).toBe(401);
  expect(unknown.body.error.code).toBe('invalid_credentials');
  expect((await request(app).get('/api/auth/me')).status).toBe(401);
  expect((await request(app).get('/api/auth/me').set(bearer('qms_s_forged'))).status).toBe(401);

  // Logout ends the session.
  expect((await request(app).post('/api/auth/logout').set(bearer(ok.body.token))).status).toBe(204);
  expect((await request(app).get('/api/auth/me').set(bearer(ok.body.token))).status).toBe(401);
});

test('a malformed session cookie counts as no session: 401, not a server error', async () => {
  const res = await request(app).get('/api/auth/me').set('Cookie', 'qms_session=%E0%A4%A');
  expect(res.status).toBe(401);
});

test('5 wrong passwords lock the account for 15 minutes, even for the right password', async () => {
  const p = await person('sales');
  for (let i = 1; i <= 4; i++) expect((await login(p.email, `wrong-${i}`)).status).toBe(401);
  const fifth = await login(p.email, 'wrong-5');
  expect(fifth.status).toBe(423);
  expect(fifth.body.error.code).toBe('account_locked');
  expect((await login(p.email, p.password)).status).toBe(423);
  advance(14 * 60_000);
  expect((await login(p.email, p.password)).status).toBe(423);
  advance(61_000);
  expect((await login(p.email, p.password)).status).toBe(200);
  // A success resets the count: 4 more failures do not lock.
  for (let i = 1; i <= 4; i++) expect((await login(p.email, `wrong-${i}`)).status).toBe(401);
  expect((await login(p.email, p.password)).status).toBe(200);
});

test('sessions expire (8 h by default, configurable)', async () => {
  const p = await person('qa_manager');
  const s = (await login(p.email, p.password)).body.token as string;
  advance(8 * 3600_000 - 1000);
  expect((await request(app).get('/api/auth/me').set(bearer(s))).status).toBe(200);
  advance(2000);
  const expired = await request(app).get('/api/auth/me').set(bearer(s));
  expect(expired.status).toBe(401);
  expect(expired.body.error.code).toBe('unauthenticated');

  const short = createAuth({ db, sessionTtlMs: 60_000, now: () => new Date(clock) });
  const r = await short.signIn(p.email, p.password);
  expect(r.expiresAt.getTime() - clock).toBe(60_000);
  expect(await short.principalOf(r.token)).toMatchObject({ personId: p.id });
  advance(60_001);
  expect(await short.principalOf(r.token)).toBeNull();
});

test('personal API tokens: shown once, authenticate, revocable', async () => {
  const p = await person('department_owner');
  const s = (await login(p.email, p.password)).body.token as string;
  const created = await request(app).post('/api/auth/tokens').set(bearer(s)).send({ name: 'ERP sync' });
  expect(created.status).toBe(201);
  expect(created.body).toMatchObject({ id: expect.any(String), name: 'ERP sync', token: expect.stringMatching(/^qms_t_/) });
  const token = created.body.token as string;

  const me = await request(app).get('/api/auth/me').set(bearer(token));
  expect(me.body).toMatchObject({ personId: p.id, via: 'api_token', credentialId: created.body.id });
  const list = await request(app).get('/api/auth/tokens').set(bearer(token));
  expect(list.body).toHaveLength(1);
  expect(list.body[0].token).toBeUndefined();
  expect(list.body[0].lastUsedAt).not.toBeNull();
  const stored = await db.apiToken.findUniqueOrThrow({ where: { id: created.body.id } });
  expect(stored.tokenHash).not.toContain(token);

  // Someone else cannot revoke it.
  const other = await person('sales');
  const os = (await login(other.email, other.password)).body.token as string;
  expect((await request(app).delete(`/api/auth/tokens/${created.body.id}`).set(bearer(os))).status).toBe(404);

  expect((await request(app).delete(`/api/auth/tokens/${created.body.id}`).set(bearer(s))).status).toBe(204);
  expect((await request(app).get('/api/auth/me').set(bearer(token))).status).toBe(401);
});

test('requireRole: 401 without sign-in, 403 for other roles, 200 for the role', async () => {
  const sales = await person('sales');
  const auditor = await person('auditor');
  expect((await request(app).get('/test/audit-only')).status).toBe(401);
  const st = (await login(sales.email, sales.password)).body.token as string;
  const denied = await request(app).get('/test/audit-only').set(bearer(st));
  expect(denied.status).toBe(403);
  expect(denied.body.error.code).toBe('forbidden');
  const at = (await login(auditor.email, auditor.password)).body.token as string;
  expect((await request(app).get('/test/audit-only').set(bearer(at))).body).toEqual({ ok: true, role: 'auditor' });
  // The audit routes take the same guard.
  expect((await request(app).get('/api/audit/verify').set(bearer(st))).status).toBe(403);
  expect((await request(app).get('/api/audit/verify').set(bearer(at))).status).toBe(200);
});

test('password change: needs the current password, ends other sessions, old password stops working', async () => {
  const p = await person('qa_engineer');
  const s1 = (await login(p.email, p.password)).body.token as string;
  const s2 = (await login(p.email, p.password)).body.token as string;
  const wrong = await request(app).post('/api/auth/password').set(bearer(s1)).send({ currentPassword: 'nope', newPassword: 'a much better password' });
  expect(wrong.status).toBe(401);
  const short = await request(app).post('/api/auth/password').set(bearer(s1)).send({ currentPassword: p.password, newPassword: 'short' });
  expect(short.status).toBe(422);
  expect(short.body.error.errors[0].field).toBe('newPassword');
  const ok = await request(app).post('/api/auth/password').set(bearer(s1)).send({ currentPassword: p.password, newPassword: 'a much better password' });
  expect(ok.status).toBe(204);
  expect((await request(app).get('/api/auth/me').set(bearer(s1))).status).toBe(200);
  expect((await request(app).get('/api/auth/me').set(bearer(s2))).status).toBe(401);
  expect((await login(p.email, p.password)).status).toBe(401);
  expect((await login(p.email, 'a much better password')).status).toBe(200);
});

test('reauthenticate for electronic signatures', async () => {
  const p = await person('qa_manager');
  await expect(auth.reauthenticate(p.id, p.password)).resolves.toMatchObject({ ok: true });
  await expect(auth.reauthenticate(p.id, 'wrong')).rejects.toMatchObject({ status: 401, code: 'reauthentication_failed' });
});

test('seeded administrator must change the generated password before anything else', async () => {
  const data = readSeedFile(path.join(__dirname, '..', 'prisma', 'seed-data.json'));
  const again = await ensureAdminAccount(db, data);
  expect(again).toMatchObject({ personId: 'p-admin', created: false });
  expect(again.initialPassword).toBeUndefined();
  const account = await db.account.findUniqueOrThrow({ where: { personId: 'p-admin' } });
  expect(account.mustChangePassword).toBe(true);
  expect(await db.person.findUnique({ where: { id: 'p-audit-he' } })).toMatchObject({ role: 'auditor' });

  // Same flow with a known password (as the seed does with a generated one).
  await auth.setPassword('p-admin', 'first password 1', true);
  const s = await login('admin@example.com', 'first password 1');
  expect(s.body.mustChangePassword).toBe(true);
  const blocked = await request(app).post('/api/auth/tokens').set(bearer(s.body.token)).send({ name: 'x' });
  expect(blocked.status).toBe(403);
  expect(blocked.body.error.code).toBe('password_change_required');
  expect((await request(app).get('/api/auth/me').set(bearer(s.body.token))).body.mustChangePassword).toBe(true);
  expect((await request(app).post('/api/auth/password').set(bearer(s.body.token)).send({ currentPassword: 'first password 1', newPassword: 'admin password 2' })).status).toBe(204);
  expect((await request(app).post('/api/auth/tokens').set(bearer(s.body.token)).send({ name: 'x' })).status).toBe(201);
});
