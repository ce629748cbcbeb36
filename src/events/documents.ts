/**
 * Event documents: builders for API and state events, and `validateEvent`,
 * the one check every way in (client, HTTP, CLI, bus source) goes through.
 * A validated event has a canonical key, a document that agrees with it, is
 * plain JSON (a fresh copy, never the caller's object) and has its secrets
 * masked. Errors name the key and the attribute at fault.
 */
import { EventDocumentError } from './errors.js';
import type { ApiEventDocument, HooklineEvent, StateEventDocument } from './event.js';
import { apiKey, formatCanonicalKey, parseKey, serviceKey, stateKey, type ParsedKey } from './keys.js';
import { DEFAULT_SECRET_POLICY, maskApiParts, type SecretPolicy } from './secrets.js';

export interface ApiEventExtra {
  /** Host the call concerns, for REMOTE hooks. */
  host?: string;
}

export interface StateEventExtra {
  host?: string;
  /** Published by the bus as a third key, `EVENT SERVICE <id> `, as one_hm does. */
  serviceId?: string | number;
}

/** Builds a masked API event. `object` is the resource, for allocate and delete calls. */
export function apiEvent(
  call: string,
  params: readonly unknown[],
  result: unknown,
  success: boolean,
  object?: unknown,
  extra: ApiEventExtra = {},
  policy: SecretPolicy = DEFAULT_SECRET_POLICY,
): HooklineEvent {
  const doc: ApiEventDocument = { CALL: call, PARAMETERS: [...params], SUCCESS: success };
  if (result !== undefined) doc.RESULT = result;
  if (object !== undefined) doc.OBJECT = object;
  if (extra.host !== undefined) doc.HOST = extra.host;
  return validateEvent(apiKey(call, success), doc, { secrets: policy });
}

/** Builds a state event; `lcmState` is '' for resources that have no LCM state. */
export function stateEvent(
  resource: string,
  id: string | number,
  state: string,
  lcmState: string,
  object?: unknown,
  extra: StateEventExtra = {},
): HooklineEvent {
  const doc: StateEventDocument = { RESOURCE: resource, ID: id, STATE: state, LCM_STATE: lcmState };
  if (object !== undefined) doc.OBJECT = object;
  if (extra.host !== undefined) doc.HOST = extra.host;
  if (extra.serviceId !== undefined) doc.SERVICE_ID = extra.serviceId;
  return validateEvent(stateKey(resource, state, lcmState), doc);
}

/** Builds a service event (`EVENT SERVICE <id>`); the document is the application's. */
export function serviceEvent(id: string | number, document: Record<string, unknown> = {}): HooklineEvent {
  return validateEvent(serviceKey(id), { ...document, SERVICE_ID: document.SERVICE_ID ?? id });
}

export interface ValidateEventOptions {
  /** Accept keys outside the grammar as kind 'raw' (they match no hook). */
  raw?: boolean;
  secrets?: SecretPolicy;
}

/**
 * Validates an incoming key and document. Throws EventKeyError for the key,
 * EventDocumentError for the document. Returns the event to accept.
 */
export function validateEvent(key: string, document: unknown, options: ValidateEventOptions = {}): HooklineEvent {
  const parsed = parseKey(key, { raw: options.raw ?? false });
  const doc = plainJsonCopy(key, document);
  switch (parsed.kind) {
    case 'api': checkApi(key, parsed, doc, options.secrets ?? DEFAULT_SECRET_POLICY); break;
    case 'state': checkState(key, parsed, doc); break;
    case 'service':
      // A service key may carry the document of the state change that named the service, so only SERVICE_ID must agree.
      if (doc.SERVICE_ID !== undefined && String(doc.SERVICE_ID) !== parsed.id) {
        throw new EventDocumentError(key, 'SERVICE_ID', `SERVICE_ID ${JSON.stringify(doc.SERVICE_ID)} disagrees with the key's service id "${parsed.id}"`);
      }
      break;
    case 'retry':
    case 'raw':
      break;
  }
  return { key: formatCanonicalKey(parsed), kind: parsed.kind, document: doc };
}

