/** Stops what global-setup started. */
import fs from 'node:fs';

export default async function globalTeardown(): Promise<void> {
  const state = globalThis.__TEST_SERVICES__;
  if (!state) return;
  for (const s of [...state.services].reverse()) await s.stop();
  if (!process.env.KEEP_TEST_LOGS) fs.rmSync(state.tmp, { recursive: true, force: true });
}
