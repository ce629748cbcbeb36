/**
 * A group of dynamic hooks: its handlers by hook name and whether it is enabled
 * by default. `enabledAnywhere` counts every enablement live in the process
 * (default groups plus groups enabled on open requests, over every
 * DynamicHooks), so the hot paths return after one comparison while it is zero.
 */

// Handlers take whatever the hook's caller passes; each hook documents its own arguments.
export type HookHandler = (...args: any[]) => unknown;

let enabledAnywhere = 0;
let enabledOnRequests = 0;

/** Receives both counts whenever they change: every enablement live anywhere, and the part open requests hold. */
export type EnablementMirror = (anywhere: number, onRequests: number) => void;
const mirrors: EnablementMirror[] = [];

/**
 * Hot paths read the counts from a module-local `var` of their own, the
 * cheapest read V8 offers: an imported binding, or a `let`, costs a cell load
 * and a TDZ check that made a patched call 1.4× the original instead of 1.1×.
 * Each such module registers a mirror here, and every change is pushed to it.
 */
export function mirrorEnablements(mirror: EnablementMirror): void {
  mirrors.push(mirror);
  mirror(enabledAnywhere, enabledOnRequests);
}

/** Only group state and request scopes change the counts, always in pairs (+n on enable, -n on disable). */
export function noteEnablement(delta: number, onRequest: boolean): void {
  enabledAnywhere += delta;
  if (onRequest) enabledOnRequests += delta;
  for (const mirror of mirrors) mirror(enabledAnywhere, enabledOnRequests);
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
