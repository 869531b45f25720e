/** Pure parts of the web gaps: file types by content, CSV injection guard, CSRF in every POST form, policy forms read back. */
import { policyDefinitionSchema } from '../activities/policy';
import { checkFile, sniffType } from '../api/services/attachments';
import { HttpError } from '../api/errors';
import { withCsrf } from '../web/layout';
import { translator } from '../web/i18n';
import { csvCell } from '../web/queries';
import { authorityValues, clockValues, readAuthority, readClocks } from '../web/pages/policy-forms';

const t = translator('en');
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');

test('a file type is read from its bytes, not from its name or the browser', () => {
  expect(sniffType(PNG, 'photo.jpg')).toBe('image/png');
  expect(sniffType(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]), 'x.bin')).toBe('image/jpeg');
  expect(sniffType(Buffer.from('%PDF-1.7\n'), 'report.pdf')).toBe('application/pdf');
  expect(sniffType(Buffer.from('PK\u0003\u0004rest'), '8D.xlsx')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  expect(sniffType(Buffer.from('客户来信：端子起泡'), 'letter.txt')).toBe('text/plain');
  // Markup a browser would run is never accepted, whatever it is called.
  expect(sniffType(Buffer.from('<html><script>alert(1)</script>'), 'page.html')).toBeNull();
  expect(sniffType(Buffer.from('<svg onload="alert(1)"/>'), 'image.svg')).toBeNull();
  expect(sniffType(Buffer.from('<svg onload="alert(1)"/>'), 'image.png')).toBeNull();
  expect(sniffType(Buffer.from([0x4d, 0x5a, 0x90, 0]), 'tool.exe')).toBeNull();
});

test('checkFile: 415 for a refused type, 413 over the size limit, 422 for an empty file; the hash of an accepted one', () => {
  const status = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      return (e as HttpError).status;
    }
    return 200;
  };
  const limits = { maxBytes: 64, maxFiles: 2 };
  expect(status(() => checkFile({ fileName: 'a.html', claimedType: 'text/html', bytes: Buffer.from('<p>') }, limits))).toBe(415);
  expect(status(() => checkFile({ fileName: 'a.png', claimedType: 'image/png', bytes: Buffer.concat([PNG, Buffer.alloc(100)]) }, limits))).toBe(413);
  expect(status(() => checkFile({ fileName: 'a.png', claimedType: 'image/png', bytes: Buffer.alloc(0) }, limits))).toBe(422);
  const ok = checkFile({ fileName: '../../etc/照片 1.png', claimedType: 'image/jpeg', bytes: PNG }, limits);
  expect(ok).toMatchObject({ fileName: '照片 1.png', mimeType: 'image/png', size: PNG.length });
  expect(ok.sha256).toBe(require('node:crypto').createHash('sha256').update(PNG).digest('hex'));
});

