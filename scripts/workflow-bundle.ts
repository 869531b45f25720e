/**
 * The workflow bundle, cached: webpack-bundling the workflow code takes a few seconds
 * on every worker start, so the bundle is kept under DATA_DIR/cache keyed by a hash of
 * the workflow sources, the lock file and the SDK version. Any change makes a new key
 * (and a fresh bundle); a stale file is never used.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';

const root = path.join(__dirname, '..');

/**
 * Modules evaluated once in the worker's reusable V8 context and shared (frozen) by every
 * workflow, instead of evaluated afresh for each workflow it creates or replays: zod, through
 * workflows/preload.ts so that it is the same (ESM) module the workflow code imports — a bare
 * 'zod' here would be resolved as CommonJS and share nothing. Stateless libraries only; the
 * workflow modules themselves keep per-workflow state.
 */
export const PRELOAD_MODULES = [path.join(root, 'workflows', 'preload.ts')];

/** The workflow code as every worker and replayer bundles it (Worker.create / runReplayHistory options). */
export const WORKFLOW_CODE = {
  workflowsPath: path.join(root, 'workflows', 'index.ts'),
  bundlerOptions: { preloadModules: PRELOAD_MODULES },
};

function sourceHash(): string {
  const h = crypto.createHash('sha256');
  const files = fs
    .readdirSync(path.join(root, 'workflows'), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .sort();
  for (const f of files) h.update(f).update('\0').update(fs.readFileSync(path.join(root, 'workflows', f)));
  h.update(fs.readFileSync(path.join(root, 'package-lock.json')));
  h.update(require('@temporalio/worker/package.json').version as string);
  h.update(PRELOAD_MODULES.join(','));
  return h.digest('hex').slice(0, 16);
}

export async function cachedWorkflowBundle(cacheDir: string): Promise<WorkflowBundleWithSourceMap> {
  const file = path.join(cacheDir, `workflow-bundle-${sourceHash()}.json`);
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as WorkflowBundleWithSourceMap;
  } catch {
    const bundle = await bundleWorkflowCode({ workflowsPath: WORKFLOW_CODE.workflowsPath, ...WORKFLOW_CODE.bundlerOptions, logger: undefined });
    fs.mkdirSync(cacheDir, { recursive: true });
    for (const old of fs.readdirSync(cacheDir).filter((f) => f.startsWith('workflow-bundle-'))) fs.rmSync(path.join(cacheDir, old), { force: true });
    fs.writeFileSync(`${file}.tmp`, JSON.stringify(bundle));
    fs.renameSync(`${file}.tmp`, file);
    return bundle;
  }
}
