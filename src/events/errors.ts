/**
 * Errors of the event side: keys, documents and the ZeroMQ bus. Each has a
 * stable `code` to match on; the message says what was wrong, where, and what
 * was expected, and the underlying `cause` is attached when there is one.
 */

export class EventsError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** A key that does not follow OpenNebula's grammar; `part` names the offending piece. */
export class EventKeyError extends EventsError {
  constructor(readonly key: string, readonly part: string, expected: string) {
    super('EVENTS_KEY_INVALID', `invalid event key ${JSON.stringify(key)}: ${part} ${expected}`);
  }
}

/** A document that is not what its key says it is; `field` is the attribute at fault ('' for the whole document). */
export class EventDocumentError extends EventsError {
  constructor(readonly key: string, readonly field: string, problem: string, options?: { cause?: unknown }) {
    super('EVENTS_DOCUMENT_INVALID', `invalid document for event ${JSON.stringify(key)}: ${problem}`, options);
  }
}

/** A bus frame pair that cannot be turned into an event. */
export class BusFrameError extends EventsError {
  constructor(problem: string, options?: { cause?: unknown }) {
    super('EVENTS_BUS_FRAME_INVALID', problem, options);
  }
}

/** The bus socket could not bind or connect. */
export class BusSocketError extends EventsError {
  constructor(readonly address: string, action: 'bind' | 'connect', options?: { cause?: unknown }) {
    const reason = options?.cause instanceof Error ? `: ${options.cause.message}` : '';
    super('EVENTS_BUS_SOCKET', `cannot ${action} the event bus socket to ${address}${reason}`, options);
  }
}
