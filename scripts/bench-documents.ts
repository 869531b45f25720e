/**
 * Benchmark of the official PDF documents: `npx tsx scripts/bench-documents.ts`.
 *
 * Prints, per document, the cold time (first render in a fresh process, fonts opened on
 * the way), the warm time (median of 20 renders) and the size in bytes. "warm, same data"
 * re-renders identical data (what re-issuing a version costs); "warm, new data" changes
 * the case number, texts and events on every run, so no shaping result can be reused
 * from the previous document's text except the form's fixed labels.
 *
 * `--fontkit-subset` embeds the fonts with fontkit's own CFF subsetter instead of the
 * compact one (templates/pdf/fonts.ts), for comparison.
 *
 * `sampleReportData()` is also the realistic case the document tests render.
 */
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { fontSubsetting, renderMarketQualityReport, subsetStats, type DocLanguage, type EventLine, type MarketQualityReportData } from '../templates/pdf';

const HOUR = 3_600_000;

export interface SampleOptions {
  /** Changes the case number, lot, quantity, times and some texts. */
  variant?: number;
  /** 'intake': the report as sales first fills it (fits one page); 'containment' (default): after analysis and containment. */
  step?: 'intake' | 'containment';
  /** Number of history events (default 3 at intake, 9 later). */
  events?: number;
  /** Append 40 numbered paragraphs to the description. */
  longDescription?: boolean;
}

