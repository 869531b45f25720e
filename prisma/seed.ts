/**
 * First-start seeding from a configuration file (prisma/seed-data.json or SEED_FILE):
 * departments, people and the deadline policy. Existing rows are never changed
 * (administration owns them once they exist); a policy whose definition differs from
 * the latest stored version becomes a new version, used by new cases only.
 */
import fs from 'node:fs';
import { z } from 'zod';
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
}

/**
 * Seed departments, people and the deadline policy. The policy is administered through
 * the API once it exists (each change a new version), so the seed file's policy is only
 * written when the policy has no version yet — unless `policy: 'apply'` (an operator's
 * DEADLINE_POLICY_FILE), which stores it as a new version when it differs.
 */
export async function seed(db: Db, data: SeedFile, opts: { policy?: 'if-missing' | 'apply' } = {}): Promise<SeedResult> {
  const deps = await db.department.createMany({ data: data.departments, skipDuplicates: true });
  const people = await db.person.createMany({ data: data.people, skipDuplicates: true });
  const existing = await db.deadlinePolicy.findFirst({ where: { name: data.policy.name }, orderBy: { version: 'desc' }, select: { id: true } });
  const policy =
    existing && opts.policy !== 'apply'
      ? { id: existing.id, created: false }
      : await ensurePolicy(db, data.policy.name, data.policy.definition);
  return { departments: deps.count, people: people.count, policy };
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
