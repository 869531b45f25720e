/**
 * First-start seeding from a configuration file (prisma/seed-data.json or SEED_FILE):
 * departments, people and the deadline policy. Existing rows are never changed
 * (administration owns them once they exist); a policy whose definition differs from
 * the latest stored version becomes a new version, used by new cases only.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import { z } from 'zod';
import { hashPassword, randomPassword } from '../api/auth/passwords';
import { canonicalJson } from '../activities/hash';
import { policyDefinitionSchema } from '../activities/policy';
import type { Db } from './client';

export const ROLES = [
  'sales',
  'qa_engineer',
  'qa_manager',
  'department_owner',
  'general_affairs',
  'management_rep',
  'auditor',
  'admin',
] as const;

const seedSchema = z.object({
  departments: z.array(z.object({ id: z.string(), code: z.string(), name: z.string(), nameEn: z.string() })),
  people: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      email: z.string().email(),
      role: z.enum(ROLES),
      departmentId: z.string(),
      locale: z.enum(['zh-CN', 'en']).default('zh-CN'),
    }),
  ),
  /** Customers of the quarterly satisfaction questionnaire (optional; also derived from cases). */
  customers: z
    .array(
      z.object({
        name: z.string().trim().min(1),
        nameEn: z.string().optional(),
        contacts: z.array(z.object({ name: z.string().trim().min(1), email: z.string().email(), language: z.enum(['zh', 'en']).default('zh') })).default([]),
      }),
    )
    .default([]),
  policy: z.object({ name: z.string().default('default'), definition: policyDefinitionSchema }),
});

export type SeedFile = z.infer<typeof seedSchema>;

export function readSeedFile(file: string, policyFile?: string): SeedFile {
  const raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  if (policyFile) raw.policy = JSON.parse(fs.readFileSync(policyFile, 'utf8'));
  const parsed = seedSchema.safeParse(raw);
  if (!parsed.success) {
    throw new Error(`Invalid seed file ${file}:\n${parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')}`);
  }
  return parsed.data;
}

export interface SeedResult {
  departments: number;
  people: number;
  policy: { id: string; created: boolean };
  admin: AdminSeedResult;
}

export interface SeedOptions {
  /** 'apply': store the seed file's policy as a new version when it differs (DEADLINE_POLICY_FILE). */
  policy?: 'if-missing' | 'apply';
  /** ADMIN_EMAIL: the administrator's e-mail (default: the seed file's admin person). */
  adminEmail?: string;
  /** ADMIN_PASSWORD: the administrator's password (default: a random one that must be changed). */
  adminPassword?: string;
}

export interface AdminSeedResult {
  personId: string;
  email: string;
  /** True when the administrator's account was created by this run. */
  created: boolean;
  /** The generated first password — returned once, when it was generated; print it, never store it. */
  initialPassword?: string;
}

export async function seed(db: Db, data: SeedFile, opts: SeedOptions = {}): Promise<SeedResult> {
  const deps = await db.department.createMany({ data: data.departments, skipDuplicates: true });
  const people = await db.person.createMany({ data: data.people, skipDuplicates: true });
  await seedCustomers(db, data.customers);
  const existing = await db.deadlinePolicy.findFirst({ where: { name: data.policy.name }, orderBy: { version: 'desc' }, select: { id: true } });
  const policy =
    existing && opts.policy !== 'apply'
      ? { id: existing.id, created: false }
      : await ensurePolicy(db, data.policy.name, data.policy.definition);
  const admin = await ensureAdminAccount(db, data, opts);
  return { departments: deps.count, people: people.count, policy, admin };
}

/** Customers and their contacts, each created once by name (administration owns them afterwards). */
export async function seedCustomers(db: Db, customers: SeedFile['customers']): Promise<number> {
  let created = 0;
  for (const c of customers) {
    const r = await db.customer.createMany({ data: [{ name: c.name, nameEn: c.nameEn ?? null, source: 'admin' }], skipDuplicates: true });
    if (!r.count) continue;
    const row = await db.customer.findUniqueOrThrow({ where: { name: c.name } });
    await db.customerContact.createMany({ data: c.contacts.map((k) => ({ customerId: row.id, name: k.name, email: k.email.toLowerCase(), language: k.language })), skipDuplicates: true });
    created++;
  }
  return created;
}

/**
 * The first administrator's account, created once: with ADMIN_EMAIL / ADMIN_PASSWORD when
 * set, otherwise for the seed file's admin person with a random password that must be
 * changed at the first sign-in. Once an admin account exists nothing is changed.
 */
export async function ensureAdminAccount(db: Db, data: SeedFile, opts: SeedOptions = {}): Promise<AdminSeedResult> {
  const existing = await db.account.findFirst({ where: { person: { role: 'admin' } }, include: { person: true }, orderBy: { createdAt: 'asc' } });
  if (existing) return { personId: existing.personId, email: existing.person.email, created: false };
  const template = data.people.find((p) => p.role === 'admin');
  const email = opts.adminEmail?.trim();
  let person = email
    ? await db.person.findUnique({ where: { email } })
    : await db.person.findFirst({ where: { role: 'admin', active: true }, orderBy: { id: 'asc' } });
  if (person && person.role !== 'admin') throw new Error(`ADMIN_EMAIL ${email} belongs to ${person.id}, whose role is ${person.role}, not admin`);
  if (!person) {
    const departmentId = template?.departmentId ?? data.departments[0]?.id;
    if (!departmentId) throw new Error('Cannot create the administrator: the seed file has no department');
    person = await db.person.create({
      data: {
        id: email ? `p-admin-${crypto.randomUUID().slice(0, 8)}` : 'p-admin',
        name: template?.name ?? 'Administrator',
        email: email ?? 'admin@localhost',
        role: 'admin',
        departmentId,
        locale: template?.locale ?? 'zh-CN',
      },
    });
  }
  const initialPassword = opts.adminPassword ? undefined : randomPassword();
  const created = await db.account.createMany({
    data: [{ personId: person.id, passwordHash: await hashPassword(opts.adminPassword ?? initialPassword!), mustChangePassword: !opts.adminPassword }],
    skipDuplicates: true,
  });
  if (!created.count) return { personId: person.id, email: person.email, created: false };
  return { personId: person.id, email: person.email, created: true, ...(initialPassword ? { initialPassword } : {}) };
}

/** Store the policy as a new version unless the latest version has the same definition. */
export async function ensurePolicy(db: Db, name: string, definition: unknown): Promise<{ id: string; created: boolean }> {
  const canonical = policyDefinitionSchema.parse(definition);
  return db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${'policy:' + name}))`;
    const latest = await tx.deadlinePolicy.findFirst({ where: { name }, orderBy: { version: 'desc' } });
    if (latest && canonicalJson(latest.definition) === canonicalJson(canonical)) return { id: latest.id, created: false };
    const version = (latest?.version ?? 0) + 1;
    const row = await tx.deadlinePolicy.create({
      data: { id: `${name}-v${version}`, name, version, definition: canonical as object },
    });
    return { id: row.id, created: true };
  });
}
