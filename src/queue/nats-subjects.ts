/**
 * The NATS subject an event is published under: `<prefix>.<resource>.<key…>`.
 * The resource token (the event's `eventResource`, escaped, or `%` for none)
 * comes first, at a fixed position, so that `<prefix>.<resource>.>` selects
 * one resource's events: that is how workers find the earlier unacknowledged
 * events of a resource (`NatsQueue.pendingBefore`). The key tokens follow, so
 * that subject filters select events the way key prefixes do (DESIGN §5):
 * `<prefix>.*.api.one.vm.>`. The key part is injective: distinct canonical
 * keys never share it (a bus key's trailing blank is ignored, as `parseKey`
 * does). The full key and document travel in the message body; the subject
 * is only for selection.
 *
 * | key                                   | key tokens (after `<prefix>.<resource>.`) |
 * | ------------------------------------- | ----------------------------------- |
 * | `EVENT API one.vm.allocate 1`         | `api.one.vm.allocate.1`             |
 * | `EVENT STATE VM/ACTIVE/RUNNING`       | `state.VM.ACTIVE.RUNNING`           |
 * | `EVENT STATE HOST/ERROR/`             | `state.HOST.ERROR.%`                |
 * | `EVENT VM 42/ACTIVE/RUNNING` (by id)  | `state.VM.ACTIVE.RUNNING.42`        |
 * | `EVENT SERVICE 7`                     | `service.7`                         |
 * | `RETRY`                               | `retry`                             |
 * | anything else (raw)                   | `raw.<the whole key, escaped>`      |
 *
 * Within a token, characters other than `A-Z a-z 0-9 _ -` are written as `%XX`
 * per UTF-8 byte (so `.`, `*`, `>`, blanks and `%` itself never reach the
 * subject), and an empty part (an LCM state of a resource without one) is the
 * lone token `%`, which no escaped text can produce.
 */
import { parseKey } from '../events/keys.js';

export const DEFAULT_SUBJECT_PREFIX = 'hookline.events';

const PLAIN = /^[A-Za-z0-9_-]+$/;
const PREFIX = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;

/** One subject token for one part of a key. */
export function subjectToken(part: string): string {
  if (part === '') return '%';
  if (PLAIN.test(part)) return part;
  let out = '';
  for (const ch of part) {
    if (PLAIN.test(ch)) out += ch;
    else for (const byte of Buffer.from(ch, 'utf8')) out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** The part a token stands for (inverse of `subjectToken`). */
export function partOfToken(token: string): string {
  if (token === '%') return '';
  return Buffer.from(token.replace(/%([0-9A-F]{2})/g, (_m, hex: string) => String.fromCharCode(Number.parseInt(hex, 16))), 'latin1').toString('utf8');
}

/** Throws unless `prefix` is one or more plain tokens (no wildcards, no `$`). */
export function checkSubjectPrefix(prefix: string): string {
  if (!PREFIX.test(prefix)) {
    throw new RangeError(`subjectPrefix ${JSON.stringify(prefix)} must be dot-separated tokens of A-Z a-z 0-9 _ - (e.g. ${DEFAULT_SUBJECT_PREFIX})`);
  }
  return prefix;
}

/** The subject for an event key and the resource it concerns; keys outside the grammar map to `raw.<key>`. */
export function eventSubject(prefix: string, key: string, resource: string | null): string {
  return `${prefix}.${resourceToken(resource)}.${keyTokens(key).join('.')}`;
}

/** The filter that selects every event of one resource. */
export function resourceFilter(prefix: string, resource: string): string {
  return `${prefix}.${resourceToken(resource)}.>`;
}

/** A resource's token; `%` (the token of an empty part) for none, as a resource is never empty. */
function resourceToken(resource: string | null): string {
  return subjectToken(resource ?? '');
}

/** The filter that selects every event under `prefix`. */
export function allEventsFilter(prefix: string): string {
  return `${prefix}.>`;
}

function keyTokens(key: string): string[] {
  let parsed;
  try {
    parsed = parseKey(key, { raw: true });
  } catch {
    return ['raw', subjectToken(key)];
  }
  switch (parsed.kind) {
    case 'api': return ['api', ...parsed.call.split('.').map(subjectToken), parsed.success ? '1' : '0'];
    case 'state': {
      const tokens = ['state', parsed.resource, parsed.state, parsed.lcmState].map(subjectToken);
      return parsed.id === undefined ? tokens : [...tokens, subjectToken(parsed.id)];
    }
    case 'service': return ['service', subjectToken(parsed.id)];
    case 'retry': return ['retry'];
    case 'raw': return ['raw', subjectToken(parsed.key)];
  }
}
