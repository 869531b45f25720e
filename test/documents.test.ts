/**
 * Official PDF documents: the Market Quality Abnormality Report (市场品质异常处理报告) and the
 * form kit under it. Every PDF is checked with the poppler / qpdf command-line tools:
 * structure (`qpdf --check`), text (`pdftotext`), layout (`pdftotext -bbox`: no two words
 * overlap, nothing outside the page margins) and rendering (`pdftoppm`).
 *
 * Run: npx jest -c jest.unit.config.js test/documents.test.ts
 * Page-1 images and the PDFs are left in test-artifacts/ for a look.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FONT_REGULAR, FormBuilder, PAGE, renderMarketQualityReport, type DocLanguage, type MarketQualityReportData } from '../templates/pdf';
import { fontSubsetting, subsetStats } from '../templates/pdf/fonts';
import { sampleReportData } from '../scripts/bench-documents';

const TOOLS = ['qpdf', 'pdftotext', 'pdftoppm', 'pdfinfo', 'pdffonts'];
const ARTIFACTS = path.join(__dirname, '..', 'test-artifacts');
let tmp: string;

beforeAll(() => {
  for (const tool of TOOLS) {
    try {
      execFileSync('which', [tool], { stdio: 'pipe' });
    } catch {
      throw new Error(`${tool} is missing: apt-get install -y poppler-utils qpdf`);
    }
  }
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'qms-documents-'));
  fs.mkdirSync(ARTIFACTS, { recursive: true });
});

afterAll(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

// ---- helpers ---------------------------------------------------------------------------

function run(tool: string, args: string[]): string {
  return execFileSync(tool, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function save(name: string, pdf: Buffer): string {
  const file = path.join(tmp, `${name}.pdf`);
  fs.writeFileSync(file, pdf);
  return file;
}

async function render(name: string, data: MarketQualityReportData, language: DocLanguage = 'zh'): Promise<string> {
  return save(name, await renderMarketQualityReport(data, language));
}

function pageCount(file: string): number {
  const match = /^Pages:\s+(\d+)/m.exec(run('pdfinfo', [file]));
  if (!match) throw new Error(`pdfinfo: no page count for ${file}`);
  return Number(match[1]);
}

/** Text of one page (or all), with all whitespace removed: pdftotext drops or adds spaces between CJK and Latin. */
function text(file: string, page?: number): string {
  const range = page ? ['-f', String(page), '-l', String(page)] : [];
  return run('pdftotext', [...range, file, '-']).replace(/\s+/g, '');
}

const squash = (s: string) => s.replace(/\s+/g, '');

interface Word {
  page: number;
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  text: string;
}

/** Every word pdftotext finds, with its box in points. */
function words(file: string): Word[] {
  const html = run('pdftotext', ['-bbox', file, '-']);
  const out: Word[] = [];
  html.split('<page ').slice(1).forEach((page, i) => {
    for (const m of page.matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)<\/word>/g)) {
      out.push({ page: i + 1, x0: Number(m[1]), y0: Number(m[2]), x1: Number(m[3]), y1: Number(m[4]), text: m[5] });
    }
  });
  return out;
}

/** Pairs of words on the same page whose boxes overlap by more than half a point both ways. */
function overlaps(all: Word[]): [Word, Word][] {
  const found: [Word, Word][] = [];
  const byPage = new Map<number, Word[]>();
  for (const w of all) byPage.set(w.page, [...(byPage.get(w.page) ?? []), w]);
  for (const list of byPage.values()) {
    for (let i = 0; i < list.length; i++) {
      for (let j = i + 1; j < list.length; j++) {
        const a = list[i];
        const b = list[j];
        const ox = Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0);
        const oy = Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0);
        if (ox > 0.5 && oy > 0.5) found.push([a, b]);
      }
    }
  }
  return found;
}

/** Words outside the page's left/right margins or off the page vertically. */
function outside(all: Word[]): Word[] {
  return all.filter((w) => w.x0 < PAGE.marginLeft - 1 || w.x1 > PAGE.width - PAGE.marginRight + 1 || w.y0 < 0 || w.y1 > PAGE.height);
}

/** Page `page` as an 8-bit grayscale image (PGM from pdftoppm -gray). */
function grayPage(file: string, page: number, dpi: number): { width: number; height: number; pixels: Buffer } {
  const prefix = path.join(tmp, `${path.basename(file, '.pdf')}-p${page}-${dpi}`);
  run('pdftoppm', ['-gray', '-r', String(dpi), '-f', String(page), '-l', String(page), '-singlefile', file, prefix]);
  const pgm = fs.readFileSync(`${prefix}.pgm`);
  // Header: "P5", width, height, maxval, each followed by whitespace; then one byte per pixel.
  const header = /^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(pgm.subarray(0, 64).toString('latin1'));
  if (!header || header[3] !== '255') throw new Error('unexpected PGM header');
  const width = Number(header[1]);
  const height = Number(header[2]);
  return { width, height, pixels: pgm.subarray(header[0].length, header[0].length + width * height) };
}

