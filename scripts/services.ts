/**
 * Starting the embedded parts as child processes — shared by the launcher (npm start)
 * and the test setup: the PGlite socket server and the Temporal dev server.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { SEARCH_ATTRIBUTES } from '../workflows/search-attributes';

export interface Service {
  name: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

const TSX = ['--import', 'tsx'];

/** A TCP port on 127.0.0.1 that is free right now (the OS picks it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/** Resolves when a TCP port accepts connections; rejects after `timeoutMs` or if the child exits. */
export async function waitForPort(port: number, host: string, timeoutMs: number, child?: ChildProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child && child.exitCode !== null) throw new Error(`process exited with code ${child.exitCode} before listening on ${host}:${port}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect({ port, host }, () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on ${host}:${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Fails early with a clear message when a port the default run needs is taken. */
export async function assertPortFree(port: number, host: string, what: string, envVar: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', () => reject(new Error(`Port ${port} (${what}) is in use on ${host}. Stop what uses it or set ${envVar}.`)));
    srv.listen(port, host, () => srv.close(() => resolve()));
  });
}

function stopper(name: string, child: ChildProcess, graceMs: number): () => Promise<void> {
  return () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const kill = setTimeout(() => child.kill('SIGKILL'), graceMs);
      child.once('exit', () => {
        clearTimeout(kill);
        resolve();
      });
      child.kill('SIGTERM');
    });
}

function pipeOutput(child: ChildProcess, file: string): void {
  const out = fs.createWriteStream(file, { flags: 'a' });
  child.stdout?.pipe(out);
  child.stderr?.pipe(out);
}

/** PGlite behind the Postgres wire protocol, data in `dataDir`. */
export async function startPglite(opts: { dataDir: string; port: number; host?: string; logFile: string }): Promise<Service> {
  const host = opts.host ?? '127.0.0.1';
  const child = spawn(process.execPath, [...TSX, path.join(__dirname, 'pglite-server.ts'), opts.dataDir, String(opts.port), host], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const ready = new Promise<void>((resolve, reject) => {
    let buf = '';
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      if (buf.includes('PGLITE_READY')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`PGlite server exited (code ${code}); see ${opts.logFile}`)));
  });
  pipeOutput(child, opts.logFile);
  await Promise.race([ready, new Promise((_, reject) => setTimeout(() => reject(new Error('PGlite did not start in 60 s')), 60_000).unref())]);
  return { name: 'pglite', child, stop: stopper('pglite', child, 10_000) };
}

/** The Temporal CLI dev server: SQLite persistence when `dbFile` is given, in memory otherwise. */
export async function startTemporal(opts: {
  binary: string;
  port: number;
  uiPort?: number;
  dbFile?: string;
  namespace: string;
  host?: string;
  logFile: string;
  headless?: boolean;
  /** SQLite pragmas for the persisted dev server (TEMPORAL_SQLITE_PRAGMAS); default WAL + synchronous=normal. */
  sqlitePragmas?: string[];
}): Promise<Service> {
  const host = opts.host ?? '127.0.0.1';
  const args = ['server', 'start-dev', '--ip', host, '--port', String(opts.port), '--namespace', opts.namespace, '--log-level', 'warn'];
  if (opts.dbFile) {
    args.push('--db-filename', opts.dbFile);
    // Write-ahead log with synchronous=NORMAL: commits survive a crash of any process (only a
    // power cut can lose the last ones) and workflow starts run ≈ 4× faster than with the
    // default rollback journal (59 → 225 starts/s on 2 cores, `npm run bench`).
    for (const pragma of opts.sqlitePragmas ?? ['journal_mode=wal', 'synchronous=normal']) args.push('--sqlite-pragma', pragma);
  }
  if (opts.headless) args.push('--headless');
  else if (opts.uiPort) args.push('--ui-port', String(opts.uiPort));
  for (const [name, type] of Object.entries(SEARCH_ATTRIBUTES)) args.push('--search-attribute', `${name}=${type}`);
  // Let the dev server keep finished histories long enough for auditors working on it locally.
  // Go's collector at its default (GOGC=100) took a large share of the dev server's CPU: with
  // GOGC=400 raw workflow starts went from 194 to 277 per second on 2 cores (`npm run bench`).
  // GOMEMLIMIT makes it collect harder before the heap reaches 1 GiB. Both can be overridden.
  const env = { ...process.env, GOGC: process.env.GOGC ?? '400', GOMEMLIMIT: process.env.GOMEMLIMIT ?? '1GiB' };
  const child = spawn(opts.binary, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
  pipeOutput(child, opts.logFile);
  await waitForPort(opts.port, host, 60_000, child);
  return { name: 'temporal', child, stop: stopper('temporal', child, 15_000) };
}

/** The environment of the case worker process: its memory settings (WORKER_NODE_OPTIONS, WORKER_MALLOC_ARENA_MAX) added. */
export function workerProcessEnv(env: NodeJS.ProcessEnv, settings: { WORKER_NODE_OPTIONS: string; WORKER_MALLOC_ARENA_MAX: number }): NodeJS.ProcessEnv {
  return {
    ...env,
    NODE_OPTIONS: [env.NODE_OPTIONS, settings.WORKER_NODE_OPTIONS].filter(Boolean).join(' '),
    MALLOC_ARENA_MAX: env.MALLOC_ARENA_MAX ?? String(settings.WORKER_MALLOC_ARENA_MAX),
  };
}

/** A TypeScript entry point (scripts/worker.ts, scripts/api.ts) as a child process, resolved when it reports ready. */
export async function startNodeProcess(name: string, file: string, env: NodeJS.ProcessEnv, logFile?: string): Promise<Service> {
  // CPU_PROFILE_DIR (benchmark diagnostics): each child writes a V8 CPU profile there when it exits.
  const profile = process.env.CPU_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${path.join(process.env.CPU_PROFILE_DIR, name)}`] : [];
  const child = spawn(process.execPath, [...profile, ...TSX, file], {
    env,
    stdio: logFile ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  if (logFile) pipeOutput(child, logFile);
  await new Promise<void>((resolve, reject) => {
    child.on('message', (m: { ready?: string }) => m?.ready && resolve());
    child.once('exit', (code) => reject(new Error(`${name} exited with code ${code} while starting${logFile ? `; see ${logFile}` : ''}`)));
  });
  return { name, child, stop: stopper(name, child, 20_000) };
}
