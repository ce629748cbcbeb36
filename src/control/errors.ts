/**
 * Errors the control channel throws when a server cannot start or a client
 * cannot get an answer. Every one has a stable `code`; a server never throws
 * on a request — a bad request is answered with result 1 (see protocol.ts).
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
  | 'CTRL_ROUTE_INVALID'
  | 'CTRL_CLIENT_CONNECT_FAILED'
  | 'CTRL_CLIENT_TIMEOUT'
  | 'CTRL_CLIENT_BAD_RESPONSE';

export class ControlError extends Error {
  readonly code: ControlErrorCode;

  constructor(code: ControlErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ControlError';
    this.code = code;
  }
}
