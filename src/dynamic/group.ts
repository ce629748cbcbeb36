/**
 * A group of dynamic hooks: its handlers by hook name and whether it is enabled
 * by default. The module-level `enabledAnywhere` counts every enablement live in
 * the process (default groups plus groups enabled on open requests, over every
 * DynamicHooks), so the hot paths return after one comparison while it is zero.
 */

// Handlers take whatever the hook's caller passes; each hook documents its own arguments.
export type HookHandler = (...args: any[]) => unknown;

export let enabledAnywhere = 0;
/** The part of `enabledAnywhere` that open requests hold; while zero, no request scope needs looking up. */
export let enabledOnRequests = 0;

/** Only group state and request scopes change the counts, always in pairs (+n on enable, -n on disable). */
export function noteEnablement(delta: number, onRequest: boolean): void {
  enabledAnywhere += delta;
  if (onRequest) enabledOnRequests += delta;
}

interface Registration { readonly fn: HookHandler }

/** One group: registration-ordered handler lists per hook name, and its default enabling, counted in `enabledAnywhere`. */
export class Group {
  byDefault = false;
  /** Current handler lists by hook name. Replaced, never mutated, so a run in progress sees a stable list. */
  readonly handlers = new Map<string, readonly HookHandler[]>();
  readonly #registrations = new Map<string, Registration[]>();

  constructor(readonly name: string) {}

  /** Appends a handler (registration order is run order) and returns its undo. */
  add(hook: string, fn: HookHandler): () => void {
    const reg: Registration = { fn };
    const regs = [...(this.#registrations.get(hook) ?? []), reg];
    this.#publish(hook, regs);
    return () => {
      const current = this.#registrations.get(hook) ?? [];
      if (!current.includes(reg)) return;
      this.#publish(hook, current.filter((r) => r !== reg));
    };
  }

  #publish(hook: string, regs: Registration[]): void {
    if (regs.length === 0) {
      this.#registrations.delete(hook);
      this.handlers.delete(hook);
    } else {
      this.#registrations.set(hook, regs);
      this.handlers.set(hook, regs.map((r) => r.fn));
    }
  }

  setByDefault(on: boolean): void {
    if (this.byDefault === on) return;
    this.byDefault = on;
    noteEnablement(on ? 1 : -1, false);
  }
}
