/** Workflow entry points registered with the worker (bundled from this file). */
export { complaintCase } from './complaint-case';
