/**
 * 对策 — one action of an approved CAPA plan (containment, permanent countermeasure or
 * management measure), as a child workflow of its case: the owner department carries it
 * out by its own due date and records the effect (§5.3(3)). Its clock reminds the
 * department before the due date and escalates after it, like every clock of the case.
 */
import { allHandlersFinished, condition, patched, setHandler, workflowInfo } from '@temporalio/workflow';
import { Clocks, checkRole, parseOr422, requireActor, store, wrongState } from './kit';
import { cancelSignal, countermeasureStateQuery, recordImplementationUpdate } from './messages';
import { requestSchemas } from './steps';
import type { ClockState, CountermeasureItem } from './types';

export interface CountermeasureInput {
  caseId: string;
  caseNo: string;
  item: CountermeasureItem;
}

export async function countermeasure({ caseId, caseNo, item: initial }: CountermeasureInput): Promise<CountermeasureItem> {
  const item: CountermeasureItem = { ...initial };
  const clockStates: ClockState[] = [];
  const clocks = new Clocks(caseId, clockStates);
  let cancelled: string | null = null;
  const key = `${workflowInfo().workflowId}`;

  setHandler(countermeasureStateQuery, () => ({ ...item, clock: clockStates[0] ?? null }));
  setHandler(cancelSignal, ({ reason }) => {
    cancelled = reason;
  });
  setHandler(
    recordImplementationUpdate,
    async (req) => {
      const { actor, lateReason, ...rest } = req;
      const data = requestSchemas.implementation.parse(rest);
      clocks.stop('implementation', lateReason);
      Object.assign(item, {
        status: 'implemented',
        implementedAt: data.implementedAt ? new Date(data.implementedAt).toISOString() : new Date(Date.now()).toISOString(),
        effect: data.effect,
      });
      await store.recordEvent({
        caseId,
        key: `${key}:implemented`,
        kind: 'countermeasure_implemented',
        actorId: actor.id,
        data: { ref: item.ref, kind: item.kind, action: item.action, implementedAt: item.implementedAt, effect: item.effect, lateReason: lateReason ?? null },
      });
      return item;
    },
    {
      validator: (req) => {
        const actor = requireActor(req?.actor);
        if (item.status !== 'open' || cancelled) wrongState(`${caseNo} ${item.ref} is already ${cancelled ? 'cancelled' : item.status}`);
        checkRole(actor, ['department_owner', 'qa_engineer'], `Implementation of ${item.ref}`, item.ownerDepartmentId);
        const { actor: _a, lateReason, ...rest } = req;
        parseOr422(requestSchemas.implementation, rest, '');
        clocks.requireLateReason('implementation', lateReason);
      },
    },
  );

  await clocks.start({
    clock: 'countermeasure',
    ref: item.ref,
    stopsAt: 'implementation',
    owner: { role: 'department_owner', departmentId: item.ownerDepartmentId },
    startedAt: new Date(Date.now()).toISOString(),
    dueAt: item.dueAt,
  });
  await condition(() => item.status !== 'open' || cancelled !== null);
  if (item.status === 'open') {
    item.status = 'cancelled';
    clocks.cancelAll();
  }
  await clocks.settled();
  // The implementation update answers after its record is written; do not end before it has.
  if (patched('countermeasure-awaits-handlers')) await condition(allHandlersFinished);
  return item;
}
