/** The control channel's public surface, for the daemon and the CLI. */
export * from './protocol.js';
export type { CommandDispatcher, DispatchContext } from './dispatcher.js';
export { dispatchSafely } from './dispatcher.js';
export { ControlError, type ControlErrorCode } from './errors.js';
export { controlMessages } from './messages.js';
export { startUnixControlServer, DEFAULT_MAX_REQUEST_BYTES, DEFAULT_READ_TIMEOUT_MS, type UnixControlServer, type UnixControlServerOptions } from './unix-server.js';
export { startHttpControlServer, type HttpControlServer, type HttpControlServerOptions, type HttpRoute, type HttpTlsOptions } from './http-server.js';
export type { BasicAuthClient, BasicAuthOptions } from './basic-auth.js';
export { sendUnixCommand, type UnixCommandOptions } from './unix-client.js';
