/**
 * The customer satisfaction index (顾客满意度指数, CSI) of the quarterly questionnaire (§6(4)):
 * five parts — quality, on-time delivery, communication, service and flexibility, technical
 * support — each graded A, A-, B+, B, B-, C, D. The seed (003, 篇 "顾客满意度指数评估") fixes
 * C = 0 and D = −100 ("百分之一百的不接受"); the grades above C are spaced evenly up to A = 100.
 * Scores are configuration (CSI_SCORES) and each round keeps the scores it opened with.
 *
 * Pure arithmetic, no I/O — unit-tested on a known data set (test/csi.test.ts):
 * - a customer's part score is the mean of its answering contacts' grades for that part;
 *   its overall score the mean of its five part scores;
 * - the index of a part is the mean over the answering customers (every customer weighs the
 *   same, however many of its contacts answered); the overall CSI is the mean of the five parts;
 * - a customer without any answer is left out of the index but counted in the response
 *   rate (answered / sent questionnaires);
 * - improvement priorities: the lowest-scoring parts (ties in questionnaire order).
 */
import { z } from 'zod';

export const CSI_PARTS = ['quality', 'delivery', 'communication', 'service', 'technical'] as const;
export type CsiPart = (typeof CSI_PARTS)[number];

export const CSI_GRADES = ['A', 'A-', 'B+', 'B', 'B-', 'C', 'D'] as const;
export type CsiGrade = (typeof CSI_GRADES)[number];
export type CsiScores = Record<CsiGrade, number>;

/** C = 0 and D = −100 from the seed; the five grades above C evenly spaced up to 100. */
export const DEFAULT_CSI_SCORES: CsiScores = { A: 100, 'A-': 80, 'B+': 60, B: 40, 'B-': 20, C: 0, D: -100 };

export const CSI_PART_LABELS: Record<CsiPart, { zh: string; en: string }> = {
  quality: { zh: '质量', en: 'Quality' },
  delivery: { zh: '交期', en: 'On-time delivery' },
  communication: { zh: '沟通', en: 'Communication' },
  service: { zh: '服务与灵活性', en: 'Service and flexibility' },
  technical: { zh: '技术支持', en: 'Technical support' },
};

/** A score table: every grade with a number, strictly falling from A to D. */
export const csiScoresSchema = z
  .object(Object.fromEntries(CSI_GRADES.map((g) => [g, z.number().finite().min(-1000).max(1000)])) as Record<CsiGrade, z.ZodNumber>)
  .strict()
  .refine((s) => CSI_GRADES.every((g, i) => i === 0 || s[CSI_GRADES[i - 1]] > s[g]), { message: 'scores must fall strictly from A to D' });

/** "2026-Q4" */
export const QUARTER_RE = /^(\d{4})-Q([1-4])$/;
export const quarterString = z.string().regex(QUARTER_RE, 'must look like 2026-Q4');

export function parseQuarter(q: string): { year: number; quarter: number } {
  const m = QUARTER_RE.exec(q);
  if (!m) throw new RangeError(`quarter must look like 2026-Q4, got "${q}"`);
  return { year: Number(m[1]), quarter: Number(m[2]) };
}

/** The quarter `delta` quarters after (negative: before) `q`. */
export function shiftQuarter(q: string, delta: number): string {
  const { year, quarter } = parseQuarter(q);
  const n = year * 4 + (quarter - 1) + delta;
  return `${Math.floor(n / 4)}-Q${(((n % 4) + 4) % 4) + 1}`;
}

/** The last `count` quarters up to and including `q`, oldest first. */
export function quartersUpTo(q: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => shiftQuarter(q, i - count + 1));
}

/** One questionnaire sent in a round: answered (with its five grades) or not. */
export interface CsiQuestionnaire {
  customerId: string;
  customerName: string;
  /** null: not answered (yet). */
  grades: Partial<Record<CsiPart, CsiGrade>> | null;
}

