/**
 * What the worker processes (scripts/worker.ts, scripts/documents-worker.ts) share: the SDK
 * runtime and connection, and their main.
 */
import { NativeConnection, Runtime, makeTelemetryFilterString, type Worker } from '@temporalio/worker';
import { loadConfig, type Config } from './config';
import type { createLogger } from './logger';
import { temporalConnectionOptions } from './temporal-connection';

/** The SDK runtime (core logs at WARN, forwarded) and a connection to Temporal, for a worker process. */
export async function workerConnection(config: Config): Promise<NativeConnection> {
  Runtime.install({ telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'WARN' }), forward: {} } } });
  return NativeConnection.connect(temporalConnectionOptions(config));
}

/**
 * A worker process's main: create it, tell a parent process (npm start) it is ready, run it
 * until SIGINT/SIGTERM (the SDK installs the handlers), then close what it opened.
 */
export function runWorkerProcess(
  name: string,
  create: (config: Config) => Promise<{ worker: Worker; shutdown: () => Promise<void>; log: ReturnType<typeof createLogger> }>,
  describe: (config: Config) => Record<string, unknown>,
): void {
  (async () => {
    const config = loadConfig();
    const { worker, shutdown, log } = await create(config);
    log.info(describe(config), `${name} running`);
    process.send?.({ ready: name });
    await worker.run();
    await shutdown();
    log.info(`${name} stopped`);
    process.exit(0);
  })().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
