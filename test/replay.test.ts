/**
 * Replays the recorded histories under test/histories with the current workflow code.
 * A change that would break a running case (non-determinism) fails here, in CI.
 * After an intended change versioned with `patched()`, move the current recordings into a
 * subfolder named after the patch (they keep proving that cases started before it still
 * replay — e.g. before-local-writes/, before-intake-plan/) and record anew:
 * RECORD_HISTORIES=1 npx jest test/procedure.workflow.test.ts
 * (the quarterly survey: RECORD_HISTORIES=1 npx jest test/csi.e2e.test.ts)
 */
import fs from 'node:fs';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { WORKFLOW_CODE } from '../scripts/workflow-bundle';

const dir = path.join(__dirname, 'histories');
const files = (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.endsWith('.json')).sort();

test('there are recorded histories to replay', () => {
  expect(files.length).toBeGreaterThanOrEqual(2);
});

test.each(files)('replays %s deterministically', async (file) => {
  const history = historyFromJSON(JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')));
  const idFile = path.join(dir, file.replace(/\.json$/, '.workflow-id'));
  const workflowId = fs.existsSync(idFile) ? fs.readFileSync(idFile, 'utf8').trim() : file;
  await Worker.runReplayHistory(WORKFLOW_CODE, history, workflowId);
});
