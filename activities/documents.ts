/**
 * Document activities: build an official form from the case data, render it (pdfkit,
 * templates/pdf) and file it. A filed version is never overwritten: each issue is a new
 * numbered version with its SHA-256, the hash of the data it was built from, and what
 * triggered it. The issue key (case, kind, trigger) makes a retried activity return the
 * version it filed the first time instead of filing another.
 */
import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/activity';
import type { Db } from '../prisma/client';
import { renderMarketQualityReport, type DocLanguage, type MarketQualityReportData } from '../templates/pdf';
import { LABELS } from '../templates/pdf/labels';
import { caseSections, caseSignatures, eightDSections, lateReasonsByStep, rprSections, type Section } from './case-record';
import { canonicalJson, sha256 } from './hash';
import type { CaseSnapshot } from './store';
import { appendEvent } from './audit-chain';

export type DocumentKind =
  | 'market_quality_report'
  | 'customer_reply'
  | 'communication_form'
  | 'potential_cause_report'
  | 'recurrence_prevention_report'
  | 'eight_d';

export interface DocumentDeps {
  db: Db;
  timeZone: string;
  company: { name: string; nameEn: string };
  language?: DocLanguage;
}

/** Controlled-form identity of each kind (document number, revision). */
export const DOCUMENT_FORMS: Record<DocumentKind, { docNo: string; revision: string; fileStem: string }> = {
  market_quality_report: { docNo: 'QR-7-01', revision: 'A', fileStem: 'market-quality-report' },
  customer_reply: { docNo: 'QR-7-03', revision: 'A', fileStem: 'complaint-reply' },
  communication_form: { docNo: 'QR-7-04', revision: 'A', fileStem: 'communication-form' },
  potential_cause_report: { docNo: 'QR-7-05', revision: 'A', fileStem: 'potential-failure-cause-report' },
  recurrence_prevention_report: { docNo: 'QR-7-02', revision: 'A', fileStem: 'recurrence-prevention-report' },
  eight_d: { docNo: 'QR-7-08', revision: 'A', fileStem: '8d-report' },
};

/**
 * How each case form is cut from the case record: its title, which sections it shows,
 * and whether the internal deadline and history tables are printed (not on what goes to
 * the customer).
 */
const FORM_LAYOUT: Record<Exclude<DocumentKind, 'market_quality_report' | 'recurrence_prevention_report' | 'eight_d'>, { title: { zh: string; en: string }; sections: string[]; sectionsOnly: boolean }> = {
  customer_reply: {
    title: LABELS.complaintReply,
    sections: ['preliminary_analysis', 'root_cause_analysis', 'environmental_investigation', 'potential_cause_analysis', 'countermeasures', 'reply'],
    sectionsOnly: true,
  },
  communication_form: {
    title: LABELS.communicationForm,
    sections: ['first_contact', 'environmental_investigation', 'countermeasures', 'capa_approval', 'reply', 'effect_confirmation', 'verification', 'closure'],
    sectionsOnly: false,
  },
  potential_cause_report: { title: LABELS.potentialFailureReport, sections: ['sample_pending', 'potential_cause_analysis'], sectionsOnly: true },
};

const EVENT_SUMMARIES: Record<string, (d: Record<string, unknown>) => string> = {
  case_received: () => '受理客户抱怨 / complaint received',
  step_completed: (d) => `完成 / completed: ${d.step}${d.lateReason ? ` — 逾期原因: ${d.lateReason}` : ''}`,
  step_entered: (d) => `进入步骤 / step: ${d.step}`,
  case_closed: (d) => `结案 / closed: ${d.resolution ?? ''}`,
  case_dismissed: (d) => `不予调查 / not investigated: ${d.reason} — ${d.explanation}`,
  deadline_extended: (d) => `时限延长 / extended ${d.clockId}: ${d.fromDueAt} → ${d.toDueAt}（客户同意 / consent: ${(d.consent as { by?: string })?.by ?? ''}）`,
  compensation_requested: (d) => `理赔申请 / compensation ${d.amount} ${d.currency}`,
  compensation_decided: (d) => `理赔 ${d.decision} / compensation ${d.decision}`,
  countermeasure_implemented: (d) => `对策实施 / implemented ${d.ref}: ${d.effect}`,
  rpr_raised: () => '开立预防再发处理报告 / recurrence prevention report raised',
  rpr_step_completed: (d) => `预防再发 / RPR ${d.step}`,
  clock_stopped: (d) => `时限 ${d.clockId ?? d.clock}: ${d.outcome}`,
  mail_sent: (d) => `邮件 ${d.mailKind} → ${d.to}`,
  document_issued: (d) => `文件 ${d.kind} v${d.version}`,
};

