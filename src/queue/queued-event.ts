/**
 * What both queues accept: an event with a non-empty key, a known kind and a
 * JSON-object document. Returns the document serialised, as the queues store it.
 */
import type { EventKind, HooklineEvent } from '../events/event.js';
import { InvalidEventError } from './errors.js';

export const EVENT_KINDS: ReadonlySet<string> = new Set<EventKind>(['api', 'state', 'service', 'retry', 'raw']);

export function serializeQueuedEvent(event: HooklineEvent): string {
  if (typeof event !== 'object' || event === null) throw new InvalidEventError('expected an object with key, kind and document');
  if (typeof event.key !== 'string' || event.key.trim() === '') throw new InvalidEventError('the key is missing or empty');
  if (!EVENT_KINDS.has(event.kind)) throw new InvalidEventError(`kind "${String(event.kind)}" is not one of ${[...EVENT_KINDS].join(', ')}`);
  const doc = event.document;
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new InvalidEventError(`the document of "${event.key}" must be a JSON object`);
  try {
    return JSON.stringify(doc);
  } catch (err) {
    throw new InvalidEventError(`the document of "${event.key}" cannot be serialised as JSON: ${(err as Error).message}`, { cause: err });
  }
}
