/**
 * Subscriptions are key prefixes, exactly as ZeroMQ SUB filters them: a key
 * is delivered when it starts with any subscribed prefix, and the empty prefix
 * subscribes to everything. The set answers without allocating.
 */

export class Subscriptions {
  readonly prefixes: readonly string[];
  private readonly all: boolean;

  constructor(prefixes: Iterable<string>) {
    // Duplicates and prefixes covered by a shorter one add nothing.
    const sorted = [...new Set(prefixes)].sort((a, b) => a.length - b.length);
    const kept: string[] = [];
    for (const p of sorted) if (!kept.some((k) => p.startsWith(k))) kept.push(p);
    this.prefixes = Object.freeze(kept);
    this.all = kept.includes('');
  }

  /** True when `key` starts with one of the prefixes. */
  matches(key: string): boolean {
    if (this.all) return true;
    for (const p of this.prefixes) if (key.startsWith(p)) return true;
    return false;
  }
}

/** One-off form of `Subscriptions#matches`. */
export function keyMatchesPrefix(key: string, prefix: string): boolean {
  return key.startsWith(prefix);
}
