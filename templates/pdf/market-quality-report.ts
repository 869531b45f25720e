/**
 * 市场品质异常处理报告 / Market Quality Abnormality Report — the case's master form
 * (regulation §5.1.2, §5.2, §5.3; re-issued as a new version at each step).
 */
import { FormBuilder, type Field, type SignatureBlock } from './form';
import { LABELS, enumLabel, label, localise } from './labels';
import type { DocLanguage, MarketQualityReportData, SignatureLine } from './types';

/** The signature blocks the form always shows, in order (营业 → 品保 → 品保主管). */
const STANDARD_SIGNATURES: { role: string; meaning: string }[] = [
  { role: 'sales', meaning: 'prepared' },
  { role: 'qa', meaning: 'reviewed' },
  { role: 'qa_manager', meaning: 'approved' },
];

/** Roles that fill the same standard block (a QA engineer signs the 品保 block). */
const ROLE_ALIASES: Record<string, string> = { qa_engineer: 'qa' };

/**
 * The standard blocks filled from `signatures` (the latest signature of each role), then any
 * further signatures (other roles, or earlier signatures of a role) in their given order.
 */
function signatureBlocks(signatures: SignatureLine[]): SignatureLine[] {
  const rest = [...signatures];
  const blocks: SignatureLine[] = STANDARD_SIGNATURES.map((std) => {
    let index = -1;
    rest.forEach((s, i) => {
      if ((ROLE_ALIASES[s.role] ?? s.role) === std.role) index = i;
    });
    return index >= 0 ? rest.splice(index, 1)[0] : { ...std };
  });
  return [...blocks, ...rest];
}

/** Render the report as PDF bytes. */
export async function renderMarketQualityReport(data: MarketQualityReportData, language: DocLanguage = 'zh'): Promise<Buffer> {
  const form = new FormBuilder({
    language,
    title: data.title ?? LABELS.marketQualityReport,
    company: data.company,
    caseNo: data.caseNo,
    issuedAt: data.issuedAt,
    timeZone: data.timeZone,
    dataHash: data.dataHash,
  });
  // Headings keep both languages on one line; cell labels stack them (“中文” over “English”).
  const t = (key: keyof typeof LABELS) => label(key, language);
  const cell = (key: keyof typeof LABELS) => label(key, language, '\n');
  const labelShare = language === 'zh' ? 0.32 : 0.4; // English labels are longer
  const grid = (fields: Field[]) => form.fieldGrid(fields, { labelShare });
  const none = t('none');
  const orNone = (value: string | null | undefined) => (value === null || value === undefined || value === '' ? none : value);

  form.titleBlock();

  // Case: version, issue time, state.
  form.heading(t('sectionCase'));
  grid([
    { label: cell('caseNo'), value: data.caseNo },
    { label: cell('version'), value: localise({ zh: `第 ${data.version} 版`, en: `Version ${data.version}` }, language, ' / ') },
    { label: cell('issuedAt'), value: form.time(data.issuedAt) },
    { label: cell('timeZone'), value: form.zoneLabel() },
    { label: cell('status'), value: enumLabel('status', data.status, language) },
    { label: cell('step'), value: enumLabel('step', data.step, language) },
  ]);
  form.gap();

  // Customer and product.
  form.heading(t('sectionCustomer'));
  grid([
    { label: cell('customerName'), value: data.customerName },
    { label: cell('customerContact'), value: orNone(data.customerContact) },
    { label: cell('product'), value: data.product },
    { label: cell('lot'), value: orNone(data.lot) },
    { label: cell('quantity'), value: data.quantity === null || data.quantity === undefined ? none : data.quantity.toLocaleString('en-US') },
    { label: cell('channel'), value: enumLabel('channel', data.channel, language) },
    { label: cell('receivedAt'), value: form.time(data.receivedAt) },
    { label: cell('salesRep'), value: data.salesRep },
  ]);
  form.gap();

  // Classification (§5.1): category, severity, origin, sample.
  form.heading(t('sectionClassification'));
  grid([
    { label: cell('category'), value: enumLabel('category', data.category, language) },
    { label: cell('severity'), value: enumLabel('severity', data.severity, language) },
    { label: cell('origin'), value: enumLabel('origin', data.origin, language) },
    { label: cell('sampleExpected'), value: data.sampleExpected ? t('sampleYes') : t('sampleNo') },
  ]);
  form.gap();

  // Description of the abnormality (may run over several pages).
  form.heading(t('sectionDescription'));
  form.textBox(orNone(data.description.trim()));
  form.gap();

  // Later steps: analysis, containment, countermeasures … as free label/value rows.
  for (const section of data.sections) {
    form.heading(section.title);
    const fields: Field[] = section.fields.map((f) => ({ label: f.label, value: orNone(f.value), wide: true }));
    if (fields.length) form.fieldGrid(fields, { pairsPerRow: 1, labelShare: language === 'zh' ? 0.2 : 0.25 });
    else form.textBox(t('noEntries'));
    form.gap();
  }

  if (data.sectionsOnly) {
    form.heading(t('sectionSignatures'));
    form.signatures(signatureBlocks(data.signatures).map((s) => ({ role: enumLabel('role', s.role, language), meaning: enumLabel('meaning', s.meaning, language), signer: s.signer, signedAt: s.signedAt })));
    return form.finish();
  }

  // Deadlines (§5.5): every clock with its outcome; a missed one shows its written reason (§6(5)).
  form.heading(t('sectionDeadlines'));
  form.table({
    columns: [19, 15, 15, 15, 10, 26],
    header: [cell('clock'), cell('startedAt'), cell('dueAt'), cell('stoppedAt'), cell('outcome'), cell('lateReason')],
    rows: data.clocks.length
      ? data.clocks.map((c) => [
          c.label ?? enumLabel('clock', c.clock, language),
          form.time(c.startedAt),
          form.time(c.dueAt),
          form.time(c.stoppedAt),
          { text: enumLabel('outcome', c.outcome, language), weight: c.outcome === 'missed' ? 'bold' : 'regular', color: c.outcome === 'missed' ? '#b00020' : undefined },
          c.lateReason ?? '',
        ])
      : [[{ text: t('noEntries'), span: 6 }]],
    fontSize: 8,
  });
  form.gap();

  // History: every event in order.
  form.heading(t('sectionHistory'));
  form.table({
    columns: [16, 16, 19, 49],
    header: [cell('time'), cell('actor'), cell('event'), cell('details')],
    rows: data.events.length
      ? data.events.map((e) => [form.time(e.at), e.actor, enumLabel('event', e.kind, language), e.summary])
      : [[{ text: t('noEntries'), span: 4 }]],
    fontSize: 8.5,
  });
  form.gap();

  // Signatures: 营业 / 品保 / 品保主管, then any others.
  const blocks: SignatureBlock[] = signatureBlocks(data.signatures).map((s) => ({
    role: enumLabel('role', s.role, language),
    meaning: enumLabel('meaning', s.meaning, language),
    signer: s.signer,
    signedAt: s.signedAt,
  }));
  form.heading(t('sectionSignatures'));
  form.signatures(blocks);

  return form.finish();
}
