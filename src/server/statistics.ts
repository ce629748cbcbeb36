/**
 * The daemon's statistics (Kea's StatsMgr): named counters with the time of
 * their last change. Libraries reach it through the `statistics` argument of
 * config_applied; stats-commands exposes it on the control channel.
 */

export type StatisticSample = [value: number, timestamp: string];

/** Kea's timestamp format: "2024-05-01 10:04:28.386733". */
function keaTimestamp(d = new Date()): string {
  return d.toISOString().replace('T', ' ').replace('Z', '000');
}

export class Statistics {
  private readonly values = new Map<string, { value: number; at: string }>();

  add(name: string, delta = 1): void {
    const cur = this.values.get(name)?.value ?? 0;
    this.values.set(name, { value: cur + delta, at: keaTimestamp() });
  }

  set(name: string, value: number): void {
    this.values.set(name, { value, at: keaTimestamp() });
  }

  value(name: string): number {
    return this.values.get(name)?.value ?? 0;
  }

  has(name: string): boolean {
    return this.values.has(name);
  }

  /** `{ name: [[value, timestamp]] }`, as Kea's statistic-get answers. */
  get(name: string): Record<string, StatisticSample[]> {
    const v = this.values.get(name);
    return v === undefined ? {} : { [name]: [[v.value, v.at]] };
  }

  getAll(): Record<string, StatisticSample[]> {
    const out: Record<string, StatisticSample[]> = {};
    for (const name of [...this.values.keys()].sort()) Object.assign(out, this.get(name));
    return out;
  }

  /** Sets a statistic back to zero; false when there is no such statistic. */
  reset(name: string): boolean {
    if (!this.values.has(name)) return false;
    this.set(name, 0);
    return true;
  }

  resetAll(): void {
    for (const name of this.values.keys()) this.set(name, 0);
  }

  names(): string[] {
    return [...this.values.keys()].sort();
  }
}
