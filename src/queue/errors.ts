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
