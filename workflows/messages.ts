/**
 * Updates and queries of the complaint-case workflow. The API imports these constants,
 * so names and argument types are checked on both sides.
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { CaseState, RecordContactInput } from './types';

/** The workflow's full state: step, clocks, decisions. */
export const caseStateQuery = defineQuery<CaseState>('caseState');

/** Sales records the first contact with the customer (§5.1, 12-h clock). */
export const recordContactUpdate = defineUpdate<CaseState, [RecordContactInput]>('recordContact');
