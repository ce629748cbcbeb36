/**
 * A seeded generator of malformed, random, oversized and truncated control
 * requests, and the check that an answer is a well-formed Kea response.
 * Seeded, so a failure names a reproducible case.
 */
import assert from 'node:assert/strict';

export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface FuzzCase {
  payload: Buffer;
  /** unix only: destroy the connection right after writing */
  abort: boolean;
}

export function requestGenerator(seed: number, limit: number) {
  const rnd = prng(seed);
  const int = (n: number): number => Math.floor(rnd() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const valid = ['{"command": "list-commands"}', '{"command": "echo", "arguments": {"a": [1, {"b": null}]}, "service": ["x"]}', '{ "command": "config-get", "arguments": {} }'];
  const randomBytes = (n: number): Buffer => Buffer.from(Array.from({ length: n }, () => int(256)));
  const randomJson = (depth: number): unknown => {
    switch (depth > 3 ? int(4) : int(7)) {
      case 0: return null;
      case 1: return rnd() * 1e6 - 5e5;
      case 2: return pick(['command', 'arguments', 'service', '', 'list-commands', '\u0000', '💥', '"']);
      case 3: return rnd() < 0.5;
      case 4: return Array.from({ length: int(4) }, () => randomJson(depth + 1));
      default: return Object.fromEntries(Array.from({ length: int(4) }, () => [pick(['command', 'arguments', 'service', 'extra', 'Command', '']), randomJson(depth + 1)]));
    }
  };
  const mutate = (s: string): string => {
    const chars = [...s];
    for (let k = 1 + int(4); k > 0; k--) {
      const at = int(chars.length + 1);
      const op = int(3);
      if (op === 0) chars.splice(at, 1);
      else if (op === 1) chars.splice(at, 0, pick(['{', '}', '[', ']', '"', ',', ':', '\\', ' ', 'x', '\n', '\u00e9']));
      else chars[at] = pick(['"', '{', '}', '0']);
    }
    return chars.join('');
  };
  return (): FuzzCase => {
    const kind = int(9);
    const abort = kind === 8;
    switch (kind) {
      case 0: return { payload: randomBytes(int(300)), abort };
      case 1: return { payload: Buffer.from(JSON.stringify(randomJson(0)) ?? 'null'), abort };
      case 2: return { payload: Buffer.from(mutate(pick(valid))), abort };
      case 3: { const v = pick(valid); return { payload: Buffer.from(v.slice(0, int(v.length))), abort }; }
      case 4: return { payload: Buffer.from(`{"command": "echo", "arguments": {"pad": "${'z'.repeat(limit + int(4 * limit))}"}}`), abort };
      case 5: return { payload: Buffer.from(`{"command": "x", "arguments": ${'['.repeat(1 + int(3000))}`), abort };
      case 6: return { payload: Buffer.concat([Buffer.from('{"command": "'), randomBytes(int(40)), Buffer.from('"}')]), abort };
      case 7: return { payload: Buffer.from(pick(valid)), abort };
      default: { const v = pick(valid); return { payload: Buffer.from(v.slice(0, int(v.length))), abort: true }; }
    }
  };
}

export function assertKeaResponse(value: unknown, context: string): void {
  assert.ok(typeof value === 'object' && value !== null && !Array.isArray(value), `not an object: ${context}`);
  const r = value as { result: unknown; text?: unknown };
  assert.ok([0, 1, 2, 3, 4].includes(r.result as number), `bad result: ${context}`);
  if (r.result !== 0) assert.equal(typeof r.text, 'string', `no text: ${context}`);
}

export async function inBatches<T>(items: T[], fn: (item: T, index: number) => Promise<void>, batch = 50): Promise<void> {
  for (let i = 0; i < items.length; i += batch) {
    await Promise.all(items.slice(i, i + batch).map((item, j) => fn(item, i + j)));
  }
}

