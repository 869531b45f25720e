/** The web forms without a browser: escaping, forms generated from the step schemas and read back into their data. */
import { stepSchemas } from '../workflows/steps';
import { readForm, renderField, zodErrors } from '../web/forms';
import { html, raw } from '../web/html';
import { translator } from '../web/i18n';

const t = translator('en');
const tz = 'Asia/Shanghai';
const departments = [{ id: 'dept-mfg', name: '制造部', nameEn: 'Manufacturing' }];

test('interpolated values are escaped unless they are markup built here', () => {
  const evil = '<script>alert("x")</script>&';
  expect(html`<p title="${evil}">${evil}</p>`.value).toBe('<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;</p>');
  expect(html`<div>${raw('<b>ok</b>')}${[html`<i>${'<'}</i>`, '>']}</div>`.value).toBe('<div><b>ok</b><i>&lt;</i>&gt;</div>');
});

test('a CAPA plan: rows read back in order, empty rows dropped and renumbered, due times in the company time zone', () => {
  const form = {
    'containment.0.action': '100% 检查',
    'containment.0.ownerDepartmentId': 'dept-mfg',
    'containment.0.dueAt': '2026-11-25T17:00',
    'permanent.0.action': '',
    'permanent.0.ownerDepartmentId': '',
    'permanent.3.action': '更换定位销',
    'permanent.3.ownerDepartmentId': 'dept-mfg',
    'permanent.3.dueAt': '2026-12-01T09:30',
  };
  const { data, values } = readForm(stepSchemas.capa_plan, form, tz);
  expect(data).toEqual({
    containment: [{ action: '100% 检查', ownerDepartmentId: 'dept-mfg', dueAt: '2026-11-25T17:00:00.000+08:00' }],
    permanent: [{ action: '更换定位销', ownerDepartmentId: 'dept-mfg', dueAt: '2026-12-01T09:30:00.000+08:00' }],
    prevention: [],
  });
  expect(values['permanent.0.action']).toBe('更换定位销');
  expect(stepSchemas.capa_plan.safeParse(data).success).toBe(true);
});

test('a discriminated union: only the chosen option is read; its messages land on its fields', () => {
  const form = { decision: 'rejected', '~approved.comment': 'ignored', '~rejected.reason': '' };
  const { data } = readForm(stepSchemas.capa_approval, form, tz);
  expect(data).toEqual({ decision: 'rejected' });
  const r = stepSchemas.capa_approval.safeParse(data);
  expect(r.success).toBe(false);
  const errors = zodErrors(r.error!, t);
  expect(errors).toEqual({ reason: 'is required' });
  const out = renderField(stepSchemas.capa_approval, [], { t, tz, departments, values: form, errors }).value;
  expect(out).toContain('id="f-_rejected_reason-err"');
  expect(out).toMatch(/data-when="decision=rejected"/);
});

test('required booleans are yes/no choices; nothing chosen is "is required"', () => {
  const { data } = readForm(stepSchemas.verification, { comment: 'ok', noRecurrence: 'true' }, tz);
  expect(data).toEqual({ comment: 'ok', noRecurrence: true });
  const errors = zodErrors(stepSchemas.verification.safeParse(data).error!, translator('zh'));
  expect(errors).toEqual({ lastMonthActionsDone: '必填' });
});