/** A realistic Chinese complaint case (苏州精密电子有限公司, connector oxidation). */
export function sampleReportData(options: SampleOptions = {}): MarketQualityReportData {
  const variant = options.variant ?? 0;
  const intake = options.step === 'intake';
  const received = Date.parse('2026-11-23T01:30:00Z') + variant * 7 * HOUR;
  const iso = (offsetHours: number) => new Date(received + offsetHours * HOUR).toISOString();
  const lot = `L2611-${String(912 + variant).padStart(4, '0')}`;
  let description =
    `客户苏州精密电子有限公司来电反映：本月 18 日交货的连接器 CN-2045（批号 ${lot}）在 SMT 回流焊后出现端子氧化、` +
    `焊接不良，抽检 200 pcs 中有 ${7 + (variant % 5)} pcs 接触电阻超过 20 mΩ，导致客户产线停线约 2 小时。` +
    '客户要求 24 小时内提供临时对策，并寄回不良样品 10 pcs 供分析。现场照片及客户 8D 要求已附于邮件中。';
  if (options.longDescription) {
    const paragraph =
      '经营业与客户品质工程师现场确认：不良集中在第 3、第 7 号端子，镀层表面可见褐色斑点，' +
      '疑似电镀后水洗不充分或包装防潮不良所致。Customer asked for the salt-spray and humidity test records of the lot ' +
      '(MIL-STD-202 method 106) and for a list of all shipments made from the same plating batch. ' +
      '客户同时要求说明同批次其他出货是否受影响，以及库存品的筛选方式与结果。';
    description += '\n' + Array.from({ length: 40 }, (_, i) => `${i + 1}. ${paragraph}`).join('\n');
  }
  const kinds = ['received', 'contacted', 'reminder_sent', 'sample_received', 'handed_to_qa', 'analysis_recorded', 'meeting_held', 'containment_recorded', 'comment'];
  const actors = ['王小明 (营业)', '李静 (品保)', '陈志强 (品保主管)', '系统 / system'];
  const eventCount = options.events ?? (intake ? 3 : 9);
  const events: EventLine[] = Array.from({ length: eventCount }, (_, i) => ({
    at: iso(i * 1.5),
    kind: kinds[i % kinds.length],
    actor: actors[i % actors.length],
    summary:
      i % kinds.length === 0
        ? `电话受理客户抱怨，记录不良现象（案件 ${variant}）`
        : `第 ${i + 1} 项处理记录：${['已联络客户确认不良情况及后续处理方式', '提醒：首次联络时效剩余 2 小时', '收到不良样品 10 pcs，已转交品保', '初步分析：端子镀层氧化，疑为电镀线水洗槽电导率超标'][i % 4]}`,
  }));
  const data: Omit<MarketQualityReportData, 'dataHash'> = {
    company: { name: '华东精工科技股份有限公司', nameEn: 'East China Precision Technology Co., Ltd.', docNo: 'QR-QA-7.2-01', revision: 'C' },
    caseNo: `CC-2026-${String(128 + variant).padStart(5, '0')}`,
    version: intake ? 1 : 3,
    issuedAt: intake ? iso(2) : iso(34),
    timeZone: 'Asia/Shanghai',
    customerName: '苏州精密电子有限公司',
    customerContact: '张伟（品质部经理） 0512-6688 1234',
    product: '板对板连接器 CN-2045-40P',
    lot,
    quantity: 12000 + variant,
    channel: 'phone',
    receivedAt: iso(0),
    category: 'quality',
    severity: 'urgent',
    origin: 'own_plant',
    sampleExpected: true,
    description,
    salesRep: '王小明',
    status: 'open',
    step: intake ? 'intake' : 'containment',
    sections: intake
      ? []
      : [
          {
            title: '初步分析 / Preliminary analysis',
            fields: [
              { label: '发生原因', value: '电镀线 2 号水洗槽电导率超标（实测 85 µS/cm，标准 ≤ 30 µS/cm），镀层残留电镀液导致氧化。' },
              { label: '流出原因', value: '出货检验未包含盐雾/湿热抽检项目，氧化在客户回流焊后才显现。' },
              { label: '责任部门', value: '制造部 电镀课' },
            ],
          },
          {
            title: '临时对策 / Containment',
            fields: [
              { label: '对策内容', value: `库存 ${lot} 全数隔离并 100% 目检 + 接触电阻全检；在途品通知客户暂停使用。` },
              { label: '执行单位 / 期限', value: '品保课 李静 / 2026-11-25 18:00' },
            ],
          },
        ],
    clocks: intake
      ? [
          { clock: 'first_contact', startedAt: iso(0), dueAt: iso(12), stoppedAt: iso(1.5), outcome: 'met' },
          { clock: 'reply', label: '回复客户（急件 48 小时）', startedAt: iso(6), dueAt: iso(54), stoppedAt: null, outcome: null },
        ]
      : [
          { clock: 'first_contact', startedAt: iso(0), dueAt: iso(12), stoppedAt: iso(1.5), outcome: 'met' },
          { clock: 'preliminary_analysis', startedAt: iso(6), dueAt: iso(30), stoppedAt: iso(33), outcome: 'missed', lateReason: '样品经快递转运延误，客户已于期限前同意延后（邮件 2026-11-24）。' },
          { clock: 'capa_plan', startedAt: iso(33), dueAt: iso(57), stoppedAt: null, outcome: null },
          { clock: 'reply', label: '回复客户（急件 48 小时）', startedAt: iso(6), dueAt: iso(54), stoppedAt: null, outcome: null },
        ],
    events,
    signatures: [
      { role: 'sales', meaning: 'prepared', signer: '王小明', signedAt: iso(2) },
      ...(intake ? [] : [{ role: 'qa', meaning: 'reviewed', signer: '李静', signedAt: iso(33) }]),
    ],
  };
  const dataHash = createHash('sha256').update(JSON.stringify(data)).digest('hex');
  return { ...data, dataHash };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

interface Case {
  name: string;
  language: DocLanguage;
  data: (run: number) => MarketQualityReportData;
}

async function main(): Promise<void> {
  const warmRuns = 20;
  if (process.argv.includes('--fontkit-subset')) fontSubsetting.writer = 'fontkit';
  const cases: Case[] = [
    { name: 'zh, intake, same data', language: 'zh', data: () => sampleReportData({ step: 'intake' }) },
    { name: 'zh, intake, new data', language: 'zh', data: (run) => sampleReportData({ step: 'intake', variant: run + 1 }) },
    { name: 'en, intake, same data', language: 'en', data: () => sampleReportData({ step: 'intake' }) },
    { name: 'bilingual, intake, same data', language: 'bilingual', data: () => sampleReportData({ step: 'intake' }) },
    { name: 'zh, containment, same data', language: 'zh', data: () => sampleReportData() },
    { name: 'zh, containment, new data', language: 'zh', data: (run) => sampleReportData({ variant: run + 1 }) },
    { name: 'zh, long (80 events + long text)', language: 'zh', data: () => sampleReportData({ events: 80, longDescription: true }) },
  ];
  const rows: string[][] = [['market quality report', 'cold ms', 'warm ms (median)', 'warm min', 'bytes', 'pages']];
  for (const c of cases) {
    const t0 = performance.now();
    const first = await renderMarketQualityReport(c.data(0), c.language);
    const cold = performance.now() - t0;
    const times: number[] = [];
    let last = first;
    for (let run = 0; run < warmRuns; run++) {
      const data = c.data(run + 1);
      const start = performance.now();
      last = await renderMarketQualityReport(data, c.language);
      times.push(performance.now() - start);
    }
    const pages = (last.toString('latin1').match(/\/Type \/Page\b/g) ?? []).length;
    rows.push([c.name, cold.toFixed(1), median(times).toFixed(1), Math.min(...times).toFixed(1), String(last.length), String(pages)]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const row of rows) console.log(row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  '));
  console.log('(cold = first render in this process, including opening the fonts; only the first row is a true cold start)');
  console.log(`font subsets: ${fontSubsetting.writer === 'fontkit' ? 'fontkit' : `compact ${subsetStats.compact}, fell back to fontkit ${subsetStats.fallback}`}`);
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
}
