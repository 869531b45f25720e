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

function sourceHash(): string {
  const h = crypto.createHash('sha256');
  const files = fs
    .readdirSync(path.join(root, 'workflows'), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .sort();
  for (const f of files) h.update(f).update('\0').update(fs.readFileSync(path.join(root, 'workflows', f)));
  h.update(fs.readFileSync(path.join(root, 'package-lock.json')));
  h.update(require('@temporalio/worker/package.json').version as string);
  return h.digest('hex').slice(0, 16);
}

export async function cachedWorkflowBundle(cacheDir: string): Promise<WorkflowBundleWithSourceMap> {
  const file = path.join(cacheDir, `workflow-bundle-${sourceHash()}.json`);
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as WorkflowBundleWithSourceMap;
  } catch {
    const bundle = await bundleWorkflowCode({ workflowsPath: path.join(root, 'workflows', 'index.ts'), logger: undefined });
    fs.mkdirSync(cacheDir, { recursive: true });
    for (const old of fs.readdirSync(cacheDir).filter((f) => f.startsWith('workflow-bundle-'))) fs.rmSync(path.join(cacheDir, old), { force: true });
    fs.writeFileSync(`${file}.tmp`, JSON.stringify(bundle));
    fs.renameSync(`${file}.tmp`, file);
    return bundle;
  }
}
