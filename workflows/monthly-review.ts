/**
 * 月度统计 — on the 1st of every month (a Temporal Schedule, scripts/schedules.ts): last
 * month's on-time reply rate with its trend, the Pareto of defect phenomena and the causes
 * and countermeasures, stored as computed; the register and the Monthly Quality Review are
 * filed and sent to the QA manager and the management representative (§6(5)).
 */
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';

const reports = proxyActivities<Activities>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '5 seconds', maximumInterval: '10 minutes', backoffCoefficient: 2 },
});

export interface MonthlyReviewInput {
  /** "YYYY-MM"; default: the month before the run, in the company's time zone. */
  month?: string;
}

export async function monthlyReview(input: MonthlyReviewInput = {}): Promise<{ month: string; sent: number }> {
  const r = await reports.compileMonthlyReview({ asOf: new Date(Date.now()).toISOString(), month: input.month });
  const { sent } = await reports.sendMonthlyReview({ month: r.month, reviewId: r.reviewId, registerCsvId: r.registerCsvId });
  return { month: r.month, sent };
}
