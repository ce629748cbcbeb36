/**
 * Kea's command protocol: the request and response shapes, the result codes,
 * and strict request parsing. Parsing never throws: every defect is reported
 * as a precise text that the transports send back with result 1.
 */
import { parse as parseJsonc, printParseErrorCode, type ParseError } from 'jsonc-parser';

export const Result = Object.freeze({
  SUCCESS: 0,
  ERROR: 1,
  UNSUPPORTED: 2,
  EMPTY: 3,
  CONFLICT: 4,
} as const);

export type ResultCode = (typeof Result)[keyof typeof Result];

export interface CommandRequest {
  command: string;
  arguments?: Record<string, unknown>;
  service?: string[];
}

export interface CommandResponse {
  result: ResultCode;
  text?: string;
  arguments?: unknown;
}

export type ParsedRequest = { ok: true; request: CommandRequest } | { ok: false; error: string };

const REQUEST_KEYS = new Set(['command', 'arguments', 'service']);
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Parses one request; `input` is the raw body as received. */
export function parseRequest(input: Uint8Array | string): ParsedRequest {
  let text: string;
  if (typeof input === 'string') {
    text = input;
  } else {
    try {
      text = utf8.decode(input);
    } catch {
      return { ok: false, error: 'request is not valid UTF-8 text: expected a JSON object' };
    }
  }
  if (text.trim() === '') return { ok: false, error: 'empty request: expected a JSON object such as {"command": "list-commands"}' };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { ok: false, error: describeJsonError(text, err) };
  }
  return validateRequest(value);
}

/** Checks an already-parsed value against the request shape, naming every defect. */
export function validateRequest(value: unknown): ParsedRequest {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, error: `request must be a JSON object, got ${jsonTypeName(value)}` };
  }
  const obj = value as Record<string, unknown>;
  const problems: string[] = [];
  const extra = Object.keys(obj).filter((k) => !REQUEST_KEYS.has(k));
  if (extra.length > 0) {
    const names = extra.map((k) => JSON.stringify(k)).join(', ');
    problems.push(`unexpected top-level key${extra.length > 1 ? 's' : ''} ${names}: a request takes only "command", "arguments" and "service"`);
  }
  if (!('command' in obj)) problems.push('missing "command": expected {"command": "<name>", "arguments"?: {…}}');
  else if (typeof obj.command !== 'string') problems.push(`"command" must be a string, got ${jsonTypeName(obj.command)}`);
  else if (obj.command.length === 0) problems.push('"command" must not be empty');
  if ('arguments' in obj) {
    const a = obj.arguments;
    if (typeof a !== 'object' || a === null || Array.isArray(a)) problems.push(`"arguments" must be a JSON object, got ${jsonTypeName(a)}`);
  }
  if ('service' in obj) {
    const s = obj.service;
    if (!Array.isArray(s)) problems.push(`"service" must be an array of strings, got ${jsonTypeName(s)}`);
    else {
      const bad = s.findIndex((x) => typeof x !== 'string');
      if (bad >= 0) problems.push(`"service" must be an array of strings: element ${bad} is ${jsonTypeName(s[bad])}`);
    }
  }
  if (problems.length > 0) return { ok: false, error: problems.join('; ') };
  const request: CommandRequest = { command: obj.command as string };
  if ('arguments' in obj) request.arguments = obj.arguments as Record<string, unknown>;
  if ('service' in obj) request.service = obj.service as string[];
  return { ok: true, request };
}

/** The error text for a body whose first meaningful byte already rules out a JSON object. */
export function notAnObjectError(firstByte: number, position: number): string {
  const shown = firstByte >= 0x20 && firstByte < 0x7f ? JSON.stringify(String.fromCharCode(firstByte)) : `byte 0x${firstByte.toString(16).padStart(2, '0')}`;
  return `request must be a JSON object: found ${shown} at position ${position} where "{" was expected`;
}

export function jsonTypeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return 'a string';
  if (typeof v === 'number') return 'a number';
  if (typeof v === 'boolean') return 'a boolean';
  return typeof v;
}

function describeJsonError(text: string, err: unknown): string {
  const errors: ParseError[] = [];
  try {
    parseJsonc(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  } catch {
    // the locating parser recurses; absurd nesting exhausts the stack, so fall back to V8's text
    errors.length = 0;
  }
  const first = errors[0];
  if (first === undefined) return `malformed JSON: ${(err as Error).message}`;
  const { line, column } = lineColumn(text, first.offset);
  const what = isCompleteJson(text.slice(0, first.offset))
    ? 'unexpected content after the end of the JSON value'
    : printParseErrorCode(first.error).replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return `malformed JSON at line ${line}, column ${column} (position ${first.offset}): ${what}`;
}

function isCompleteJson(prefix: string): boolean {
  if (prefix.trim() === '') return false;
  try {
    JSON.parse(prefix);
    return true;
  } catch {
    return false;
  }
}

/** 1-based line and column of a string offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

export function response(result: ResultCode, text?: string, args?: unknown): CommandResponse {
  const r: CommandResponse = { result };
  if (text !== undefined) r.text = text;
  if (args !== undefined) r.arguments = args;
  return r;
}

export const success = (text?: string, args?: unknown): CommandResponse => response(Result.SUCCESS, text, args);
export const errorResponse = (text: string, args?: unknown): CommandResponse => response(Result.ERROR, text, args);
export const empty = (text: string, args?: unknown): CommandResponse => response(Result.EMPTY, text, args);
export const conflict = (text: string, args?: unknown): CommandResponse => response(Result.CONFLICT, text, args);
/** Kea's wording for an unknown command. */
export const unsupported = (command: string): CommandResponse => response(Result.UNSUPPORTED, `'${command}' command not supported.`);

/**
 * Serialises a response, refusing anything that is not a Kea response (result
 * outside 0–4, non-string text, unserialisable arguments).
 */
export function serializeResponse(r: CommandResponse): string {
  if (typeof r !== 'object' || r === null) throw new TypeError(`a response must be an object, got ${jsonTypeName(r)}`);
  if (![0, 1, 2, 3, 4].includes(r.result as number)) throw new TypeError(`"result" must be 0, 1, 2, 3 or 4, got ${JSON.stringify(r.result)}`);
  if (r.text !== undefined && typeof r.text !== 'string') throw new TypeError(`"text" must be a string, got ${jsonTypeName(r.text)}`);
  const out: Record<string, unknown> = { result: r.result };
  if (r.text !== undefined) out.text = r.text;
  if (r.arguments !== undefined) out.arguments = r.arguments;
  const s = JSON.stringify(out);
  if (s === undefined) throw new TypeError('response is not serialisable');
  return s;
}
