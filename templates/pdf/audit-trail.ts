/**
 * 审计追踪 / Case Audit Trail: the chain verification of a case's audit records, then every
 * record (seq, time, actor, what, hash) merged with the events of its workflow history
 * (timers, accepted updates, activities), in time order — for auditors (issue #6).
 */
import { canonicalJson, sha256 } from '../../activities/hash';
import { FormBuilder } from './form';
import { LABELS, localise } from './labels';
import type { DocLanguage } from './types';

export interface AuditTrailData {
  caseNo: string;
  workflowId: string;
  history: { source: string; runId?: string; events: number; archivedAt?: string } | null;
  chain: { ok: boolean; count: number; head?: string | null; firstBroken?: { seq: number; reason: string } };
  entries: { at: string; source: 'audit' | 'temporal'; kind: string; [k: string]: unknown }[];
}

const brief = (v: unknown, max = 160) => {
  if (v === undefined || v === null) return '';
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
};

export async function renderAuditTrail(t: AuditTrailData, timeZone: string, company: { name: string; nameEn: string }, language: DocLanguage = 'bilingual'): Promise<Buffer> {
  const form = new FormBuilder({
    language,
    title: LABELS.auditTrail,
    company: { ...company, docNo: 'QR-7-09', revision: 'A' },
    caseNo: t.caseNo,
    issuedAt: new Date().toISOString(),
    timeZone,
    dataHash: sha256(canonicalJson(t)),
  });
  const l = (zh: string, en: string) => localise({ zh, en }, language, '\n');
  form.titleBlock();
  form.heading(localise({ zh: '链校验', en: 'Chain verification' }, language, ' / '));
  form.fieldGrid([
    { label: l('结果', 'Result'), value: t.chain.ok ? l('完整', 'intact') : l(`第 ${t.chain.firstBroken?.seq} 条起被改动`, `broken at record ${t.chain.firstBroken?.seq}`) },
    { label: l('记录数', 'Records'), value: String(t.chain.count) },
    { label: l('链头哈希', 'Head hash'), value: t.chain.head ?? '—', wide: true },
    ...(t.chain.firstBroken ? [{ label: l('原因', 'Reason'), value: t.chain.firstBroken.reason, wide: true }] : []),
    { label: l('工作流', 'Workflow'), value: t.workflowId, wide: true },
    { label: l('历史来源', 'History from'), value: t.history ? `${t.history.source} · ${t.history.events} events${t.history.archivedAt ? ` · archived ${t.history.archivedAt}` : ''}` : '—', wide: true },
  ]);
  form.gap();
  form.heading(localise({ zh: '记录及工作流事件', en: 'Records and workflow events' }, language, ' / '));
  form.table({
    columns: [15, 8, 16, 12, 37, 12],
    header: [l('时间', 'Time'), l('序号', 'Seq'), l('事件', 'Event'), l('执行者', 'Actor'), l('内容', 'Details'), l('哈希', 'Hash')],
    rows: t.entries.map((e) => {
      const audit = e.source === 'audit';
      const details = audit ? brief(e.data) : brief(Object.fromEntries(Object.entries(e).filter(([k]) => !['at', 'source', 'kind'].includes(k))));
      return [
        form.time(e.at),
        audit ? String(e.seq ?? '') : { text: 'T', color: '#52606d' },
        audit ? e.kind : { text: e.kind, color: '#52606d' },
        audit ? String(e.actor ?? '') : '',
        details,
        audit ? String(e.hash ?? '').slice(0, 12) : '',
      ];
    }),
    fontSize: 6.5,
  });
  return form.finish();
}
