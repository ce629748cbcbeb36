/** The control channel's log catalogue (Kea style: stable IDs, operator explanations). */
import { defineMessages } from '../core/messages.js';

export const controlMessages = defineMessages({
  CTRL_UNIX_LISTENING: {
    level: 'info',
    text: 'control channel listening on unix socket {path}',
    explanation: 'The Unix control socket is open (mode 0600). Send one JSON command per connection, e.g. `echo \'{ "command": "list-commands" }\' | socat - UNIX:<path>`.',
  },
  CTRL_UNIX_CLOSED: {
    level: 'info',
    text: 'unix control socket {path} closed',
    explanation: 'The Unix control socket was closed and its file removed, normally because the daemon is shutting down or the control-sockets configuration changed.',
  },
  CTRL_STALE_SOCKET_REMOVED: {
    level: 'info',
    text: 'removed stale control socket {path}',
    explanation: 'A socket file was left at the configured path by a process that is no longer running (nothing accepted a connection on it), so it was removed before listening. This is normal after a crash.',
  },
  CTRL_HTTP_LISTENING: {
    level: 'info',
    text: 'control channel listening on {scheme}://{address}:{port}/ with basic authentication',
    explanation: 'The HTTP control channel is open. POST a JSON command to `/` with Basic authentication; the answer is a one-element JSON list. `kea-shell` works as a client.',
  },
  CTRL_HTTP_CLOSED: {
    level: 'info',
    text: 'http control channel on {address}:{port} closed',
    explanation: 'The HTTP control channel stopped listening, normally at shutdown or after a configuration change.',
  },
  CTRL_HTTP_PLAINTEXT_EXPOSED: {
    level: 'warn',
    text: 'http control channel bound to non-loopback address {address} without TLS',
    explanation: 'Credentials and commands travel in clear text to an address other hosts can reach. Bind to 127.0.0.1, or configure cert-file and key-file to enable TLS.',
  },
  CTRL_PASSWORD_FILE_READABLE: {
    level: 'warn',
    text: 'password file {file} for user {user} is readable by group or others (mode {mode})',
    explanation: 'Other local users may be able to read this control channel password. Restrict it with `chmod 600`.',
  },
  CTRL_COMMAND_RECEIVED: {
    level: 'debug',
    text: 'received command {command} over {transport}',
    explanation: 'A well-formed command arrived and is being dispatched.',
  },
  CTRL_BAD_REQUEST: {
    level: 'debug',
    text: 'rejected a malformed request over {transport}: {reason}',
    explanation: 'A client sent something that is not a valid command; it was answered with result 1 and the reason. The daemon is unaffected. Check the client that sent it.',
  },
  CTRL_REQUEST_TOO_LARGE: {
    level: 'warn',
    text: 'rejected a request over {transport} larger than {limit} bytes',
    explanation: 'A request body exceeded the size limit and was answered with an error without being parsed. If a legitimate command (e.g. config-set with a large configuration) needs more, raise the limit.',
  },
  CTRL_READ_TIMEOUT: {
    level: 'info',
    text: 'no complete request on the unix socket within {timeoutMs} ms; closing the connection',
    explanation: 'A client connected but did not send a complete JSON command (or half-close the connection) in time. The client was answered with result 1 and disconnected.',
  },
  CTRL_DISPATCH_FAILED: {
    level: 'error',
    text: 'command {command} failed: {error}',
    explanation: 'The command handler threw instead of answering. The client received result 1 with the error message; the daemon keeps running. This usually points to a bug in a built-in or library command.',
  },
  CTRL_RESPONSE_INVALID: {
    level: 'error',
    text: 'command {command} produced an invalid response: {error}',
    explanation: 'The command handler answered with something that is not a Kea response (result outside 0–4, or not serialisable to JSON). The client received result 1 instead.',
  },
  CTRL_HTTP_AUTH_FAILED: {
    level: 'warn',
    text: 'http control request from {remote} refused: {reason}',
    explanation: 'A request on the HTTP control channel had missing or wrong Basic credentials and was answered with 403. Repeated failures from one address may be an attack.',
  },
  CTRL_HTTP_ROUTE_FAILED: {
    level: 'error',
    text: 'http route {method} {path} failed: {error}',
    explanation: 'A handler registered on the HTTP control server threw; the client received 500 if no answer had started. The server keeps running.',
  },
  CTRL_CONNECTION_ERROR: {
    level: 'debug',
    text: 'control connection over {transport} failed: {error}',
    explanation: 'A client connection broke (reset, closed early, TLS handshake failure). Only that connection is affected.',
  },
});
