/**
 * The registry of a component's hook points: names to dense indexes, with the
 * spec of each. Indexes never change once given, so a component can keep them
 * in constants. `context_create` (0) and `context_destroy` (1) are registered
 * first and reserved. Command hooks are named `$` plus the command with `-`
 * turned into `_`.
 */
import { DuplicateHook, InvalidHookName, NoSuchHook } from './errors.js';
import type { HookPointSpec } from './hook-spec.js';
import { NextStep } from './next-step.js';

export const CONTEXT_CREATE = 'context_create';
export const CONTEXT_DESTROY = 'context_destroy';

const VALID_NAME = /^\$?[A-Za-z_][A-Za-z0-9_]*$/;

/** `lease4-add` -> `$lease4_add` */
export function commandHookName(command: string): string {
  return '$' + command.replace(/-/g, '_');
}

export interface HookPoint {
  readonly name: string;
  readonly index: number;
  readonly spec: HookPointSpec | undefined;
  /** Bit n set when NextStep n is supported; CONTINUE always is. All bits when the spec lists no statuses. */
  readonly statusMask: number;
}

function statusMaskOf(spec: HookPointSpec | undefined): number {
  if (spec?.statuses === undefined) return 0b1111;
  let mask = 1 << NextStep.CONTINUE;
  for (const name of Object.keys(spec.statuses)) {
    const v = NextStep[name as keyof typeof NextStep];
    if (v === undefined) throw new InvalidHookName(name, `"${name}" is not a next-step status (expected SKIP, DROP or PARK)`);
    mask |= 1 << v;
  }
  return mask;
}

export class ServerHooks {
  private readonly byName = new Map<string, HookPoint>();
  private readonly byIndex: HookPoint[] = [];
  private readonly commands = new Map<string, string>();

  constructor() {
    this.add(CONTEXT_CREATE, { description: 'Called when a callout handle is created, so libraries can set up per-handle context.' });
    this.add(CONTEXT_DESTROY, { description: 'Called when a callout handle is released, so libraries can clean up per-handle context.' });
  }

  register(name: string, spec?: HookPointSpec): number {
    if (name === CONTEXT_CREATE || name === CONTEXT_DESTROY) throw new DuplicateHook(name, true);
    if (this.byName.has(name)) throw new DuplicateHook(name);
    if (typeof name !== 'string' || !VALID_NAME.test(name)) {
      throw new InvalidHookName(String(name), 'a hook name must be a valid identifier (letters, digits and "_", not starting with a digit), optionally prefixed by "$" for command hooks');
    }
    return this.add(name, spec).index;
  }

  /** Registers a command hook if it is not registered yet; returns its index. */
  registerCommandHook(command: string): number {
    if (typeof command !== 'string' || !/^[A-Za-z][A-Za-z0-9_-]*$/.test(command)) {
      throw new InvalidHookName(String(command), 'a command name must start with a letter and hold only letters, digits, "-" and "_"');
    }
    const name = commandHookName(command);
    if (!this.commands.has(name)) this.commands.set(name, command);
    return this.byName.get(name)?.index ?? this.add(name, {
      description: `Handles the control command "${command}".`,
      arguments: {
        command: { type: 'object', direction: 'in', description: 'The command as received: { command, arguments? }.' },
        response: { type: 'object', direction: 'out', description: 'The response to send: { result, text?, arguments? }.' },
      },
    }).index;
  }

  private add(name: string, spec: HookPointSpec | undefined): HookPoint {
    const point: HookPoint = Object.freeze({ name, index: this.byIndex.length, spec, statusMask: statusMaskOf(spec) });
    this.byIndex.push(point);
    this.byName.set(name, point);
    return point;
  }

  /** The command a `$…` hook was registered for, as the command was spelled. */
  commandOf(hookName: string): string | undefined {
    return this.commands.get(hookName);
  }

  index(name: string): number {
    const p = this.byName.get(name);
    if (p === undefined) throw new NoSuchHook(name);
    return p.index;
  }

  find(name: string): HookPoint | undefined {
    return this.byName.get(name);
  }

  point(index: number): HookPoint {
    const p = this.byIndex[index];
    if (p === undefined) throw new NoSuchHook(index);
    return p;
  }

  get count(): number {
    return this.byIndex.length;
  }

  names(): string[] {
    return this.byIndex.map((p) => p.name);
  }

  points(): readonly HookPoint[] {
    return this.byIndex;
  }
}
