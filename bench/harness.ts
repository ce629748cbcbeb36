/**
 * Side-by-side micro-benchmark harness. Each case is run in rounds, interleaved
 * with the other cases of its group so machine noise hits all of them alike;
 * the figure quoted is the median ns/op over the rounds, and ratios are taken
 * against a named baseline of the same group.
 */

export interface BenchCase {
  name: string;
  /** One operation. Called `ops` times per round. Return a value so the work is not dead code. */
  fn: () => unknown;
}

export interface AsyncBenchCase {
  name: string;
  fn: () => Promise<unknown>;
}

export interface CaseResult { name: string; medianNs: number; samples: number[] }

let sink: unknown;
export function consume(v: unknown): void { sink = v; }
export function lastSink(): unknown { return sink; }

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function runGroup(cases: BenchCase[], opts: { ops?: number; rounds?: number } = {}): CaseResult[] {
  const ops = opts.ops ?? 200_000;
  const rounds = opts.rounds ?? 15;
  const samples = new Map<string, number[]>(cases.map((c) => [c.name, []]));
  for (const c of cases) for (let i = 0; i < ops; i++) sink = c.fn(); // warm-up
  for (let r = 0; r < rounds; r++) {
    for (const c of cases) {
      const fn = c.fn;
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < ops; i++) sink = fn();
      const dt = Number(process.hrtime.bigint() - t0);
      samples.get(c.name)!.push(dt / ops);
    }
  }
  return cases.map((c) => ({ name: c.name, medianNs: median(samples.get(c.name)!), samples: samples.get(c.name)! }));
}

export async function runAsyncGroup(cases: AsyncBenchCase[], opts: { ops?: number; rounds?: number } = {}): Promise<CaseResult[]> {
  const ops = opts.ops ?? 50_000;
  const rounds = opts.rounds ?? 11;
  const samples = new Map<string, number[]>(cases.map((c) => [c.name, []]));
  for (const c of cases) for (let i = 0; i < ops; i++) sink = await c.fn();
  for (let r = 0; r < rounds; r++) {
    for (const c of cases) {
      const fn = c.fn;
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < ops; i++) sink = await fn();
      const dt = Number(process.hrtime.bigint() - t0);
      samples.get(c.name)!.push(dt / ops);
    }
  }
  return cases.map((c) => ({ name: c.name, medianNs: median(samples.get(c.name)!), samples: samples.get(c.name)! }));
}

/** Prints a group as a Markdown table: median ns/op and the ratio to `baseline`. */
export function printGroup(title: string, results: CaseResult[], baseline: string): void {
  const base = results.find((r) => r.name === baseline);
  if (!base) throw new Error(`baseline "${baseline}" is not a case of group "${title}"`);
  console.log(`\n### ${title}\n`);
  console.log('| case | median ns/op | ratio to ' + baseline + ' |');
  console.log('| --- | ---: | ---: |');
  for (const r of results) {
    console.log(`| ${r.name} | ${r.medianNs.toFixed(1)} | ${(r.medianNs / base.medianNs).toFixed(2)} |`);
  }
}
