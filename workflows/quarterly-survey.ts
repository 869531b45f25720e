/**
 * 顾客满意度调查 — the quarterly questionnaire (§6(4)), started by the `quarterly-survey`
 * Temporal Schedule on the first day of each quarter (scripts/schedules.ts): open the
 * quarter's round (once), wait for the first working moment of the company calendar, mail
 * every contact their link, remind those who have not answered
 * at the reminder time(s), close the round at its closing time, then compute the CSI, file
 * the report (Chinese and English) and mail it to the QA manager(s).
 *
 * The times come from the round (stored when it opened: CSI_REMIND_AFTER / CSI_CLOSE_AFTER,
 * or this input), so a second run for the same quarter waits for the same moments and every
 * step is idempotent (keyed mail, conditional updates).
 */
import { proxyActivities, sleep, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';

const acts = proxyActivities<Activities>({
  startToCloseTimeout: '10 minutes',
  retry: { initialInterval: '5 seconds', maximumInterval: '10 minutes', backoffCoefficient: 2 },
});

export interface QuarterlySurveyInput {
  /** "YYYY-Qn"; default: the quarter before the run (in TIME_ZONE). */
  quarter?: string;
  /** Durations after opening ("7d"); default CSI_REMIND_AFTER. */
  remindAfter?: string[];
  /** Duration after opening ("14d"); default CSI_CLOSE_AFTER. */
  closeAfter?: string;
}

export interface QuarterlySurveyResult {
  quarter: string;
  questionnaires: number;
  invited: number;
  reminded: number[];
  overall: number | null;
  responseRate: number | null;
  reportsSent: number;
}

async function sleepUntil(iso: string): Promise<void> {
  const ms = Date.parse(iso) - Date.now();
  if (ms > 0) await sleep(ms);
}

export async function quarterlySurvey(input: QuarterlySurveyInput = {}): Promise<QuarterlySurveyResult> {
  const round = await acts.openCsiRound({
    asOf: new Date(Date.now()).toISOString(),
    quarter: input.quarter,
    remindAfter: input.remindAfter,
    closeAfter: input.closeAfter,
    workflowId: workflowInfo().workflowId,
  });
  let invited = 0;
  const reminded: number[] = [];
  if (round.status === 'open') {
    // The first working moment of the company calendar (the 1st may be a holiday).
    await sleepUntil(round.openedAt);
    invited = (await acts.sendCsiInvitations({ roundId: round.roundId })).sent;
    for (const [i, at] of round.remindAt.entries()) {
      await sleepUntil(at);
      reminded.push((await acts.sendCsiReminders({ roundId: round.roundId, reminder: i + 1 })).reminded);
    }
    await sleepUntil(round.closesAt);
    await acts.closeCsiRound({ roundId: round.roundId, at: new Date(Date.now()).toISOString() });
  }
  const filed = await acts.fileCsiReports({ quarter: round.quarter });
  const { sent } = await acts.sendCsiReport({ quarter: round.quarter, zhId: filed.zhId, enId: filed.enId });
  return { quarter: round.quarter, questionnaires: round.questionnaires, invited, reminded, overall: filed.overall, responseRate: filed.responseRate, reportsSent: sent };
}
