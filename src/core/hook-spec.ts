/**
 * Hook-point specs: what a component documents about each hook point (as one
 * entry of Kea's D2 catalogue does) and what TypeScript infers argument types
 * from. `argument<T>()` carries the compile-time type; `type` is the run-time
 * description that strict mode checks and the catalogue prints.
 */
import { ArgumentTypeError } from './errors.js';
import type { NextStepName } from './next-step.js';

export type Direction = 'in' | 'out' | 'in/out';

export interface ArgumentSpec<T = unknown> {
  /**
   * Run-time type: 'string', 'number', 'boolean', 'bigint', 'object', 'array',
   * 'function', 'any', a union such as 'string|null', or a descriptive name
   * (e.g. 'Query') that strict mode checks as 'object'.
   */
  type: string;
  direction: Direction;
  description?: string;
  /** Optional precise check for strict mode. */
  check?: (value: unknown) => boolean;
  /** Phantom: carries T for inference; never set at run time. */
  readonly __type?: T;
}

export type StatusSpec = Partial<Record<Exclude<NextStepName, 'CONTINUE'>, string>>;

export interface HookPointSpec {
  description?: string;
  arguments?: Record<string, ArgumentSpec<any>>;
  /** Statuses this hook point acts on, with what each does. Others are treated as CONTINUE. */
  statuses?: StatusSpec;
}

/** The argument map a spec declares: `{ query: Query, … }`. */
export type ArgsOf<S> = S extends { arguments: infer A }
  ? { [K in keyof A]: A[K] extends ArgumentSpec<infer T> ? T : unknown }
  : ArgMap;

export type ArgMap = Record<string, any>;

/** Declares one argument of a hook point with its TypeScript type. */
export function argument<T>(direction: Direction, type: string, description?: string, check?: (value: unknown) => boolean): ArgumentSpec<T> {
  const spec: ArgumentSpec<T> = { type, direction };
  if (description !== undefined) spec.description = description;
  if (check !== undefined) spec.check = check;
  return spec;
}

/** Identity, for declaring a spec with its literal types kept. */
export function defineHookPoint<S extends HookPointSpec>(spec: S): S {
  return spec;
}

function typeOfValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

const PRIMITIVES = new Set(['string', 'number', 'boolean', 'bigint', 'symbol', 'function', 'undefined', 'null', 'array', 'object']);

function matchesOne(type: string, v: unknown): boolean {
  const t = type.trim();
  if (t === 'any' || t === 'unknown') return true;
  const actual = typeOfValue(v);
  if (PRIMITIVES.has(t)) return t === 'object' ? actual === 'object' : actual === t;
  if (t.endsWith('[]')) return actual === 'array';
  // A descriptive type name ('Query', 'Config') stands for an object of that shape.
  return actual === 'object' || actual === 'function';
}

/** Throws ArgumentTypeError when `value` does not satisfy the argument's spec. */
export function checkArgument(hookName: string, name: string, spec: ArgumentSpec, value: unknown): void {
  const ok = spec.type.split('|').some((t) => matchesOne(t, value)) && (spec.check === undefined || spec.check(value));
  if (!ok) throw new ArgumentTypeError(hookName, name, spec.type, typeOfValue(value));
}
