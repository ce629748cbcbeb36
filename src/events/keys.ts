/**
 * Event keys in OpenNebula's grammar. Builders produce the canonical key (the
 * one Hookline stores and matches, never with a trailing space) and the bus
 * keys (byte for byte what OpenNebula's `one_hm` sends). `parseKey` accepts
 * both, validates every part and says which part is wrong.
 */
import { EventKeyError } from './errors.js';

export const RETRY_KEY = 'RETRY';

export type ParsedKey =
  | { kind: 'api'; call: string; success: boolean }
  /** `id` is set when the key was one of the bus forms that carry it. */
  | { kind: 'state'; resource: string; state: string; lcmState: string; id?: string }
  | { kind: 'service'; id: string }
  | { kind: 'retry' }
  | { kind: 'raw'; key: string };

// A part may not contain a blank (parts are space-separated) nor, for the
// state triple, a slash (the triple is slash-separated).
const CALL = /^[^\s]+$/;
const PART = /^[^\s/]+$/;
const LCM = /^[^\s/]*$/;

function check(key: string, value: string, re: RegExp, part: string, expected: string): void {
  if (!re.test(value)) throw new EventKeyError(key, `${part} ${JSON.stringify(value)}`, expected);
}

function checkCall(key: string, call: string): void {
  check(key, call, CALL, 'call', 'must be a non-empty name without blanks (e.g. one.user.allocate)');
}

function checkTriple(key: string, resource: string, state: string, lcmState: string): void {
  check(key, resource, PART, 'resource', 'must be a non-empty name without blanks or "/" (e.g. VM)');
  check(key, state, PART, 'state', 'must be a non-empty name without blanks or "/" (e.g. PENDING)');
  check(key, lcmState, LCM, 'LCM state', 'must be empty or a name without blanks or "/" (e.g. LCM_INIT)');
}

function checkId(key: string, id: string): void {
  check(key, id, PART, 'id', 'must be a non-empty identifier without blanks or "/" (e.g. 42)');
}

/** `EVENT API <call> <1|0>`; the same on the bus (one_hm sends no trailing space here). */
export function apiKey(call: string, success: boolean): string {
  const key = `EVENT API ${call} ${success ? 1 : 0}`;
  checkCall(key, call);
  return key;
}

/** Canonical state key: `EVENT STATE <RES>/<STATE>/<LCM>` (LCM empty for resources without one). */
export function stateKey(resource: string, state: string, lcmState = ''): string {
  const key = `EVENT STATE ${resource}/${state}/${lcmState}`;
  checkTriple(key, resource, state, lcmState);
  return key;
}

/** `EVENT SERVICE <id>`. */
export function serviceKey(id: string | number): string {
  const key = `EVENT SERVICE ${id}`;
  checkId(key, String(id));
  return key;
}

/**
 * The two keys one_hm publishes a state change under, in its order: by id
 * first, then by state with the id appended; each ends in a space.
 */
export function stateBusKeys(resource: string, id: string | number, state: string, lcmState = ''): [string, string] {
  const byId = `EVENT ${resource} ${id}/${state}/${lcmState} `;
  checkTriple(byId, resource, state, lcmState);
  checkId(byId, String(id));
  return [byId, `EVENT STATE ${resource}/${state}/${lcmState}/${id} `];
}

/** The service key as one_hm sends it alongside a state change: with a trailing space. */
export function serviceBusKey(id: string | number): string {
  return `${serviceKey(id)} `;
}

export interface ParseKeyOptions {
  /** Accept keys outside the grammar (any `EVENT …` without control characters) as kind 'raw'. */
  raw?: boolean;
}

/**
 * Parses a key in any of its forms. One trailing space is tolerated (bus keys
 * carry it); anything else out of grammar throws EventKeyError naming the part.
 */
