/**
 * Server-Timing (https://www.w3.org/TR/server-timing/): the phases of a request as the
 * server saw them — e.g. `lookup;dur=3.1, db;dur=4.0, temporal;dur=12.5` — so a slow call
 * shows where its time went in the browser's network panel and in `npm run bench`.
 */
import { performance } from 'node:perf_hooks';

export class ServerTiming {
  private last: number;
  readonly phases: { name: string; ms: number }[] = [];

  /**
   * Phases start at `res.locals.receivedAt` when the request carries it (set first thing by
   * the app): the first phase, `request`, is then the body, the sign-in check and the validation.
   */
  constructor(locals?: Record<string, unknown>) {
    const at = locals?.receivedAt;
    this.last = typeof at === 'number' ? at : performance.now();
    if (typeof at === 'number') this.mark('request');
  }

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

/** Middleware: note when the request arrived (for ServerTiming's `request` phase). */
export function noteArrival(_req: unknown, res: { locals: Record<string, unknown> }, next: () => void): void {
  res.locals.receivedAt = performance.now();
  next();
}
