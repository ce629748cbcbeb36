/**
 * The index that maps an event to the hooks it fires.
 *
 * Each hook is filed under the canonical event keys it triggers on: an API
 * hook under `EVENT API <call> 1` and `… 0` (it fires on success and on
 * failure; the document says which), a state hook under
 * `EVENT STATE <RES>/<STATE>/<LCM>`. Matching is then one Map lookup on the
 * event's key, so the state triple is compared exactly (PROLOG never matches
 * PROLOG_MIGRATE) at a cost independent of the number of hooks.
 *
 * Guarantees: results are in hook-id order; the arrays handed out are frozen
 * and never change afterwards (add/remove build new ones), so a caller may
 * keep iterating a result while the index is updated; an update is visible to
 * the very next `match`.
 */
import type { HooklineEvent } from '../events/event.js';
import { canonicalKey } from '../events/keys.js';
import type { Hook, HookSpec } from './hook.js';

const EMPTY: readonly never[] = Object.freeze([]);

/** The canonical event keys a hook triggers on. */
export function triggerKeys(spec: Pick<HookSpec, 'type' | 'call' | 'resource' | 'state' | 'lcmState'>): string[] {
  if (spec.type === 'api') return spec.call === undefined ? [] : [`EVENT API ${spec.call} 1`, `EVENT API ${spec.call} 0`];
  if (spec.resource === undefined || spec.state === undefined) return [];
  return [`EVENT STATE ${spec.resource}/${spec.state}/${spec.lcmState ?? ''}`];
}

/** True for keys that are valid but not canonical: bus forms with an id or a trailing space. */
function mayBeNonCanonical(key: string): boolean {
  if (key.endsWith(' ')) return true;
  if (key.startsWith('EVENT STATE ')) {
    let slashes = 0;
    for (let i = 12; i < key.length; i++) if (key.charCodeAt(i) === 47) slashes++;
    return slashes !== 2;
  }
  return key.startsWith('EVENT ') && !key.startsWith('EVENT API ') && !key.startsWith('EVENT SERVICE ');
}

export class HookIndex<H extends Hook = Hook> {
  private readonly byKey = new Map<string, readonly H[]>();
  private readonly byId = new Map<number, { hook: H; keys: string[] }>();

  constructor(hooks: Iterable<H> = []) {
    for (const h of hooks) this.add(h);
  }

  get size(): number {
    return this.byId.size;
  }

  has(id: number): boolean {
    return this.byId.has(id);
  }

  /** Adds a hook, or replaces the hook with the same id (an update). */
  add(hook: H): void {
    this.remove(hook.id);
    const keys = triggerKeys(hook);
    this.byId.set(hook.id, { hook, keys });
    for (const key of keys) {
      const list = this.byKey.get(key) ?? EMPTY;
      let at = list.length;
      while (at > 0 && list[at - 1]!.id > hook.id) at--;
      this.byKey.set(key, Object.freeze([...list.slice(0, at), hook, ...list.slice(at)]));
    }
  }

  /** Removes a hook by id; false when it was not indexed. */
  remove(id: number): boolean {
    const entry = this.byId.get(id);
    if (entry === undefined) return false;
    this.byId.delete(id);
    for (const key of entry.keys) {
      const rest = this.byKey.get(key)!.filter((h) => h.id !== id);
      if (rest.length === 0) this.byKey.delete(key);
      else this.byKey.set(key, Object.freeze(rest));
    }
    return true;
  }

  /**
   * The hooks an event fires, in hook-id order; an empty frozen array when
   * none. Accepts canonical keys (as validateEvent produces) and, at the cost
   * of a parse, the bus forms; a key outside the grammar matches nothing.
   */
  match(event: Pick<HooklineEvent, 'key'>): readonly H[] {
    const key = event.key;
    const hit = this.byKey.get(key);
    if (hit !== undefined) return hit;
    if (!mayBeNonCanonical(key)) return EMPTY;
    let canonical: string;
    try {
      canonical = canonicalKey(key);
    } catch {
      return EMPTY;
    }
    return canonical === key ? EMPTY : this.byKey.get(canonical) ?? EMPTY;
  }

  /** Every indexed hook, in id order. */
  hooks(): H[] {
    return [...this.byId.values()].map((e) => e.hook).sort((a, b) => a.id - b.id);
  }
}
