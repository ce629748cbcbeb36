/**
 * Installs and removes patches on object properties. A property has at most one
 * wrapper, holding one layer per group; undo removes its layer and, when none is
 * left and the property still holds the wrapper, puts back the exact original
 * descriptor (or deletes the own property the patch created). Every check runs
 * before the first change, so bad input leaves nothing half-patched.
 */
import { logMessage } from '../core/messages.js';
import {
  AlreadyPatchedError, InvalidHandlerError, InvalidNameError, InvalidTargetError, MissingKeyError,
  NotAFunctionError, NotWritableError,
} from './errors.js';
import type { Group } from './group.js';
import { dynamicMessages } from './messages.js';
import { type AnyFunction, createPatchedFunction, type Layer, type LayerOwner, type PatchedCall } from './patched-call.js';

interface Site extends PatchedCall {
  readonly holder: object;
  readonly key: PropertyKey;
  readonly where: string;
  readonly wrapper: AnyFunction;
  /** The holder's own descriptor before patching; undefined when the function was inherited. */
  readonly saved: PropertyDescriptor | undefined;
}

const sitesByHolder = new WeakMap<object, Map<PropertyKey, Site>>();
const siteByWrapper = new WeakMap<AnyFunction, Site>();
const sitesByOriginal = new WeakMap<AnyFunction, Set<Site>>();

export interface PatchRequest {
  befores?: readonly unknown[];
  afters?: readonly unknown[];
  label?: string;
}

export function patchProperty(owner: LayerOwner, group: Group, target: unknown, key: unknown, request: PatchRequest): () => void {
  if (typeof key !== 'string' && typeof key !== 'symbol' && typeof key !== 'number') throw new InvalidNameError('the key to patch', key);
  if ((typeof target !== 'object' && typeof target !== 'function') || target === null) {
    throw new InvalidTargetError(formatKey(key), target);
  }
  const where = describePatchPoint(target, key);
  const label = request.label ?? where;
  const befores = handlerList(request.befores, `befores of the ${group.name} patch of ${where}`);
  const afters = handlerList(request.afters, `afters of the ${group.name} patch of ${where}`);

  if (Object.prototype.toString.call(target) === '[object Module]') {
    throw new NotWritableError(where, 'an ES module namespace is read-only; patch the object the module exports (its default export, a class prototype) instead');
  }
  const found = findProperty(target, key);
  if (found === undefined) throw new MissingKeyError(where);
  const { descriptor, own } = found;
  if (!('value' in descriptor)) {
    throw new NotWritableError(where, 'it is an accessor property (get/set); expected a data property holding a function');
  }
  if (typeof descriptor.value !== 'function') throw new NotAFunctionError(where, descriptor.value);
  if (!descriptor.writable) {
    throw new NotWritableError(where, Object.isFrozen(target) ? 'the target is frozen' : 'the property is read-only (writable: false)');
  }
  if (!own && !Object.isExtensible(target)) {
    throw new NotWritableError(where, 'the function is inherited and the target is frozen, sealed or not extensible, so it cannot take an own property');
  }
  const current = descriptor.value as AnyFunction;
  const layer: Layer = { owner, group, label, befores, afters };

  const existing = own ? sitesByHolder.get(target)?.get(key) : undefined;
  if (existing !== undefined && existing.wrapper === current) {
    if (existing.layers.some((l) => l.group === group)) throw new AlreadyPatchedError(where, group.name, existing.where);
    assertNotPatchedElsewhere(existing.original, group, where, existing);
    existing.layers = [...existing.layers, layer];
    return undoLayer(existing, layer);
  }
  assertNotPatchedElsewhere(current, group, where, undefined);

  const call: PatchedCall = { original: current, layers: [layer] };
  const wrapper = createPatchedFunction(call);
  const site: Site = Object.assign(call, { holder: target, key, where, wrapper, saved: own ? descriptor : undefined });
  const next: PropertyDescriptor = own ? { ...descriptor, value: wrapper } : { value: wrapper, writable: true, enumerable: true, configurable: true };
  let ok: boolean;
  try {
    ok = Reflect.defineProperty(target, key, next);
  } catch (cause) {
    throw new NotWritableError(where, 'the target refused the new property (a proxy trap threw)', { cause });
  }
  if (!ok) throw new NotWritableError(where, 'the target refused the new property (defineProperty returned false)');

  let byKey = sitesByHolder.get(target);
  if (!byKey) sitesByHolder.set(target, (byKey = new Map()));
  byKey.set(key, site);
  siteByWrapper.set(wrapper, site);
  let byOriginal = sitesByOriginal.get(current);
  if (!byOriginal) sitesByOriginal.set(current, (byOriginal = new Set()));
  byOriginal.add(site);
  return undoLayer(site, layer);
}

