/** Errors of the event queue: each has a stable `code` that callers and tests match on. */

export class QueueError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

export class QueueClosedError extends QueueError {
  constructor(what: string) {
    super('QUEUE_CLOSED', `${what} is closed: the event was not accepted`);
  }
}

export class InvalidEventError extends QueueError {
  constructor(reason: string, options?: { cause?: unknown }) {
    super('QUEUE_INVALID_EVENT', `event not accepted: ${reason}`, options);
  }
}

export class QueueWriteError extends QueueError {
  constructor(count: number, path: string, options?: { cause?: unknown }) {
    super('QUEUE_WRITE_FAILED', `${count} event(s) could not be stored in ${path} and were not accepted`, options);
  }
}

export class InvalidDeliveryError extends QueueError {
  constructor(deliveryId: string) {
    super('QUEUE_INVALID_DELIVERY', `"${deliveryId}" is not a delivery id of this queue`);
  }
}

// nats

/**
 * NATS JetStream did not answer in time (server down, restarting, or the
 * stream missing). Nothing was accepted; for an enqueue the message says
 * whether the server may still store the events.
 */
export class QueueUnavailableError extends QueueError {
  constructor(operation: string, servers: string, detail: string, options?: { cause?: unknown }) {
    super('QUEUE_NATS_UNAVAILABLE', `${operation} failed: NATS JetStream at ${servers} ${detail}`, options);
  }
}

/**
 * An `enqueueMany` failed part-way and the events already stored could not all
 * be withdrawn: they stay in the queue and will run. `storedIds` lists them.
 */
export class QueueBatchPartialError extends QueueError {
  readonly storedIds: readonly string[];
  constructor(storedIds: readonly string[], total: number, stream: string, options?: { cause?: unknown }) {
    super('QUEUE_NATS_BATCH_PARTIAL',
      `${storedIds.length} of ${total} events of a batch stayed in stream ${stream} (ids ${storedIds.join(', ')}) after the rest failed: retry only the others`,
      options);
    this.storedIds = storedIds;
  }
}

/** The stream exists with a configuration the queue cannot work with. */
export class QueueStreamMismatchError extends QueueError {
  constructor(stream: string, problem: string, expected: string) {
    super('QUEUE_NATS_STREAM_MISMATCH', `JetStream stream ${stream} ${problem}; expected ${expected}`);
  }
}
