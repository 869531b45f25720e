/**
 * Server-Timing (https://www.w3.org/TR/server-timing/): the phases of a request as the
 * server saw them — e.g. `lookup;dur=3.1, db;dur=4.0, temporal;dur=12.5` — so a slow call
 * shows where its time went in the browser's network panel and in `npm run bench`.
 */
import { performance } from 'node:perf_hooks';

export class ServerTiming {
  private last = performance.now();
  readonly phases: { name: string; ms: number }[] = [];

  /** Close the phase that ran since the previous mark (or since construction). */
  mark(name: string): void {
    const now = performance.now();
    this.phases.push({ name, ms: now - this.last });
    this.last = now;
  }

  header(): string {
    return this.phases.map((p) => `${p.name};dur=${p.ms.toFixed(1)}`).join(', ');
  }
}
