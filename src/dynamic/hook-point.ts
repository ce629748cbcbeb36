/**
 * A hook resolved once: `run` behaves as `runHook(group, name, ...)` without
 * looking the group up by name, for call sites hot enough to hold a handle the
 * way tapable users hold a hook object. Handlers added or undone later are seen.
 */
import { type Group, mirrorEnablements } from './group.js';
import { firstArgs, type LayerOwner } from './patched-call.js';

// See mirrorEnablements: a module-local `var` keeps the hot-path check to one cheap read.
var enabledAnywhere = 0;
mirrorEnablements((anywhere) => {
  enabledAnywhere = anywhere;
});

/** Calls its hook's handlers when the group is enabled here; otherwise returns after the group check. */
export class HookPoint {
  constructor(
    private readonly owner: LayerOwner,
    private readonly g: Group,
    readonly name: string,
  ) {}

  get group(): string {
    return this.g.name;
  }

  run(...args: unknown[]): void;
  run(a0?: unknown, a1?: unknown, a2?: unknown, a3?: unknown): void {
    if (enabledAnywhere === 0 || !this.owner.isEnabled(this.g)) return;
    const handlers = this.g.handlers.get(this.name);
    if (handlers === undefined) return;
    const n = arguments.length;
    const args = n <= 4 ? firstArgs(n, a0, a1, a2, a3) : (Array.prototype.slice.call(arguments) as unknown[]);
    for (const handler of handlers) this.owner.failures.call('hook', this.g.name, this.name, handler, undefined, args);
  }
}
