/**
 * The phase tree of one timed request. Phases nest under the innermost open
 * phase; entries of the same name under the same parent merge (count and time
 * add up, as in Kong), so a loop does not grow the report. Past `maxEntries`
 * phases and properties, new ones are dropped and the report says how many.
 */

export interface PhaseReport {
  /** Milliseconds spent in the phase, summed over its entries (microsecond precision). */
  ms: number;
  /** How many times the phase was entered. */
  count: number;
  /** The phase was still open when the report was taken; `ms` counts up to that moment. */
  open?: true;
  props?: Record<string, unknown>;
  children?: Record<string, PhaseReport>;
}

export interface TimingReport extends PhaseReport {
  requestId: string;
  /** Present once the size cap was reached: phases and properties left out. */
  truncated?: { dropped: number };
}

/** A phase as the tree keeps it: merged totals of every entry of that name under one parent. */
class PhaseNode {
  ms = 0;
  count = 0;
  props: Map<string, unknown> | undefined;
  children: Map<string, PhaseNode> | undefined;
}

interface OpenPhase {
  readonly name: string;
  /** null when the phase was dropped by the cap: it still pairs with its leave. */
  readonly node: PhaseNode | null;
  readonly start: number;
}

/** One request's phase tree: nesting by open phase, merging by name, bounded by `maxEntries`. */
export class TimingContext {
  readonly #root = new PhaseNode();
  readonly #stack: OpenPhase[];
  #entries = 1;
  #dropped = 0;

  constructor(
    readonly requestId: string,
    private readonly now: () => number,
    private readonly maxEntries: number,
  ) {
    this.#root.count = 1;
    this.#stack = [{ name: '', node: this.#root, start: now() }];
  }

  enter(name: string): void {
    const parent = this.#stack[this.#stack.length - 1]!.node;
    let node = parent?.children?.get(name) ?? null;
    if (parent === null) {
      this.#dropped++; // a phase inside a dropped phase is dropped too
    } else if (node === null) {
      if (this.#entries < this.maxEntries) {
        node = new PhaseNode();
        (parent.children ??= new Map()).set(name, node);
        this.#entries++;
      } else {
        this.#dropped++;
      }
    }
    if (node !== null) node.count++;
    this.#stack.push({ name, node, start: this.now() });
  }

  /**
   * Closes the most recent open phase called `name` (the innermost phase when no
   * name is given). Matching by name keeps totals right when same-named async
   * calls overlap. Returns false when no such phase is open.
   */
  leave(name?: string): boolean {
    for (let i = this.#stack.length - 1; i > 0; i--) {
      const entry = this.#stack[i]!;
      if (name !== undefined && entry.name !== name) continue;
      this.#stack.splice(i, 1);
      if (entry.node !== null) entry.node.ms += this.now() - entry.start;
      return true;
    }
    return false;
  }

  /** Sets a property on the innermost open phase. */
  setProp(key: string, value: unknown): void {
    this.#set(this.#stack[this.#stack.length - 1]!.node, key, value);
  }

  setRootProp(key: string, value: unknown): void {
    this.#set(this.#root, key, value);
  }

  #set(node: PhaseNode | null, key: string, value: unknown): void {
    if (node === null) {
      this.#dropped++;
      return;
    }
    if (!node.props?.has(key)) {
      if (this.#entries >= this.maxEntries) {
        this.#dropped++;
        return;
      }
      this.#entries++;
    }
    (node.props ??= new Map()).set(key, value);
  }

  /** A snapshot; open phases are counted up to now and marked open. */
  report(): TimingReport {
    const at = this.now();
    const running = new Map<PhaseNode, number>();
    for (const e of this.#stack) if (e.node !== null) running.set(e.node, (running.get(e.node) ?? 0) + at - e.start);
    const body = renderPhase(this.#root, running);
    delete body.open;
    const report: TimingReport = { requestId: this.requestId, ...body };
    if (this.#dropped > 0) report.truncated = { dropped: this.#dropped };
    return report;
  }
}

function renderPhase(node: PhaseNode, running: Map<PhaseNode, number>): PhaseReport {
  const extra = running.get(node);
  const out: PhaseReport = { ms: Math.round((node.ms + (extra ?? 0)) * 1000) / 1000, count: node.count };
  if (extra !== undefined) out.open = true;
  if (node.props) out.props = Object.fromEntries(node.props);
  if (node.children) {
    out.children = {};
    for (const [name, child] of node.children) out.children[name] = renderPhase(child, running);
  }
  return out;
}
