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
import type { Hook, HookSpec } from './hook.js';

const EMPTY: readonly never[] = Object.freeze([]);

/** The canonical event keys a hook triggers on. */
export function triggerKeys(spec: Pick<HookSpec, 'type' | 'call' | 'resource' | 'state' | 'lcmState'>): string[] {
  if (spec.type === 'api') return spec.call === undefined ? [] : [`EVENT API ${spec.call} 1`, `EVENT API ${spec.call} 0`];
  if (spec.resource === undefined || spec.state === undefined) return [];
  return [`EVENT STATE ${spec.resource}/${spec.state}/${spec.lcmState ?? ''}`];
}

function slashes(key: string, from: number): number {
  let n = 0;
  for (let i = from; i < key.length; i++) if (key.charCodeAt(i) === 47) n++;
  return n;
}

/**
 * The canonical key of a bus-form state key (`EVENT STATE R/S/L/<id> `,
 * `EVENT R <id>/S/L `), or undefined when the key is not one. Cheaper than
 * parseKey: the result is only looked up, and the index holds nothing but
 * canonical keys of valid hooks, so a key out of grammar still finds nothing.
 */
function canonicalFromBusForm(key: string): string | undefined {
  const k = key.charCodeAt(key.length - 1) === 32 ? key.slice(0, -1) : key;
  if (k.startsWith('EVENT STATE ')) {
    if (slashes(k, 12) !== 3) return k === key ? undefined : k;
    const last = k.lastIndexOf('/');
    return last < k.length - 1 ? k.slice(0, last) : undefined;
  }
  if (k.startsWith('EVENT API ') || k.startsWith('EVENT SERVICE ')) return k === key ? undefined : k;
  if (!k.startsWith('EVENT ')) return undefined;
  const space = k.indexOf(' ', 6);
  if (space < 0 || k.indexOf(' ', space + 1) >= 0) return undefined;
  const slash = k.indexOf('/', space + 1);
  if (slash <= space + 1 || slashes(k, space + 1) !== 2) return undefined;
  return `EVENT STATE ${k.slice(6, space)}/${k.slice(slash + 1)}`;
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
   * none. Accepts canonical keys (as validateEvent produces) and the bus
   * forms; a key outside the grammar matches nothing.
   */
  match(event: Pick<HooklineEvent, 'key'>): readonly H[] {
    const hit = this.byKey.get(event.key);
    if (hit !== undefined) return hit;
    const canonical = canonicalFromBusForm(event.key);
    return canonical === undefined ? EMPTY : this.byKey.get(canonical) ?? EMPTY;
  }

  /** Every indexed hook, in id order. */
  hooks(): H[] {
    return [...this.byId.values()].map((e) => e.hook).sort((a, b) => a.id - b.id);
  }
}
