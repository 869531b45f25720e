/**
 * Finds the Temporal CLI (dev server + SQLite persistence + Web UI in one binary), in
 * this order: TEMPORAL_CLI_PATH → `temporal` on PATH → the cached build under the user's
 * cache directory → `go install` of the CLI into that cache → a clear error.
 *
 * The cache is per machine (not per clone), so one build serves every clone and CI.
 * v1.5.1 is the newest tag `go install` accepts (later tags carry a replace directive).
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const TEMPORAL_CLI_VERSION = 'v1.5.1';
const MODULE = 'github.com/temporalio/cli/cmd/temporal';

/**
 * The per-user, per-machine cache of a tool this project builds for itself:
 * `$XDG_CACHE_HOME` (or `~/.cache`)`/qms-complaints/<tool>/<version>`. Defaults to the CLI's.
 */
export function cacheDir(tool = 'temporal-cli', version = TEMPORAL_CLI_VERSION): string {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'qms-complaints', tool, version);
}

export function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

export function onPath(name: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && isExecutable(path.join(dir, name))) return path.join(dir, name);
  }
  return null;
}

export type Found = { path: string; source: 'TEMPORAL_CLI_PATH' | 'PATH' | 'cache' | 'built' };

/** Locate the binary without building it. */
export function findTemporalCli(env: NodeJS.ProcessEnv = process.env): Found | null {
  if (env.TEMPORAL_CLI_PATH) {
    if (!isExecutable(env.TEMPORAL_CLI_PATH)) {
      throw new Error(`TEMPORAL_CLI_PATH=${env.TEMPORAL_CLI_PATH} is not an executable file.`);
    }
    return { path: env.TEMPORAL_CLI_PATH, source: 'TEMPORAL_CLI_PATH' };
  }
  const fromPath = onPath('temporal');
  if (fromPath) return { path: fromPath, source: 'PATH' };
  const cached = path.join(cacheDir(), 'temporal');
  if (isExecutable(cached)) return { path: cached, source: 'cache' };
  return null;
}

/** Locate the binary, building it into the cache with `go install` if needed. */
export async function ensureTemporalCli(log: (line: string) => void = console.log): Promise<Found> {
  const found = findTemporalCli();
  if (found) return found;
  const go = onPath('go');
  if (!go) {
    throw new Error(
      'The Temporal CLI was not found. Install it (https://docs.temporal.io/cli, or `brew install temporal`) and put ' +
        '`temporal` on PATH or set TEMPORAL_CLI_PATH; or install Go ≥ 1.23 so this launcher can build it with ' +
        `\`go install ${MODULE}@${TEMPORAL_CLI_VERSION}\`; or point TEMPORAL_ADDRESS at an existing Temporal server.`,
    );
  }
  const dir = cacheDir();
  fs.mkdirSync(dir, { recursive: true });
  const staging = fs.mkdtempSync(path.join(dir, '.build-'));
  log(`Building the Temporal CLI ${TEMPORAL_CLI_VERSION} with Go into ${dir} (first time only; takes a few minutes)…`);
  const started = Date.now();
  await new Promise<void>((resolve, reject) => {
    const child = spawn(go, ['install', '-trimpath', `${MODULE}@${TEMPORAL_CLI_VERSION}`], {
      env: { ...process.env, CGO_ENABLED: '0', GOBIN: staging, GOFLAGS: process.env.GOFLAGS ?? '-mod=mod' },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`go install ${MODULE}@${TEMPORAL_CLI_VERSION} failed (exit ${code}). ` +
            'If the Go toolchain is too new, retry with GOTOOLCHAIN=go1.25.0; if the checksum database is unreachable, GOSUMDB=off.')),
    );
  });
  // Rename into place atomically so a concurrent clone never sees a half-written binary.
  const target = path.join(dir, 'temporal');
  fs.renameSync(path.join(staging, 'temporal'), target);
  fs.rmSync(staging, { recursive: true, force: true });
  const version = execFileSync(target, ['--version'], { encoding: 'utf8' }).trim();
  log(`Built ${version} in ${((Date.now() - started) / 1000).toFixed(0)} s (${(fs.statSync(target).size / 1e6).toFixed(0)} MB).`);
  return { path: target, source: 'built' };
}

if (require.main === module) {
  ensureTemporalCli()
    .then((f) => console.log(`${f.path} (${f.source})`))
    .catch((err) => {
      console.error(err.message);
      process.exit(1);
    });
}