function inkRatio(pixels: Buffer): number {
  let ink = 0;
  for (const p of pixels) if (p < 200) ink++;
  return ink / pixels.length;
}

function savePng(file: string, name: string): string {
  const prefix = path.join(ARTIFACTS, name);
  run('pdftoppm', ['-png', '-r', '50', '-f', '1', '-l', '1', '-singlefile', file, prefix]);
  fs.copyFileSync(file, `${prefix}.pdf`);
  return `${prefix}.png`;
}

// ---- the report ------------------------------------------------------------------------

describe('市场品质异常处理报告 / Market Quality Abnormality Report', () => {
  test('a Chinese case renders as a valid one-page PDF with all its key fields', async () => {
    const data = sampleReportData({ step: 'intake' });
    const file = await render('intake-zh', data);

    expect(run('qpdf', ['--check', file])).toMatch(/No syntax or stream encoding errors found/);
    expect(pageCount(file)).toBe(1);
    expect(fs.statSync(file).size).toBeLessThan(150 * 1024);

    const all = text(file);
    for (const expected of [
      '市场品质异常处理报告',
      data.company.name,
      data.company.docNo,
      data.caseNo,
      '第1版',
      data.customerName,
      squash(data.customerContact ?? ''),
      squash(data.product),
      data.lot ?? '',
      '12,000',
      squash(data.description).slice(0, 40),
      '王小明',
      // enums translated
      '品质',
      '急件',
      '本厂',
      '电话',
      '首次联络',
      '达成',
      '进行中',
      // times in Asia/Shanghai: received 01:30Z → 09:30
      '2026-11-2309:30',
      'Asia/Shanghai(UTC+8)',
      // signatures: sales signed, QA and QA manager not yet
      '营业·填写',
      '品保·审核',
      '品保主管·核准',
      '未签署',
      // footer
      '页次1/1',
      `数据指纹:${data.dataHash.slice(0, 16)}`,
      '生成时间:2026-11-2311:30',
    ]) {
      expect(all).toContain(expected);
    }
    expect(all).not.toContain(data.dataHash.slice(0, 17)); // only the first 16 hex digits

    const boxes = words(file);
    expect(overlaps(boxes)).toEqual([]);
    expect(outside(boxes)).toEqual([]);
  });

  test('page 1 renders as a form, not a blank page (image kept in test-artifacts/)', async () => {
    const file = await render('containment-zh', sampleReportData());
    const png = savePng(file, 'market-quality-report-zh-p1');
    expect(fs.statSync(png).size).toBeGreaterThan(10_000);
    const { width, height, pixels } = grayPage(file, 1, 50);
    expect(width).toBeGreaterThan(400); // A4 at 50 dpi: 413 × 585
    expect(height).toBeGreaterThan(580);
    const ink = inkRatio(pixels);
    expect(ink).toBeGreaterThan(0.03); // rules, shading and text
    expect(ink).toBeLessThan(0.5);
  });

  test('later steps: free sections, a missed deadline with its reason, several signatures', async () => {
    const data = sampleReportData();
    const file = await render('containment-zh-2', data);
    const all = text(file);
    for (const expected of ['初步分析/Preliminaryanalysis', '发生原因', '电镀线2号水洗槽电导率超标', '临时对策/Containment', '逾期', '样品经快递转运延误', '李静', '临时对策及纠正预防计划']) {
      expect(all).toContain(expected);
    }
    expect(overlaps(words(file))).toEqual([]);
  });

  test('a long description and 80 events flow over several pages, each with a correct “页次 x / y”', async () => {
    const data = sampleReportData({ events: 80, longDescription: true });
    const file = await render('long-zh', data);
    expect(run('qpdf', ['--check', file])).toMatch(/No syntax or stream encoding errors found/);
    const pages = pageCount(file);
    expect(pages).toBeGreaterThanOrEqual(4);
    for (let page = 1; page <= pages; page++) {
      const pageText = text(file, page);
      expect(pageText).toContain(`页次${page}/${pages}`);
      expect(pageText).toContain(data.dataHash.slice(0, 16));
      if (page > 1) expect(pageText).toContain(`案件编号${data.caseNo}`); // running header
    }
    // Every event made it, in order (the sample numbers its summaries “第 n 项”, except every ninth).
    const all = text(file);
    let from = -1;
    for (let i = 1; i < 80; i++) {
      if (i % 9 === 0) continue;
      const at = all.indexOf(`第${i + 1}项处理记录`);
      expect(at).toBeGreaterThan(from);
      from = at;
    }
    expect(all).toContain('40.经营业与客户品质工程师现场确认');
    // The history table's header is repeated on each page it continues on.
    const historyPages = Array.from({ length: pages }, (_, i) => i + 1).filter((p) => /第\d+项处理记录/.test(text(file, p)));
    expect(historyPages.length).toBeGreaterThan(1);
    for (const p of historyPages) expect(text(file, p)).toContain('时间人员事件说明');

    const boxes = words(file);
    expect(overlaps(boxes)).toEqual([]);
    expect(outside(boxes)).toEqual([]);
  });

  test('English and bilingual renderings', async () => {
    const data = sampleReportData({ step: 'intake' });
    const en = await render('intake-en', data, 'en');
    savePng(en, 'market-quality-report-en-p1');
    const enText = text(en);
    for (const expected of ['MarketQualityAbnormalityReport', 'EastChinaPrecisionTechnologyCo.,Ltd.', 'Version1', 'Urgent', 'Ownplant', 'Phone', 'Firstcontact', 'Met', 'notyetsigned', 'Page1/1', 'datahash:']) {
      expect(enText).toContain(expected);
    }
    expect(enText).not.toContain('市场品质异常处理报告');

    const bi = await render('intake-bilingual', data, 'bilingual');
    savePng(bi, 'market-quality-report-bilingual-p1');
    const biText = text(bi);
    for (const expected of ['市场品质异常处理报告', 'MarketQualityAbnormalityReport', '急件Urgent', '页次/Page1/']) {
      expect(biText).toContain(expected);
    }
    for (const file of [en, bi]) expect(overlaps(words(file))).toEqual([]);
  });

  test('the same data gives the same bytes; other data does not', async () => {
    const data = sampleReportData();
    const a = await renderMarketQualityReport(data, 'zh');
    const b = await renderMarketQualityReport(structuredClone(data), 'zh');
    expect(a.equals(b)).toBe(true);
    const c = await renderMarketQualityReport({ ...data, dataHash: 'f'.repeat(64) }, 'zh');
    expect(a.equals(c)).toBe(false);
  });

  test('unknown codes are shown as stored; empty optional fields as “—”', async () => {
    const data: MarketQualityReportData = {
      ...sampleReportData({ step: 'intake' }),
      category: 'packaging',
      channel: 'wechat',
      customerContact: null,
      lot: null,
      quantity: null,
      clocks: [{ clock: 'sample_return', startedAt: '2026-11-23T01:30:00Z', dueAt: '2026-11-25T01:30:00Z', outcome: null }],
      events: [],
      signatures: [],
    };
    const all = text(await render('unknown-codes', data));
    for (const expected of ['packaging', 'wechat', 'sample_return', '进行中', '（无）', '客户联络人—', '批号—', '数量—']) expect(all).toContain(expected);
    expect(all.match(/未签署/g)).toHaveLength(3);
  });
});

