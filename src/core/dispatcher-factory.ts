/**
 * Chooses the dispatcher of one hook point for the manager's mode: the
 * compiled one normally, the timed loop when debug logging is on, either
 * wrapped with the strict input check. Also makes the reporter through which
 * dispatch logs (and counts) what callouts did. Built once per list change;
 * nothing here runs on the call path itself.
 */
import type { Logger } from 'pino';
import type { CalloutHandle } from './callout-handle.js';
import { dispatchAsync, dispatchSync, type DispatchReporter } from './callout-dispatch.js';
import { compileAsync, compileSync, type AsyncDispatcher, type SyncDispatcher } from './callout-compiler.js';
import type { CalloutEntry } from './callout-manager.js';
import { logCompletion, timedList } from './callout-timing.js';
import { AsyncCalloutInSyncCall, NoSuchArgument } from './errors.js';
import { checkArgument } from './hook-spec.js';
import { HOOKS_MESSAGES } from './hooks-messages.js';
import { logMessage } from './messages.js';
import { nextStepName } from './next-step.js';
import type { HookPoint } from './server-hooks.js';

export interface DispatchMode {
  strict: boolean;
  /** Per-callout timing at debug level. */
  timing: boolean;
  logger: Logger;
  reporter: DispatchReporter;
}

/** The dispatcher of a hook without callouts: the status is still reset. */
export const resetStatus = (h: CalloutHandle<any>): undefined => {
  h._status = 0;
  return undefined;
};

/** Strict mode: every in and in/out argument of the spec is set and of its type. */
function checkInputs(point: HookPoint, h: CalloutHandle<any>): void {
  for (const [name, spec] of Object.entries(point.spec?.arguments ?? {})) {
    if (spec.direction === 'out') continue;
    if (!h.hasArgument(name)) throw new NoSuchArgument(name, point.name);
    checkArgument(point.name, name, spec, h._args[name]);
  }
}

export function syncDispatcherFor(point: HookPoint, list: readonly CalloutEntry[], mode: DispatchMode): SyncDispatcher {
  const { logger, reporter } = mode;
  const d: SyncDispatcher = mode.timing
    ? (h) => {
      const t0 = performance.now();
      dispatchSync(point, timedList(point, list, logger), h, reporter);
      logCompletion(point, list.length, t0, nextStepName(h._status), logger);
    }
    : compileSync(point, list, reporter);
  return mode.strict ? (h) => { checkInputs(point, h); d(h); } : d;
}

export function asyncDispatcherFor(point: HookPoint, list: readonly CalloutEntry[], mode: DispatchMode): AsyncDispatcher {
  const { logger, reporter } = mode;
  const d: AsyncDispatcher = mode.timing
    ? (h) => {
      const t0 = performance.now();
      const done = (): void => logCompletion(point, list.length, t0, nextStepName(h._status), logger);
      const p = dispatchAsync(point, timedList(point, list, logger), h, reporter);
      if (p === undefined) {
        done();
        return undefined;
      }
      return p.then(done);
    }
    : compileAsync(point, list, reporter);
  return mode.strict ? (h) => { checkInputs(point, h); return d(h); } : d;
}

/** Logs what callouts did with the catalogue's IDs, and tells `onFailure` of every error and exception. */
export function createReporter(logger: Logger, onFailure: (hook: string, library: string, kind: 'error' | 'exception') => void): DispatchReporter {
  return {
    calloutError: (point, e, rc) => {
      onFailure(point.name, e.lib.name, 'error');
      logMessage(logger, HOOKS_MESSAGES.HOOKS_CALLOUT_ERROR, { hook: point.name, library: e.lib.name, rc });
    },
    calloutException: (point, e, error) => {
      onFailure(point.name, e.lib.name, 'exception');
      logMessage(logger, HOOKS_MESSAGES.HOOKS_CALLOUT_EXCEPTION, { hook: point.name, library: e.lib.name, error });
    },
    asyncInSync: (point, e, result) => {
      Promise.resolve(result).catch(() => undefined);
      onFailure(point.name, e.lib.name, 'exception');
      logMessage(logger, HOOKS_MESSAGES.HOOKS_CALLOUT_EXCEPTION, { hook: point.name, library: e.lib.name, error: new AsyncCalloutInSyncCall(point.name, e.lib.name) });
    },
    unsupportedStatus: (point, h) => logMessage(logger, HOOKS_MESSAGES.HOOKS_UNSUPPORTED_STATUS, { hook: point.name, status: nextStepName(h._status) }),
  };
}