export interface CsiCustomerIndex {
  customerId: string;
  customerName: string;
  sent: number;
  answered: number;
  /** answered / sent */
  responseRate: number | null;
  /** null for a customer without answers. */
  parts: Record<CsiPart, number | null>;
  overall: number | null;
}

export interface CsiIndex {
  sent: number;
  answered: number;
  /** answered / sent; null when nothing was sent. */
  responseRate: number | null;
  /** Customers with at least one answer (those in the index). */
  customersInIndex: number;
  parts: { part: CsiPart; score: number | null }[];
  overall: number | null;
  /** Every customer that was sent a questionnaire, by name. */
  customers: CsiCustomerIndex[];
  /** The lowest parts, lowest first: where the QA manager should start improving. */
  priorities: { part: CsiPart; score: number; customersAtOrBelowZero: string[] }[];
}

const mean = (xs: number[]): number | null => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);

/** Grade → score; an unknown grade is an error (the form validates grades before storing them). */
export function gradeScore(grade: string, scores: CsiScores = DEFAULT_CSI_SCORES): number {
  if (!(CSI_GRADES as readonly string[]).includes(grade)) throw new RangeError(`unknown grade "${grade}"`);
  return scores[grade as CsiGrade];
}

/** The index of one round. `priorityCount` lowest parts are listed (default 2). */
export function computeCsi(questionnaires: CsiQuestionnaire[], scores: CsiScores = DEFAULT_CSI_SCORES, priorityCount = 2): CsiIndex {
  const byCustomer = new Map<string, { name: string; items: CsiQuestionnaire[] }>();
  for (const q of questionnaires) {
    const entry = byCustomer.get(q.customerId) ?? { name: q.customerName, items: [] };
    entry.items.push(q);
    byCustomer.set(q.customerId, entry);
  }
  const customers: CsiCustomerIndex[] = [...byCustomer.entries()]
    .map(([customerId, { name, items }]) => {
      const answered = items.filter((i) => i.grades);
      const parts = Object.fromEntries(
        CSI_PARTS.map((p) => [p, mean(answered.flatMap((a) => (a.grades![p] ? [gradeScore(a.grades![p]!, scores)] : [])))]),
      ) as Record<CsiPart, number | null>;
      const partScores = CSI_PARTS.map((p) => parts[p]).filter((x): x is number => x !== null);
      return {
        customerId,
        customerName: name,
        sent: items.length,
        answered: answered.length,
        responseRate: items.length ? answered.length / items.length : null,
        parts,
        overall: mean(partScores),
      };
    })
    .sort((a, b) => a.customerName.localeCompare(b.customerName, 'zh-CN') || a.customerId.localeCompare(b.customerId));

  const inIndex = customers.filter((c) => c.answered > 0);
  const parts = CSI_PARTS.map((part) => ({ part, score: mean(inIndex.flatMap((c) => (c.parts[part] === null ? [] : [c.parts[part]!]))) }));
  const scored = parts.filter((p): p is { part: CsiPart; score: number } => p.score !== null);
  const sent = questionnaires.length;
  const answered = questionnaires.filter((q) => q.grades).length;
  const priorities = [...scored]
    .sort((a, b) => a.score - b.score || CSI_PARTS.indexOf(a.part) - CSI_PARTS.indexOf(b.part))
    .slice(0, priorityCount)
    .map((p) => ({ ...p, customersAtOrBelowZero: inIndex.filter((c) => c.parts[p.part] !== null && c.parts[p.part]! <= 0).map((c) => c.customerName) }));
  return {
    sent,
    answered,
    responseRate: sent ? answered / sent : null,
    customersInIndex: inIndex.length,
    parts,
    overall: mean(scored.map((p) => p.score)),
    customers,
    priorities,
  };
}

/** A score as shown: one decimal, "—" for none. */
export const fmtScore = (s: number | null | undefined) => (s === null || s === undefined ? '—' : (Math.round(s * 10) / 10).toFixed(1));
export const fmtRate = (r: number | null | undefined) => (r === null || r === undefined ? '—' : `${Math.round(r * 1000) / 10}%`);