/** The wrapper chain and every other live patch of the same function count as "the same function". */
function assertNotPatchedElsewhere(fn: AnyFunction, group: Group, where: string, except: Site | undefined): void {
  for (let f: AnyFunction | undefined = fn; f !== undefined; f = siteByWrapper.get(f)?.original) {
    const wrapped = siteByWrapper.get(f);
    if (wrapped && wrapped !== except && wrapped.layers.some((l) => l.group === group)) {
      throw new AlreadyPatchedError(where, group.name, wrapped.where);
    }
    for (const other of sitesByOriginal.get(f) ?? []) {
      if (other !== except && other.layers.some((l) => l.group === group)) throw new AlreadyPatchedError(where, group.name, other.where);
    }
  }
}

function undoLayer(site: Site, layer: Layer): () => void {
  let undone = false;
  return () => {
    if (undone) return;
    undone = true;
    site.layers = site.layers.filter((l) => l !== layer);
    if (site.layers.length > 0) return;
    forget(site);
    const now = Object.getOwnPropertyDescriptor(site.holder, site.key);
    if (now !== undefined && now.value === site.wrapper) {
      if (site.saved) Reflect.defineProperty(site.holder, site.key, site.saved);
      else Reflect.deleteProperty(site.holder, site.key);
      siteByWrapper.delete(site.wrapper);
    } else {
      // Someone wrapped or replaced us since; the wrapper stays in their chain and, with no layers, just calls through.
      logMessage(layer.owner.logger, dynamicMessages.DYNAMIC_PATCH_UNDO_SHADOWED, { group: layer.group.name, target: site.where });
    }
  };
}

function forget(site: Site): void {
  const byKey = sitesByHolder.get(site.holder);
  if (byKey?.get(site.key) === site) byKey.delete(site.key);
  sitesByOriginal.get(site.original)?.delete(site);
}

function handlerList(list: readonly unknown[] | undefined, where: string): AnyFunction[] {
  if (list === undefined) return [];
  if (!Array.isArray(list)) throw new InvalidHandlerError(`${where} (a list)`, list);
  return list.map((fn, i) => {
    if (typeof fn !== 'function') throw new InvalidHandlerError(`${where}[${i}]`, fn);
    return fn as AnyFunction;
  });
}

function findProperty(target: object, key: PropertyKey): { descriptor: PropertyDescriptor; own: boolean } | undefined {
  for (let o: object | null = target; o !== null; o = Object.getPrototypeOf(o)) {
    const descriptor = Object.getOwnPropertyDescriptor(o, key);
    if (descriptor) return { descriptor, own: o === target };
  }
  return undefined;
}

/** How a patch point reads in messages and reports: `Client.prototype.query`. */
export function describePatchPoint(target: unknown, key: PropertyKey): string {
  const holder = (typeof target === 'object' || typeof target === 'function') && target !== null ? describeTarget(target) : String(target);
  return `${holder}${formatKey(key)}`;
}

/** How a target reads in messages: `Client.prototype`, `a Client instance`, `fetch`, `object`. */
export function describeTarget(target: object): string {
  if (typeof target === 'function') return target.name || '(anonymous function)';
  const ctor: unknown = Object.getOwnPropertyDescriptor(target, 'constructor')?.value;
  if (typeof ctor === 'function' && ctor.prototype === target) return `${ctor.name || '(anonymous class)'}.prototype`;
  const protoCtor: unknown = Object.getPrototypeOf(target)?.constructor;
  if (typeof protoCtor === 'function' && protoCtor !== Object && protoCtor.name) return `a ${protoCtor.name} instance`;
  return 'object';
}

function formatKey(key: PropertyKey): string {
  return typeof key === 'symbol' ? `[${key.toString()}]` : `.${String(key)}`;
}
