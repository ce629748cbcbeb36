/**
 * Errors the control channel throws when it cannot start or is misconfigured.
 * Every one has a stable `code`; requests never throw — a bad request is
 * answered with result 1 instead (see protocol.ts).
 */

export type ControlErrorCode =
  | 'CTRL_SOCKET_PATH_TOO_LONG'
  | 'CTRL_SOCKET_DIR_MISSING'
  | 'CTRL_SOCKET_DIR_INSECURE'
  | 'CTRL_SOCKET_DIR_NOT_OWNED'
  | 'CTRL_SOCKET_PATH_NOT_SOCKET'
  | 'CTRL_SOCKET_IN_USE'
  | 'CTRL_LISTEN_FAILED'
  | 'CTRL_AUTH_NOT_CONFIGURED'
  | 'CTRL_AUTH_INVALID_CLIENT'
  | 'CTRL_PASSWORD_FILE_UNREADABLE'
  | 'CTRL_TLS_FILE_UNREADABLE'
  | 'CTRL_ROUTE_INVALID';

export class ControlError extends Error {
  readonly code: ControlErrorCode;

  constructor(code: ControlErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ControlError';
    this.code = code;
  }
}
