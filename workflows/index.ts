/** Workflow entry points registered with the worker (bundled from this file). */
export { complaintCase } from './complaint-case';
export { countermeasure } from './countermeasure';
export { recurrencePrevention } from './recurrence-prevention';
export { dailyDigest } from './digest';
export { monthlyReview } from './monthly-review';
export { quarterlySurvey } from './quarterly-survey';
