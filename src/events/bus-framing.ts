/**
 * OpenNebula's bus framing, both ways. A bus message is two frames: the key,
 * then the base64 document. one_hm base64-encodes an XML document; Hookline
 * encodes the JSON document instead, and on the way in accepts either (an XML
 * document is kept verbatim as `XML`, with the fields the key carries).
 */
import { validateEvent } from './documents.js';
import { BusFrameError, EventsError } from './errors.js';
import type { HooklineEvent } from './event.js';
import { parseKey, serviceBusKey, stateBusKeys, type ParsedKey } from './keys.js';

/** One bus message: [key frame, base64 content frame]. */
export type BusMessage = [key: string, content: string];

/**
 * The messages one_hm would send for this event, in its order. A state event
 * goes out under both keys (by id, then by state), plus `EVENT SERVICE <id> `
 * when the document names a SERVICE_ID; all three share one content frame.
 */
export function encodeBusMessages(event: HooklineEvent): BusMessage[] {
  const content = Buffer.from(JSON.stringify(event.document)).toString('base64');
  switch (event.kind) {
    case 'state': {
      const d = event.document;
      const parsed = parseKey(event.key);
      if (parsed.kind !== 'state') throw new BusFrameError(`event of kind state has a non-state key ${JSON.stringify(event.key)}`);
      const [byId, byState] = stateBusKeys(parsed.resource, String(d.ID), parsed.state, parsed.lcmState);
      const out: BusMessage[] = [[byId, content], [byState, content]];
      if (d.SERVICE_ID !== undefined) out.push([serviceBusKey(String(d.SERVICE_ID)), content]);
      return out;
    }
    case 'service': return [[`${event.key} `, content]];
    default: return [[event.key, content]];
  }
}

/** Which of one_hm's key forms a message used; the twin filter folds forms of one change. */
export type KeyForm = 'by-id' | 'by-state' | 'service' | 'other';

export interface DecodedBusMessage {
  event: HooklineEvent;
  form: KeyForm;
  /** The change a state key describes, `RES/STATE/LCM/id`; '' for other kinds. */
  identity: string;
}

const BASE64 = /^[A-Za-z0-9+/\r\n]*={0,2}[\r\n]*$/;

/** Decodes a received frame list. Throws BusFrameError saying what is wrong. */
export function decodeBusMessage(frames: readonly Buffer[]): DecodedBusMessage {
  if (frames.length !== 2) {
    throw new BusFrameError(`expected 2 frames (key, base64 content), got ${frames.length}`);
  }
  const key = frames[0]!.toString('utf8');
  let parsed: ParsedKey;
  try {
    parsed = parseKey(key);
  } catch (cause) {
    throw new BusFrameError((cause as Error).message, { cause });
  }
  const raw = frames[1]!.toString('latin1');
  if (raw.length === 0 || !BASE64.test(raw)) throw new BusFrameError('content frame is not base64');
  const text = Buffer.from(raw, 'base64').toString('utf8').trim();
  const form: KeyForm = parsed.kind === 'service' ? 'service'
    : parsed.kind !== 'state' ? 'other'
      : key.startsWith('EVENT STATE ') ? 'by-state' : 'by-id';
  const identity = parsed.kind === 'state' ? `${parsed.resource}/${parsed.state}/${parsed.lcmState}/${parsed.id ?? ''}` : '';
  let document: unknown;
  if (text.startsWith('{')) {
    try {
      document = JSON.parse(text);
    } catch (cause) {
      throw new BusFrameError(`content is not valid JSON: ${(cause as Error).message}`, { cause });
    }
  } else if (text.startsWith('<')) {
    document = documentFromXml(key, parsed, text);
  } else if (parsed.kind === 'retry') {
    document = { CONTENT: text };
  } else {
    throw new BusFrameError('content is neither base64 of a JSON object nor of an XML document');
  }
  try {
    return { event: validateEvent(key, document), form, identity };
  } catch (cause) {
    if (cause instanceof EventsError) throw new BusFrameError(cause.message, { cause });
    throw cause;
  }
}

function xmlText(xml: string, tag: string): string | undefined {
  const m = new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(xml);
  return m?.[1];
}

/** An OpenNebula XML document: the key supplies the typed fields, the XML rides along untouched. */
function documentFromXml(key: string, parsed: ParsedKey, xml: string): Record<string, unknown> {
  switch (parsed.kind) {
    case 'api':
      // OpenNebula already hides the session and passwords in its XML.
      return { CALL: parsed.call, PARAMETERS: [], SUCCESS: parsed.success, XML: xml };
    case 'state': {
      const id = parsed.id ?? xmlText(xml, 'RESOURCE_ID');
      if (id === undefined) throw new BusFrameError(`key ${JSON.stringify(key)} carries no id and the XML has no RESOURCE_ID`);
      const doc: Record<string, unknown> = {
        RESOURCE: parsed.resource, ID: /^\d+$/.test(id) ? Number(id) : id,
        STATE: parsed.state, LCM_STATE: parsed.lcmState, XML: xml,
      };
      const host = xmlText(xml, 'REMOTE_HOST');
      if (host) doc.HOST = host;
      const service = xmlText(xml, 'SERVICE_ID');
      if (service) doc.SERVICE_ID = service;
      return doc;
    }
    case 'service': return { SERVICE_ID: parsed.id, XML: xml };
    default: return { XML: xml };
  }
}