export function parseKey(key: string, options: ParseKeyOptions = {}): ParsedKey {
  if (typeof key !== 'string' || key.length === 0) throw new EventKeyError(String(key), 'the key', 'must be a non-empty string');
  if (/[\x00-\x1f\x7f]/.test(key)) throw new EventKeyError(key, 'the key', 'must not contain control characters');
  const body = key.endsWith(' ') ? key.slice(0, -1) : key;
  if (body === RETRY_KEY) return { kind: 'retry' };
  const words = body.split(' ');
  if (words[0] !== 'EVENT') {
    throw new EventKeyError(key, `first word ${JSON.stringify(words[0])}`, 'must be EVENT (or the whole key RETRY)');
  }
  if (words.some((w) => w === '')) {
    if (options.raw) return { kind: 'raw', key: body };
    throw new EventKeyError(key, 'spacing', 'must be single spaces between parts, with at most one trailing space');
  }
  try {
    return parseEventWords(key, words);
  } catch (err) {
    if (options.raw && err instanceof EventKeyError && words.length >= 2) return { kind: 'raw', key: body };
    throw err;
  }
}

function parseEventWords(key: string, words: string[]): ParsedKey {
  const second = words[1];
  if (second === undefined) throw new EventKeyError(key, 'the key', 'must continue after EVENT with API, STATE, SERVICE or a resource name');
  if (second === 'API') {
    if (words.length !== 4) throw new EventKeyError(key, 'the key', 'must be EVENT API <call> <1|0>');
    const call = words[2]!;
    const flag = words[3]!;
    checkCall(key, call);
    if (flag !== '1' && flag !== '0') throw new EventKeyError(key, `success flag ${JSON.stringify(flag)}`, 'must be 1 or 0');
    return { kind: 'api', call, success: flag === '1' };
  }
  if (second === 'SERVICE') {
    if (words.length !== 3) throw new EventKeyError(key, 'the key', 'must be EVENT SERVICE <id>');
    checkId(key, words[2]!);
    return { kind: 'service', id: words[2]! };
  }
  if (second === 'STATE') {
    if (words.length !== 3) throw new EventKeyError(key, 'the key', 'must be EVENT STATE <RESOURCE>/<STATE>/<LCM_STATE>[/<id>]');
    const parts = words[2]!.split('/');
    if (parts.length !== 3 && parts.length !== 4) {
      throw new EventKeyError(key, `state triple ${JSON.stringify(words[2])}`, 'must be <RESOURCE>/<STATE>/<LCM_STATE> (LCM_STATE may be empty) or the same followed by /<id>');
    }
    const [resource, state, lcmState] = parts as [string, string, string];
    checkTriple(key, resource, state, lcmState);
    if (parts.length === 4) {
      checkId(key, parts[3]!);
      return { kind: 'state', resource, state, lcmState, id: parts[3]! };
    }
    return { kind: 'state', resource, state, lcmState };
  }
  // By-id form: EVENT <RESOURCE> <id>/<STATE>/<LCM_STATE>
  if (words.length !== 3) throw new EventKeyError(key, 'the key', `must be EVENT ${second} <id>/<STATE>/<LCM_STATE> (or EVENT API/STATE/SERVICE …)`);
  const parts = words[2]!.split('/');
  if (parts.length !== 3) {
    throw new EventKeyError(key, `${JSON.stringify(words[2])}`, 'must be <id>/<STATE>/<LCM_STATE> (LCM_STATE may be empty)');
  }
  const [id, state, lcmState] = parts as [string, string, string];
  checkTriple(key, second, state, lcmState);
  checkId(key, id);
  return { kind: 'state', resource: second, state, lcmState, id };
}

/** The canonical key of a parsed key: what Hookline stores, matches and reports. */
export function formatCanonicalKey(parsed: ParsedKey): string {
  switch (parsed.kind) {
    case 'api': return `EVENT API ${parsed.call} ${parsed.success ? 1 : 0}`;
    case 'state': return `EVENT STATE ${parsed.resource}/${parsed.state}/${parsed.lcmState}`;
    case 'service': return `EVENT SERVICE ${parsed.id}`;
    case 'retry': return RETRY_KEY;
    case 'raw': return parsed.key;
  }
}

/** Canonical form of any valid key (bus forms lose the id and the trailing space). Throws EventKeyError. */
export function canonicalKey(key: string, options: ParseKeyOptions = {}): string {
  return formatCanonicalKey(parseKey(key, options));
}
