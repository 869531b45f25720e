/** Structured logs (pino): JSON lines in production, one readable line per event on a terminal. */
import pino from 'pino';

export function createLogger(name: string, level = process.env.LOG_LEVEL ?? 'info') {
  return pino({ name, level, base: { pid: process.pid, name } });
}
