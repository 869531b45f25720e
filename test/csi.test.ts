/**
 * CSI arithmetic on a known data set (pure functions, no services): grades → scores with the
 * seed's C = 0 and D = −100, per customer, per part and overall, the response rate, a D that
 * pulls a score below zero, a customer without an answer left out of the index but counted
 * in the response rate, the priorities; quarters and configured scores.
 * Also runs alone: npx jest -c jest.unit.config.js test/csi.test.ts
 */
import { computeCsi, csiScoresSchema, DEFAULT_CSI_SCORES, gradeScore, quartersUpTo, shiftQuarter, type CsiQuestionnaire } from '../activities/csi';
import { previousQuarter, quarterOf, quarterRange } from '../activities/quarterly-survey';
import { csiSettings } from '../scripts/config';

const answered = (customerId: string, customerName: string, q: string, d: string, c: string, s: string, t: string): CsiQuestionnaire => ({
  customerId,
  customerName,
  grades: { quality: q as never, delivery: d as never, communication: c as never, service: s as never, technical: t as never },
});

const DATA: CsiQuestionnaire[] = [
  // Alpha: two contacts, both answered.
  answered('a', 'Alpha', 'A', 'B', 'A-', 'B+', 'C'),
  answered('a', 'Alpha', 'B', 'D', 'A', 'B+', 'B-'),
  // Beta: one contact; two D grades pull it below zero.
  answered('b', 'Beta', 'D', 'C', 'B', 'B-', 'D'),
  // Gamma: asked, never answered.
  { customerId: 'g', customerName: 'Gamma', grades: null },
];

test('the seed’s scale: C = 0, D = −100, the grades above C evenly spaced up to 100', () => {
  expect(DEFAULT_CSI_SCORES).toEqual({ A: 100, 'A-': 80, 'B+': 60, B: 40, 'B-': 20, C: 0, D: -100 });
  expect(gradeScore('C')).toBe(0);
  expect(gradeScore('D')).toBe(-100);
  expect(() => gradeScore('E')).toThrow(/unknown grade/);
});

test('per customer, per part, overall, response rate and priorities on a known data set', () => {
  const r = computeCsi(DATA);
  expect(r.sent).toBe(4);
  expect(r.answered).toBe(3);
  expect(r.responseRate).toBe(0.75);
  expect(r.customersInIndex).toBe(2);

  const alpha = r.customers.find((c) => c.customerId === 'a')!;
  expect(alpha.parts).toEqual({ quality: 70, delivery: -30, communication: 90, service: 60, technical: 10 });
  expect(alpha.overall).toBe(40);
  expect(alpha.responseRate).toBe(1);

  const beta = r.customers.find((c) => c.customerId === 'b')!;
  expect(beta.parts).toEqual({ quality: -100, delivery: 0, communication: 40, service: 20, technical: -100 });
  expect(beta.overall).toBe(-28); // the D grades pull the customer's score negative

  // Gamma: in the list and the response rate, not in the index.
  const gamma = r.customers.find((c) => c.customerId === 'g')!;
  expect(gamma).toMatchObject({ sent: 1, answered: 0, responseRate: 0, overall: null });
  expect(Object.values(gamma.parts).every((v) => v === null)).toBe(true);

  // Each answering customer weighs the same (Alpha's two contacts count once).
  expect(Object.fromEntries(r.parts.map((p) => [p.part, p.score]))).toEqual({ quality: -15, delivery: -15, communication: 65, service: 40, technical: -45 });
  expect(r.overall).toBe(6);

  // The two lowest parts, ties in questionnaire order, with the customers at or below zero.
  expect(r.priorities).toEqual([
    { part: 'technical', score: -45, customersAtOrBelowZero: ['Beta'] },
    { part: 'quality', score: -15, customersAtOrBelowZero: ['Beta'] },
  ]);
  expect(computeCsi(DATA, DEFAULT_CSI_SCORES, 3).priorities.map((p) => p.part)).toEqual(['technical', 'quality', 'delivery']);
});

test('no answers at all: no index, a response rate of 0; nothing sent: no rate', () => {
  const none = computeCsi([{ customerId: 'g', customerName: 'Gamma', grades: null }]);
  expect(none).toMatchObject({ sent: 1, answered: 0, responseRate: 0, overall: null, customersInIndex: 0, priorities: [] });
  expect(computeCsi([]).responseRate).toBeNull();
});

test('configured scores change the index; a scale that does not fall from A to D is refused', () => {
  const scores = csiScoresSchema.parse({ A: 10, 'A-': 8, 'B+': 6, B: 4, 'B-': 2, C: 0, D: -10 });
  expect(computeCsi([answered('x', 'X', 'A', 'A', 'A', 'A', 'D')], scores).overall).toBe(6);
  expect(csiScoresSchema.safeParse({ ...DEFAULT_CSI_SCORES, C: 30 }).success).toBe(false);
  expect(csiScoresSchema.safeParse({ A: 100 }).success).toBe(false);
  expect(csiSettings({ CSI_REMIND_AFTER: '7d, 10d', CSI_CLOSE_AFTER: '14d', CSI_SCORES: undefined })).toEqual({ remindAfter: ['7d', '10d'], closeAfter: '14d', scores: DEFAULT_CSI_SCORES });
  expect(() => csiSettings({ CSI_REMIND_AFTER: '15d', CSI_CLOSE_AFTER: '14d', CSI_SCORES: undefined })).toThrow(/not before CSI_CLOSE_AFTER/);
  expect(() => csiSettings({ CSI_REMIND_AFTER: '7d', CSI_CLOSE_AFTER: '14d', CSI_SCORES: '{"A":1}' })).toThrow(/CSI_SCORES/);
});

test('quarters: shifting, the last five, ranges and the quarter a round on the 1st asks about', () => {
  expect(shiftQuarter('2026-Q4', 1)).toBe('2027-Q1');
  expect(shiftQuarter('2026-Q1', -1)).toBe('2025-Q4');
  expect(quartersUpTo('2026-Q4', 5)).toEqual(['2025-Q4', '2026-Q1', '2026-Q2', '2026-Q3', '2026-Q4']);
  const { from, to } = quarterRange('2026-Q4', 'Asia/Shanghai');
  expect(from.toISOString()).toBe('2026-09-30T16:00:00.000Z');
  expect(to.toISOString()).toBe('2026-12-31T16:00:00.000Z');
  // 1 January 08:00 in Shanghai (the schedule's time) asks about the fourth quarter.
  expect(previousQuarter(new Date('2027-01-01T00:00:00Z'), 'Asia/Shanghai')).toBe('2026-Q4');
  expect(quarterOf(new Date('2026-12-31T17:00:00Z'), 'Asia/Shanghai')).toBe('2027-Q1');
});
