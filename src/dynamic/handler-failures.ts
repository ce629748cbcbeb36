/**
 * Contains handler failures: a handler that throws or rejects is logged once per
 * group and hook, and never reaches the caller or the other handlers.
 */
import type { Logger } from 'pino';
import { logMessage } from '../core/messages.js';
import { dynamicMessages } from './messages.js';

export type HandlerKind = 'hook' | 'before' | 'after';

/** Runs handlers with their failures contained; logs the first failure of each group and hook, and no later one. */
export class HandlerFailures {
  readonly #seen = new Set<string>();

  constructor(private readonly logger: Logger) {}

  report(kind: HandlerKind, group: string, hook: string, error: unknown): void {
    const key = `${group}\u0000${hook}`;
    if (this.#seen.has(key)) return;
    this.#seen.add(key);
    const err = error instanceof Error ? error : new Error(String(error));
    // `err` gets pino's error serializer (stack included); `error` fills the text.
    logMessage(this.logger, dynamicMessages.DYNAMIC_HOOK_HANDLER_ERROR, { kind, group, hook, error: err.message, err });
  }

  /** Calls one handler with the failure contained; a returned promise's rejection is contained too. */
  call(kind: HandlerKind, group: string, hook: string, fn: (...a: unknown[]) => unknown, thisArg: unknown, args: readonly unknown[]): void {
    try {
      const r = fn.apply(thisArg, args as unknown[]);
      if (isThenable(r)) r.then(undefined, (e: unknown) => this.report(kind, group, hook, e));
    } catch (e) {
      this.report(kind, group, hook, e);
    }
  }
}

export function isThenable(v: unknown): v is PromiseLike<unknown> {
  return (typeof v === 'object' || typeof v === 'function') && v !== null && typeof (v as { then?: unknown }).then === 'function';
}