function plainJsonCopy(key: string, document: unknown): Record<string, unknown> {
  if (document === null || typeof document !== 'object' || Array.isArray(document)) {
    const got = document === null ? 'null' : Array.isArray(document) ? 'an array' : typeof document;
    throw new EventDocumentError(key, '', `document must be a JSON object, got ${got}`);
  }
  let text: string;
  try {
    text = JSON.stringify(document);
  } catch (cause) {
    throw new EventDocumentError(key, '', `document must be JSON-serializable (${(cause as Error).message})`, { cause });
  }
  return JSON.parse(text) as Record<string, unknown>;
}

function requireString(key: string, doc: Record<string, unknown>, field: string, example: string): string {
  const v = doc[field];
  if (v === undefined) throw new EventDocumentError(key, field, `${field} missing: expected a string such as ${example}`);
  if (typeof v !== 'string') throw new EventDocumentError(key, field, `${field} must be a string, got ${JSON.stringify(v)}`);
  return v;
}

function agree(key: string, field: string, inDoc: string, inKey: string, what: string): void {
  if (inDoc !== inKey) {
    throw new EventDocumentError(key, field, `${field} ${JSON.stringify(inDoc)} disagrees with the key's ${what} ${JSON.stringify(inKey)}`);
  }
}

function checkApi(key: string, parsed: Extract<ParsedKey, { kind: 'api' }>, doc: Record<string, unknown>, policy: SecretPolicy): void {
  agree(key, 'CALL', requireString(key, doc, 'CALL', `"${parsed.call}"`), parsed.call, 'call');
  const success = doc.SUCCESS;
  if (success === undefined) throw new EventDocumentError(key, 'SUCCESS', 'SUCCESS missing: expected true or false');
  if (typeof success !== 'boolean') throw new EventDocumentError(key, 'SUCCESS', `SUCCESS must be true or false, got ${JSON.stringify(success)}`);
  if (success !== parsed.success) {
    throw new EventDocumentError(key, 'SUCCESS', `SUCCESS ${success} disagrees with the key's success flag ${parsed.success ? 1 : 0}`);
  }
  const params = doc.PARAMETERS ?? [];
  if (!Array.isArray(params)) throw new EventDocumentError(key, 'PARAMETERS', `PARAMETERS must be an array, got ${JSON.stringify(params)}`);
  checkHost(key, doc);
  const masked = maskApiParts(parsed.call, params, doc.RESULT, doc.OBJECT, policy);
  doc.PARAMETERS = masked.parameters;
  if (doc.RESULT !== undefined) doc.RESULT = masked.result;
  if (doc.OBJECT !== undefined) doc.OBJECT = masked.object;
}

const ID = /^[^\s/]+$/;

function checkState(key: string, parsed: Extract<ParsedKey, { kind: 'state' }>, doc: Record<string, unknown>): void {
  agree(key, 'RESOURCE', requireString(key, doc, 'RESOURCE', `"${parsed.resource}"`), parsed.resource, 'resource');
  agree(key, 'STATE', requireString(key, doc, 'STATE', `"${parsed.state}"`), parsed.state, 'state');
  if (doc.LCM_STATE === undefined && parsed.lcmState === '') doc.LCM_STATE = '';
  agree(key, 'LCM_STATE', requireString(key, doc, 'LCM_STATE', `"${parsed.lcmState}" (or "" for none)`), parsed.lcmState, 'LCM state');
  const id = doc.ID;
  if (id === undefined) throw new EventDocumentError(key, 'ID', 'ID missing: expected the resource id, a number or a string');
  if (!((typeof id === 'number' && Number.isInteger(id) && id >= 0) || (typeof id === 'string' && ID.test(id)))) {
    throw new EventDocumentError(key, 'ID', `ID must be a non-negative integer or a string without blanks or "/", got ${JSON.stringify(id)}`);
  }
  if (parsed.id !== undefined) agree(key, 'ID', String(id), parsed.id, 'id');
  const service = doc.SERVICE_ID;
  if (service !== undefined && !(typeof service === 'number' || (typeof service === 'string' && ID.test(service)))) {
    throw new EventDocumentError(key, 'SERVICE_ID', `SERVICE_ID must be a number or a string without blanks or "/", got ${JSON.stringify(service)}`);
  }
  checkHost(key, doc);
}

function checkHost(key: string, doc: Record<string, unknown>): void {
  if (doc.HOST !== undefined && typeof doc.HOST !== 'string') {
    throw new EventDocumentError(key, 'HOST', `HOST must be a string (a host name), got ${JSON.stringify(doc.HOST)}`);
  }
}