test('CSV cells starting with = + - @ get a leading apostrophe; numbers and quotes are kept', () => {
  expect(csvCell('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
  expect(csvCell('+86 21 5555')).toBe("'+86 21 5555");
  expect(csvCell('-1')).toBe("'-1");
  expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
  expect(csvCell(-1)).toBe('-1');
  expect(csvCell('a,b')).toBe('"a,b"');
  expect(csvCell(null)).toBe('');
});

test('every POST form of a page gets the CSRF field; GET forms do not', () => {
  const out = withCsrf('<form method="get" action="/cases"></form><form method="post" action="/x" class="a"><input name="a"></form><form class="b" method="post">', 'tok"en');
  expect(out).toBe('<form method="get" action="/cases"></form><form method="post" action="/x" class="a"><input type="hidden" name="_csrf" value="tok&quot;en"><input name="a"></form><form class="b" method="post"><input type="hidden" name="_csrf" value="tok&quot;en">');
});

describe('policy forms', () => {
  const def = policyDefinitionSchema.parse({
    clocks: {
      first_contact: { due: '12h', reminders: ['2h'], escalations: [{ after: '0', notify: ['qa_manager', 'owner'] }] },
      preliminary_analysis: { due: '24h' },
      capa_plan: { due: '24h' },
      reply: { due: '3d', rules: [{ when: { severity: 'urgent' }, due: '48h' }] },
      potential_cause_report: { due: '48h' },
    },
  });

  test('the clock table round-trips through the form; an edit changes only that clock', () => {
    const values = clockValues(def);
    expect(readClocks(def, values, t)).toEqual({ definition: def, errors: {} });
    const r = readClocks(def, { ...values, 'reply.rules': 'severity=urgent 36h\norigin=supplier 7d', 'first_contact.due': '8h', 'first_contact.reminders': '2h, 1h' }, t);
    expect(r.errors).toEqual({});
    expect(r.definition!.clocks.reply.rules).toEqual([
      { when: { severity: 'urgent' }, due: '36h' },
      { when: { origin: 'supplier' }, due: '7d' },
    ]);
    expect(r.definition!.clocks.first_contact).toMatchObject({ due: '8h', reminders: ['2h', '1h'] });
    expect(r.definition!.clocks.capa_plan).toEqual(def.clocks.capa_plan);
  });

  test('wrong values: messages by clock and field, nothing to publish', () => {
    const r = readClocks(def, { ...clockValues(def), 'capa_plan.due': 'soon', 'reply.escalations': '0 nobody', 'reply.rules': 'colour=red 2d' }, t);
    expect(r.definition).toBeUndefined();
    expect(Object.keys(r.errors).sort()).toEqual(['capa_plan.due', 'reply.escalations', 'reply.rules']);
  });

  test('the authority matrix: rows in order, the last without a limit; wrong orders are refused next to the row', () => {
    expect(readAuthority(def, authorityValues(def), t)).toEqual({ definition: def, errors: {} });
    const r = readAuthority(def, { currency: 'cny', 'rows.0.upTo': '5,000', 'rows.0.role': 'qa_manager', 'rows.1.upTo': '50000', 'rows.1.role': 'management_rep', 'rows.2.upTo': '', 'rows.2.role': 'admin', 'rows.3.upTo': '', 'rows.3.role': '' }, t);
    expect(r.errors).toEqual({});
    expect(r.definition!.authority).toEqual({ currency: 'CNY', rows: [{ upTo: 5000, role: 'qa_manager' }, { upTo: 50000, role: 'management_rep' }, { upTo: null, role: 'admin' }] });
    const bad = readAuthority(def, { currency: 'CNY', 'rows.0.upTo': '5000', 'rows.0.role': 'qa_manager', 'rows.1.upTo': '100', 'rows.1.role': 'management_rep' }, t);
    expect(bad.definition).toBeUndefined();
    expect(bad.errors).toEqual({ 'rows.1.upTo': 'must be higher than the row above' });
  });
});

test('npm run build copies what the compiled program reads next to its code (web/static, the migrations)', () => {
  const fs = require('node:fs') as typeof import('node:fs');
  const os = require('node:os') as typeof import('node:os');
  const path = require('node:path') as typeof import('node:path');
  const { execFileSync } = require('node:child_process') as typeof import('node:child_process');
  const root = path.join(__dirname, '..');
  expect(JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).scripts.build).toMatch(/^tsc -p tsconfig.json && tsx scripts\/copy-assets.ts$/);
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'dist-'));
  execFileSync(path.join(root, 'node_modules', '.bin', 'tsx'), [path.join(root, 'scripts', 'copy-assets.ts'), out], { cwd: root });
  for (const dir of ['web/static', 'prisma/migrations']) expect(fs.readdirSync(path.join(out, dir)).sort()).toEqual(fs.readdirSync(path.join(root, dir)).sort());
  fs.rmSync(out, { recursive: true, force: true });
});
