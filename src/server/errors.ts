/** Errors of the daemon. */
export class ServerError extends Error {
  constructor(readonly code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ServerError';
  }
}