export function createDocumentActivities(deps: DocumentDeps) {
  const { db } = deps;

  async function buildForm(caseId: string, kind: DocumentKind): Promise<Omit<MarketQualityReportData, 'version' | 'issuedAt' | 'dataHash'>> {
    const base = await buildMarketQualityReport(caseId, kind);
    if (kind === 'market_quality_report') return base;
    if (kind === 'recurrence_prevention_report') {
      return { ...base, title: LABELS.recurrencePreventionReport, sections: rprSections(base.rawEvents), sectionsOnly: true };
    }
    if (kind === 'eight_d') {
      const team = [...new Set(base.rawEvents.filter((e) => e.actor !== 'system' && e.actor !== 'customer').map((e) => base.people.get(e.actor) ?? e.actor))];
      return { ...base, title: { zh: '8D 报告', en: '8D Report' }, sections: eightDSections(base.snapshot, base.description, team, base.rawEvents), sectionsOnly: true };
    }
    const layout = FORM_LAYOUT[kind];
    return { ...base, title: layout.title, sectionsOnly: layout.sectionsOnly, sections: base.sections.filter((s) => layout.sections.includes((s as Section).key)) };
  }

  async function buildMarketQualityReport(caseId: string, kind: DocumentKind) {
    const c = await db.complaintCase.findUnique({
      where: { id: caseId },
      include: {
        salesRep: true,
        clocks: { orderBy: { startedAt: 'asc' } },
        events: { orderBy: { at: 'asc' } },
      },
    });
    if (!c) throw ApplicationFailure.nonRetryable(`Case ${caseId} does not exist`, 'CaseNotFound');
    const people = new Map((await db.person.findMany()).map((p) => [p.id, p.name]));
    return {
      company: { name: deps.company.name, nameEn: deps.company.nameEn, ...DOCUMENT_FORMS[kind] },
      rawEvents: c.events,
      people,
      snapshot: c.data as Partial<CaseSnapshot>,
      caseNo: c.caseNo,
      timeZone: deps.timeZone,
      customerName: c.customerName,
      customerContact: [c.customerContact, c.customerEmail].filter(Boolean).join(' · ') || null,
      product: c.product,
      lot: c.lot,
      quantity: c.quantity,
      channel: c.channel,
      receivedAt: c.receivedAt.toISOString(),
      category: c.category,
      severity: c.severity,
      origin: c.origin,
      sampleExpected: c.sampleExpected,
      description: c.description,
      salesRep: c.salesRep.name,
      status: c.status,
      step: c.step,
      sections: caseSections(c.data as Partial<CaseSnapshot>, lateReasonsByStep(c.events)),
      clocks: c.clocks.map((k) => ({
        clock: k.clockId,
        startedAt: k.startedAt.toISOString(),
        dueAt: k.dueAt.toISOString(),
        stoppedAt: k.stoppedAt?.toISOString() ?? null,
        outcome: k.outcome,
        lateReason: k.lateReason,
      })),
      events: c.events.map((e) => ({
        at: e.at.toISOString(),
        kind: e.kind,
        actor: people.get(e.actor) ?? e.actor,
        summary: (EVENT_SUMMARIES[e.kind] ?? (() => e.kind))(e.data as Record<string, unknown>),
      })),
      signatures: caseSignatures(c.events, people, { name: c.salesRep.name, at: c.createdAt }),
    };
  }

  return {
    /** Render and file a new version of a case document; idempotent per (case, kind, trigger). */
    async issueDocument(input: { caseId: string; kind: DocumentKind; trigger: string; language?: DocLanguage }): Promise<{ id: string; version: number; sha256: string }> {
      const issueKey = `${input.caseId}:${input.kind}:${input.trigger}${input.language ? `:${input.language}` : ''}`;
      /** The audit record of a filed version (idempotent: a retry after a crash between the two writes adds it). */
      const filed = async (doc: { id: string; version: number; sha256: string; dataHash: string }) => {
        await appendEvent(db, {
          caseId: input.caseId,
          key: `doc:${issueKey}`,
          kind: 'document_issued',
          actorId: 'system',
          data: { kind: input.kind, version: doc.version, sha256: doc.sha256, dataHash: doc.dataHash, trigger: input.trigger },
        });
        return { id: doc.id, version: doc.version, sha256: doc.sha256 };
      };
      const existing = await db.caseDocument.findUnique({ where: { issueKey }, select: { id: true, version: true, sha256: true, dataHash: true } });
      if (existing) return filed(existing);

      const { rawEvents: _e, people: _p, snapshot: _s, ...base } = (await buildForm(input.caseId, input.kind)) as Awaited<ReturnType<typeof buildMarketQualityReport>>;
      const dataHash = sha256(canonicalJson(base));
      const language = input.language ?? deps.language ?? 'zh';
      const form = DOCUMENT_FORMS[input.kind];

      // Render with no transaction open (pdfkit is CPU-bound for tens of milliseconds, and on
      // the embedded PGlite an open transaction holds the whole database), then file it as
      // the next version with ON CONFLICT DO NOTHING: the unique (case, kind, version) lets a
      // version filed meanwhile win (rare: one workflow per case) and this one render again
      // for the next number; the unique issue key makes a retry return the first filing.
      for (let attempt = 0; attempt < 5; attempt++) {
        const last = await db.caseDocument.findFirst({ where: { caseId: input.caseId, kind: input.kind }, orderBy: { version: 'desc' }, select: { version: true } });
        const version = (last?.version ?? 0) + 1;
        const issuedAt = new Date().toISOString();
        const pdf = await renderMarketQualityReport({ ...base, version, issuedAt, dataHash }, language);
        const digest = sha256(pdf);
        const id = randomUUID();
        // One statement (Prisma's createMany would wrap it in BEGIN … COMMIT round trips).
        const count = await db.$executeRaw`
          INSERT INTO case_document (id, case_id, kind, version, issue_key, file_name, mime_type, sha256, data_hash, bytes, size, "trigger", language)
          VALUES (${id}::uuid, ${input.caseId}::uuid, ${input.kind}, ${version}, ${issueKey}, ${`${base.caseNo}-${form.fileStem}-v${version}.pdf`}, 'application/pdf',
            ${digest}, ${dataHash}, ${new Uint8Array(pdf)}, ${pdf.length}, ${input.trigger}, ${language})
          ON CONFLICT DO NOTHING`;
        if (count === 1) return filed({ id, version, sha256: digest, dataHash });
        const first = await db.caseDocument.findUnique({ where: { issueKey }, select: { id: true, version: true, sha256: true, dataHash: true } });
        if (first) return filed(first);
      }
      throw new Error(`Could not file ${input.kind} for case ${input.caseId}: its version number kept moving`);
    },
  };
}
