/**
 * Every endpoint × every role, from the OpenAPI document the routes generate: signed out
 * → 401; a role the route does not allow → 403 before anything else happens; an allowed
 * role gets past the role check (here with an empty body: 400, or the read itself). An
 * auditor can read everything and change nothing.
 */
import { createAuth } from '../api/auth';
import { ROLES } from '../prisma/seed';
import { TEST_PASSWORD } from './helpers';
import { startStack, type Stack } from './stack';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ clocks: { first_contact: { due: '12h' }, preliminary_analysis: { due: '24h' }, capa_plan: { due: '24h' }, reply: { due: '3d' }, potential_cause_report: { due: '48h' } } }, 'roles');
  // An administrator of this test (the seeded one must first change its generated password).
  await stack.db.person.upsert({
    where: { id: 'p-admin-matrix' },
    create: { id: 'p-admin-matrix', name: '矩阵管理员', email: 'admin-matrix@example.com', role: 'admin', departmentId: 'dept-mgmt' },
    update: {},
  });
  await createAuth({ db: stack.db }).setPassword('p-admin-matrix', TEST_PASSWORD, false);
});
afterAll(() => stack?.close());

/** One seeded person per role. */
const PERSON: Record<string, string> = {
  sales: 'p-sales-wang',
  qa_engineer: 'p-qa-zhang',
  qa_manager: 'p-qam-liu',
  department_owner: 'p-mfg-zhao',
  general_affairs: 'p-ga-zhou',
  management_rep: 'p-mr-wu',
  auditor: 'p-audit-he',
  admin: 'p-admin-matrix',
};
const PUBLIC = new Set(['/api/openapi.json', '/healthz', '/readyz']);

test('the matrix: every endpoint × every role', async () => {
  expect(Object.keys(PERSON).sort()).toEqual([...ROLES].sort());
  const created = await stack.api('POST', '/api/complaints', {
    customerName: '矩阵测试', product: 'X', channel: 'phone', description: 'role matrix', category: 'quality',
    severity: 'normal', origin: 'own_plant', salesRepId: 'p-sales-wang',
  });
  expect(created.status).toBe(201);
  const admin = await stack.as('p-admin-matrix');
  expect((await admin('POST', '/api/people', { id: 'p-matrix', name: '矩阵', email: 'matrix@example.com', role: 'sales', departmentId: 'dept-sales' })).status).toBe(201);

  const doc = (await stack.anon('GET', '/api/openapi.json')).body;
  const values: Record<string, string> = { caseNo: created.body.caseNo, ref: 'P1', name: stack.policyName, version: '1', id: 'p-matrix', kind: 'market_quality_report' };
  const rows: string[] = [];
  let checked = 0;
  for (const [template, ops] of Object.entries(doc.paths as Record<string, Record<string, { 'x-roles'?: string[] }>>)) {
    if (template.startsWith('/api/auth/')) continue; // sign-in itself: test/auth.test.ts
    const url = template.replace(/\{(\w+)\}/g, (_, k: string) => values[k]).replace('/preview', '/preview?clock=reply&startedAt=2026-11-23T08:00:00Z');
    for (const [method, op] of Object.entries(ops)) {
      const mutation = method !== 'get';
      if (mutation) {
        expect({ route: `${method} ${template}`, declaresRoles: Array.isArray(op['x-roles']) }).toEqual({ route: `${method} ${template}`, declaresRoles: true });
        expect(op['x-roles']).not.toContain('auditor');
      }
      const body = mutation ? {} : undefined;
      const anon = await stack.anon(method.toUpperCase(), url, body);
      expect({ route: `${method} ${template}`, anonymous: anon.status }).toEqual({ route: `${method} ${template}`, anonymous: PUBLIC.has(template) ? anon.status : 401 });
      for (const role of ROLES) {
        const r = await (await stack.as(PERSON[role]))(method.toUpperCase(), url, body);
        const allowed = !op['x-roles'] || op['x-roles'].includes(role);
        rows.push(`${method.toUpperCase()} ${template} ${role} ${r.status}`);
        if (allowed) expect({ route: `${method} ${template}`, role, ok: r.status !== 401 && r.status !== 403 }).toEqual({ route: `${method} ${template}`, role, ok: true });
        else expect({ route: `${method} ${template}`, role, status: r.status }).toEqual({ route: `${method} ${template}`, role, status: 403 });
        checked++;
      }
    }
  }
  expect(checked).toBeGreaterThan(300);
  // Nothing an auditor tried changed the case.
  const events = (await stack.api('GET', `/api/complaints/${created.body.caseNo}/events`)).body;
  expect(events.filter((e: { actor: string }) => e.actor === 'p-audit-he')).toHaveLength(0);
});
