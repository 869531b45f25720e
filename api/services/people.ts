/**
 * People administration shared by /api/people and the administration page: add a person,
 * change role / department / language / active flag, issue a one-time password. Every
 * change is an audit record (security_event) with the values before and after.
 */
import type { Db } from '../../prisma/client';
import { randomPassword, type Auth } from '../auth';
import { invalidField, notFound } from '../errors';
import { recordSecurityEvent } from '../security-log';

export const personSelect = { id: true, name: true, email: true, role: true, locale: true, departmentId: true, active: true } as const;

export interface NewPerson {
  id: string;
  name: string;
  email: string;
  role: string;
  departmentId: string;
  locale: string;
}

export interface PersonChange {
  name?: string;
  role?: string;
  departmentId?: string;
  locale?: string;
  active?: boolean;
}

export interface ByWhom {
  actorId: string;
  ip?: string;
}

export function createPeopleService(db: Db, auth: Auth) {
  return {
    async create(body: NewPerson, by: ByWhom) {
      if (!(await db.department.findUnique({ where: { id: body.departmentId } }))) throw invalidField('departmentId', `no department "${body.departmentId}"`);
      if (await db.person.findFirst({ where: { OR: [{ id: body.id }, { email: body.email }] } })) throw invalidField('id', 'a person with this id or e-mail exists');
      const p = await db.person.create({ data: body, select: personSelect });
      await recordSecurityEvent(db, { kind: 'person_created', actor: by.actorId, subject: p.id, data: { after: p }, ip: by.ip });
      return p;
    },

    /** Only the fields given change; the record lists each changed field before and after. */
    async update(id: string, change: PersonChange, by: ByWhom) {
      const before = await db.person.findUnique({ where: { id }, select: personSelect });
      if (!before) throw notFound(`Person ${id}`);
      if (id === by.actorId && (change.active === false || (change.role && change.role !== 'admin'))) {
        throw invalidField(change.active === false ? 'active' : 'role', 'you cannot deactivate or demote yourself');
      }
      if (change.departmentId && !(await db.department.findUnique({ where: { id: change.departmentId } }))) {
        throw invalidField('departmentId', `no department "${change.departmentId}"`);
      }
      const after = await db.person.update({ where: { id }, data: change, select: personSelect });
      const changed = (Object.keys(change) as (keyof PersonChange)[]).filter((k) => change[k] !== undefined && before[k] !== after[k]);
      if (changed.length) {
        await recordSecurityEvent(db, {
          kind: 'person_changed',
          actor: by.actorId,
          subject: id,
          data: { fields: changed, before: Object.fromEntries(changed.map((k) => [k, before[k]])), after: Object.fromEntries(changed.map((k) => [k, after[k]])) },
          ip: by.ip,
        });
      }
      return after;
    },

    /** A one-time password (returned once), to be changed at the first sign-in. */
    async issueAccount(id: string, by: ByWhom, password?: string) {
      const p = await db.person.findUnique({ where: { id } });
      if (!p || !p.active) throw notFound(`Active person ${id}`);
      const pw = password ?? randomPassword();
      await auth.setPassword(p.id, pw, true);
      await recordSecurityEvent(db, { kind: 'account_issued', actor: by.actorId, subject: p.id, data: { mustChangePassword: true }, ip: by.ip });
      return { personId: p.id, name: p.name, email: p.email, password: pw, mustChangePassword: true };
    },
  };
}

export type PeopleService = ReturnType<typeof createPeopleService>;
