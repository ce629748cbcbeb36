/**
 * `hookline event publish`: builds one event — an API call (`--api CALL
 * --success|--failure`), a state change (`--state RES/STATE/LCM --id N`) or a
 * raw KEY with a document — checks it as the daemon will, and sends it as
 * `event-publish`. Prints the accepted event's id. A bad key, document or
 * JSON file exits 2 before anything is sent; a rejection by the daemon exits
 * 1 with its reason.
 */
import { Command, Option } from 'commander';
import { apiEvent, stateEvent, validateEvent } from '../events/documents.js';
import { EventsError } from '../events/errors.js';
import type { HooklineEvent } from '../events/event.js';
import { apiKey, stateKey } from '../events/keys.js';
import { action, readSource, reply, request, sourceLabel, usage, usageExitsTwo, verb, type VerbOptions } from './verb.js';

interface PublishOptions extends VerbOptions {
  api?: string;
  success?: boolean;
  failure?: boolean;
  param?: string[];
  result?: string;
  state?: string;
  id?: string;
  host?: string;
  document?: string;
}

/** Node 20's JSON.parse does not always say where: the shortest prefix that fails for a reason other than its end does. */
function errorOffset(text: string): number {
  const failsInside = (k: number): boolean => {
    try {
      JSON.parse(text.slice(0, k));
      return false;
    } catch (err) {
      const message = (err as Error).message;
      return !(message === 'Unexpected end of JSON input' || message.endsWith(`at position ${k}`));
    }
  };
  let lo = 1;
  let hi = text.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (failsInside(mid)) hi = mid;
    else lo = mid + 1;
  }
  return lo - 1;
}

/** Parses a JSON object, naming the source, line and column of a syntax error. */
export function parseDocument(text: string, source: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const offset = text.trim() === '' ? text.length : errorOffset(text);
    const before = text.slice(0, offset).split('\n');
    const line = before.length;
    const column = before[before.length - 1]!.length + 1;
    throw usage(`${source}:${line}:${column}: not valid JSON (${(err as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw usage(`${source}: the event document must be a JSON object, got ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}`);
  }
  return value as Record<string, unknown>;
}

/** A --param or --result value: JSON when it parses (42, true, {"a":1}, "\"42\""), else the text itself. */
function looseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Fields given both as an option and in the document would silently disagree. */
function merge(document: Record<string, unknown>, fromOptions: Record<string, unknown>, names: Record<string, string>): Record<string, unknown> {
  for (const field of Object.keys(fromOptions)) {
    if (field in document && names[field] !== undefined) throw usage(`${field} is given both by ${names[field]} and in the document; keep one`);
  }
  return { ...fromOptions, ...document };
}

function buildEvent(key: string | undefined, opts: PublishOptions, document: Record<string, unknown> | undefined): HooklineEvent {
  const kinds = [key !== undefined, opts.api !== undefined, opts.state !== undefined].filter(Boolean).length;
  if (kinds !== 1) throw usage('give exactly one of: a raw KEY, --api CALL --success|--failure, or --state RES/STATE/LCM --id N');
  const host = opts.host === undefined ? {} : { host: opts.host };
  const params = (opts.param ?? []).map(looseJson);
  if (opts.api === undefined && (params.length > 0 || opts.result !== undefined)) throw usage('--param and --result go with --api');
  if (opts.state === undefined && opts.id !== undefined) throw usage('--id goes with --state');
  if (key !== undefined) {
    if (document === undefined) throw usage('a raw KEY needs its document: --document FILE, or --document - for stdin');
    if (opts.host !== undefined) throw usage('--host goes with --api or --state; with a raw KEY put HOST in the document');
    return validateEvent(key, document);
  }
  if (opts.api !== undefined) {
    if (opts.success !== true && opts.failure !== true) throw usage('--api needs --success or --failure (the call\'s outcome, the 1 or 0 of its key)');
    const success = opts.success === true;
    const result = opts.result === undefined ? undefined : looseJson(opts.result);
    if (document === undefined) return apiEvent(opts.api, params, result, success, undefined, host);
    const fromOptions = {
      CALL: opts.api, SUCCESS: success, ...(params.length > 0 ? { PARAMETERS: params } : {}),
      ...(result === undefined ? {} : { RESULT: result }), ...(opts.host === undefined ? {} : { HOST: opts.host }),
    };
    return validateEvent(apiKey(opts.api, success), merge(document, fromOptions, { PARAMETERS: '--param', RESULT: '--result', HOST: '--host' }));
  }
  if (opts.success === true || opts.failure === true) throw usage('--success and --failure go with --api');
  const parts = opts.state!.split('/');
  if (parts.length !== 3) throw usage(`--state must be RESOURCE/STATE/LCM_STATE (LCM_STATE may be empty: HOST/ERROR/), got ${JSON.stringify(opts.state)}`);
  const [resource, state, lcmState] = parts as [string, string, string];
  const id = opts.id === undefined ? undefined : /^\d+$/.test(opts.id) ? Number(opts.id) : opts.id;
  if (document === undefined) {
    if (id === undefined) throw usage('--state needs --id N, the id of the resource that changed state');
    return stateEvent(resource, id, state, lcmState, undefined, host);
  }
  const fromOptions = {
    RESOURCE: resource, STATE: state, LCM_STATE: lcmState, ...(id === undefined ? {} : { ID: id }), ...(opts.host === undefined ? {} : { HOST: opts.host }),
  };
  return validateEvent(stateKey(resource, state, lcmState), merge(document, fromOptions, { ID: '--id', HOST: '--host' }));
}

export function registerEvent(program: Command): void {
  const event = usageExitsTwo(program.command('event').description('publish events to the daemon'));
  verb(event, 'publish', 'publishes one event and prints its id once the daemon has stored it')
    .argument('[key]', 'a raw event key, e.g. "EVENT STATE VM/PENDING/LCM_INIT" (needs --document)')
    .option('--api <call>', 'an API call event, e.g. one.user.allocate')
    .addOption(new Option('--success', 'the call succeeded (key ends in 1)').conflicts('failure'))
    .addOption(new Option('--failure', 'the call failed (key ends in 0)').conflicts('success'))
    .option('-p, --param <value>', 'a call parameter, in order; JSON when it parses, else text (repeatable)', (v: string, all: string[] | undefined) => [...(all ?? []), v])
    .option('--result <value>', 'the call result; JSON when it parses, else text')
    .option('--state <res/state/lcm>', 'a state event, e.g. VM/PENDING/LCM_INIT or HOST/ERROR/')
    .option('--id <id>', 'with --state: the id of the resource')
    .option('--host <host>', 'the host the event concerns (for REMOTE hooks)')
    .option('-d, --document <file>', 'the event document, a JSON object, from FILE or - for stdin')
    .action(action(async (key: string | undefined, opts: PublishOptions) => {
      const document = opts.document === undefined ? undefined : parseDocument(await readSource(opts.document, 'document'), sourceLabel(opts.document));
      let built: HooklineEvent;
      try {
        built = buildEvent(key, opts, document);
      } catch (err) {
        if (err instanceof EventsError) throw usage(err.message);
        throw err;
      }
      const response = await request(opts, 'event-publish', { key: built.key, document: built.document });
      reply<{ id: string }>(opts, response, (a) => `ID: ${a.id}\n`);
    }));
}