// ---- the compact font subset -----------------------------------------------------------

describe('font subsetting', () => {
  test('the compact CFF subset renders exactly like fontkit’s and is much smaller', async () => {
    const data = sampleReportData();
    const compact = save('subset-compact', await renderMarketQualityReport(data, 'bilingual'));
    let reference: string;
    fontSubsetting.writer = 'fontkit';
    try {
      reference = save('subset-fontkit', await renderMarketQualityReport(data, 'bilingual'));
    } finally {
      fontSubsetting.writer = 'compact';
    }
    expect(fs.statSync(compact).size).toBeLessThan(fs.statSync(reference).size * 0.7);
    expect(run('pdffonts', [compact])).toMatch(/NotoSansHans-Regular\s+CID Type 0C\s+Identity-H\s+yes yes yes/);
    const pages = pageCount(compact);
    expect(pageCount(reference)).toBe(pages);
    for (let page = 1; page <= pages; page++) {
      const a = grayPage(compact, page, 100);
      const b = grayPage(reference, page, 100);
      expect(a.pixels.equals(b.pixels)).toBe(true);
    }
    expect(subsetStats.fallback).toBe(0);
  });
});

// ---- the form kit ----------------------------------------------------------------------

describe('form kit', () => {
  function builder(language: DocLanguage = 'zh'): FormBuilder {
    return new FormBuilder({
      language,
      title: { zh: '测试表单', en: 'Test form' },
      company: { name: '测试公司', docNo: 'QR-TEST-01', revision: 'A' },
      caseNo: 'CC-TEST-1',
      issuedAt: '2026-01-31T16:05:00Z',
      timeZone: 'Asia/Shanghai',
      dataHash: '0123456789abcdef'.repeat(4),
    });
  }

  test('times are shown in the document time zone', () => {
    const form = builder();
    expect(form.time('2026-01-31T16:05:00Z')).toBe('2026-02-01 00:05');
    expect(form.time('2026-01-31T16:05:00+08:00')).toBe('2026-01-31 16:05');
    expect(form.time(null)).toBe('');
    expect(form.time('not a time')).toBe('not a time');
    expect(form.zoneLabel()).toBe('Asia/Shanghai (UTC+8)');
    const options = { language: 'zh' as const, title: { zh: '表', en: 'Form' }, company: { name: 'x', docNo: 'x', revision: 'x' }, caseNo: 'x', issuedAt: '2026-01-01T00:00:00Z', dataHash: '' };
    expect(() => new FormBuilder({ ...options, timeZone: 'Mars/Olympus' })).toThrow(/time zone/);
  });

  test('line breaking: CJK anywhere, Latin at spaces, no closing mark at a line start', () => {
    const form = builder();
    const sentence = '客户要求说明同批次其他出货是否受影响（邮件 2026-11-24）。并提供库存品的筛选方式与结果。';
    for (const width of [60, 90, 120, 150, 180, 210, 240]) {
      const lines = form.wrap(sentence, width, FONT_REGULAR, 9);
      expect(lines.length).toBeGreaterThan(1);
      for (const line of lines.slice(1)) expect(line).not.toMatch(/^[，。、；：！？）》」』】]/);
      expect(squash(lines.join(''))).toBe(squash(sentence));
    }
    const latin = form.wrap('Customer asked for the salt-spray and humidity test records', 80, FONT_REGULAR, 9);
    for (const line of latin) expect(line).toBe(line.trim());
    expect(latin.join(' ')).toBe('Customer asked for the salt-spray and humidity test records');
    expect(form.wrap('first\nsecond', 400, FONT_REGULAR, 9)).toEqual(['first', 'second']);
  });

  test('a heading is never left alone at the bottom of a page; paragraphs flow on', async () => {
    const form = builder();
    form.titleBlock();
    let n = 0;
    while (form.spaceLeft > 30) form.paragraph(`填充${++n}`);
    form.heading('孤立标题');
    form.table({ columns: [1, 3], header: ['表头一', '表头二'], rows: [['第一行', '内容']] });
    form.paragraph('很长的段落。'.repeat(1200));
    const file = save('kit-heading', await form.finish());
    const boxes = words(file);
    const pageOf = (t: string) => boxes.find((w) => w.text === t)?.page;
    expect(pageOf(`填充${n}`)).toBe(1);
    expect(pageOf('孤立标题')).toBe(2);
    expect(pageOf('表头一')).toBe(2);
    expect(pageOf('第一行')).toBe(2);
    expect(pageCount(file)).toBeGreaterThan(2);
    expect(overlaps(boxes)).toEqual([]);
    expect(outside(boxes)).toEqual([]);
  });

  test('tables: long unbroken values wrap inside their cell, rows break across pages, the header repeats', async () => {
    const form = builder('bilingual');
    form.titleBlock();
    form.heading('长表 Long table');
    const rows = Array.from({ length: 120 }, (_, i) => [
      `R${i + 1}`,
      i % 10 === 0 ? 'x'.repeat(200) : `第 ${i + 1} 行`,
      i % 7 === 0 ? '很长的说明文字，'.repeat(12) : '短',
    ]);
    form.table({ columns: [10, 40, 50], header: ['编号 No.', '内容 Content', '说明 Notes'], rows });
    form.heading('签核 Signatures');
    form.signatures([
      { role: '营业 Sales', meaning: '填写 Prepared', signer: '王小明', signedAt: '2026-01-31T01:00:00Z' },
      { role: '品保 QA', meaning: '审核 Reviewed' },
    ]);
    const file = save('kit-table', await form.finish());
    expect(run('qpdf', ['--check', file])).toMatch(/No syntax or stream encoding errors found/);
    const pages = pageCount(file);
    expect(pages).toBeGreaterThan(3);
    for (let page = 1; page <= pages; page++) {
      const pageText = text(file, page);
      expect(pageText).toContain(`页次/Page${page}/${pages}`);
      if (/R\d+/.test(pageText)) expect(pageText).toContain('编号No.内容Content说明Notes');
    }
    const all = text(file);
    for (let i = 1; i <= 120; i++) expect(all).toContain(`R${i}`);
    expect(all).toContain('未签署/notyetsigned');
    const boxes = words(file);
    expect(overlaps(boxes)).toEqual([]);
    expect(outside(boxes)).toEqual([]);
    // Each row is drawn once (rows shorter than a page are never split, so never repeated).
    for (let i = 1; i <= 120; i++) expect(boxes.filter((w) => w.text === `R${i}`)).toHaveLength(1);
  });
});
