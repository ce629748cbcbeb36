/**
 * Per-callout timing at debug level. Kept apart from the dispatch loop: when
 * debug logging is on, the manager dispatches over a wrapped copy of the list,
 * so the normal path carries no clock reads at all.
 */
import type { Logger } from 'pino';
import type { CalloutEntry } from './callout-manager.js';
import { HOOKS_MESSAGES } from './hooks-messages.js';
import { logMessage } from './messages.js';
import type { HookPoint } from './server-hooks.js';

const round = (ms: number): number => Math.round(ms * 1000) / 1000;

export function timedList(point: HookPoint, list: readonly CalloutEntry[], logger: Logger): CalloutEntry[] {
  return list.map((e) => ({
    lib: e.lib,
    point: e.point,
    fn: (h) => {
      const t0 = performance.now();
      const log = (rc: unknown): void => logMessage(logger, HOOKS_MESSAGES.HOOKS_CALLOUT_CALLED,
        { library: e.lib.name, hook: point.name, rc: rc ?? 0, ms: round(performance.now() - t0) });
      const r = e.fn(h);
      if (r !== null && typeof r === 'object' && typeof (r as Promise<unknown>).then === 'function') {
        return (r as Promise<number | void>).then((v) => { log(v); return v; });
      }
      log(r);
      return r;
    },
  }));
}

export function logCompletion(point: HookPoint, count: number, t0: number, status: string, logger: Logger): void {
  logMessage(logger, HOOKS_MESSAGES.HOOKS_CALLOUTS_COMPLETE, { hook: point.name, count, ms: round(performance.now() - t0), status });
}
