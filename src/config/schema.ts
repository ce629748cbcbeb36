/**
 * The JSON schema of a Hookline configuration file (DESIGN §7). Unknown keys
 * are errors everywhere. Each constrained value carries a `description` that
 * error messages quote as "expected …", so the schema is the one place where
 * the expectation is written down.
 */

const str = (description: string) => ({ type: 'string', minLength: 1, description });
const int = (description: string, minimum: number, maximum: number) => ({ type: 'integer', minimum, maximum, description });
const obj = (properties: Record<string, unknown>, required: string[] = [], description?: string) => ({
  type: 'object',
  additionalProperties: false,
  required,
  properties,
  ...(description === undefined ? {} : { description }),
});

const zmqEndpoint = (example: string) => ({ type: 'string', pattern: '^(tcp|ipc|inproc)://.+$', description: `a ZeroMQ endpoint such as "${example}"` });

export const SEVERITIES = ['FATAL', 'ERROR', 'WARN', 'WARNING', 'INFO', 'DEBUG'] as const;

const unixSocket = obj({
  'socket-type': { const: 'unix' },
  'socket-name': str('a path for the Unix socket (relative to the configuration file)'),
}, ['socket-type']);

const authentication = obj({
  type: { const: 'basic', description: 'the authentication type "basic"' },
  realm: str('a realm name'),
  clients: {
    type: 'array',
    minItems: 1,
    description: 'a non-empty list of clients, each {"user", "password"} or {"user", "password-file"}',
    items: obj({
      user: { type: 'string', pattern: '^[^:]+$', description: 'a non-empty user name without ":"' },
      password: str('a non-empty password'),
      'password-file': str('the path of a file holding the password'),
    }, ['user']),
  },
}, ['type', 'clients'], '{"type": "basic", "clients": [{"user": …, "password-file": …}]}');

const httpSocket = obj({
  'socket-type': { const: 'http' },
  'socket-address': str('an IP address to bind, such as "127.0.0.1"'),
  'socket-port': int('a TCP port number (1–65535)', 1, 65535),
  authentication,
  'trust-anchor': str('the path of a PEM file of CA certificates that client certificates must chain to'),
  'cert-file': str('the path of the server certificate (PEM)'),
  'key-file': str('the path of the server private key (PEM)'),
  'cert-required': { type: 'boolean', description: 'true or false' },
}, ['socket-type', 'authentication']);

const controlSocket = {
  type: 'object',
  description: 'a control socket, {"socket-type": "unix", …} or {"socket-type": "http", …}',
  discriminator: { propertyName: 'socket-type' },
  required: ['socket-type'],
  oneOf: [unixSocket, httpSocket],
};

const store = {
  type: 'object',
  description: 'a store, {"type": "sqlite", "path"?} or {"type": "postgresql", "url"}',
  discriminator: { propertyName: 'type' },
  required: ['type'],
  oneOf: [
    obj({ type: { const: 'sqlite' }, path: str('the path of the SQLite database file') }, ['type']),
    obj({ type: { const: 'postgresql' }, url: { type: 'string', pattern: '^postgres(ql)?://.+', description: 'a PostgreSQL URL such as "postgres://user@host/db"' } }, ['type', 'url']),
  ],
};

const queue = {
  type: 'object',
  description: 'a queue, {"type": "local"} or {"type": "nats", "servers", "stream"?, "subject-prefix"?, "durable"?, "ack-wait"?, "max-ack-pending"?}',
  discriminator: { propertyName: 'type' },
  required: ['type'],
  oneOf: [
    obj({ type: { const: 'local' } }, ['type']),
    obj({
      type: { const: 'nats' },
      servers: {
        type: 'array',
        minItems: 1,
        description: 'a non-empty list of NATS server URLs',
        items: { type: 'string', pattern: '^(nats|tls|ws|wss)://.+', description: 'a NATS URL such as "nats://127.0.0.1:4222"' },
      },
      stream: { type: 'string', pattern: '^[A-Za-z0-9_-]+$', description: 'a JetStream stream name (letters, digits, "_" and "-")' },
      'subject-prefix': { type: 'string', pattern: '^[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*$', description: 'NATS subject tokens separated by ".", such as "hookline.events"' },
      durable: { type: 'string', pattern: '^[A-Za-z0-9_-]+$', description: 'the name of the durable consumer the daemons share' },
      'ack-wait': { type: 'integer', minimum: 1000, description: 'milliseconds a worker may hold an event without acknowledging it before it is redelivered (at least 1000)' },
      'max-ack-pending': { type: 'integer', minimum: 100, description: 'how many events all workers together may hold unacknowledged (at least 100)' },
    }, ['type', 'servers']),
  ],
};

export const configSchema = obj({
  Hookline: obj({
    'data-directory': str('the path of the data directory'),
    'control-sockets': { type: 'array', description: 'a list of control sockets', items: controlSocket },
    'hooks-path': str('the path of the hooks directory'),
    'hooks-libraries': {
      type: 'array',
      description: 'a list of hook libraries, each {"library", "parameters"?}',
      items: obj({
        library: str('a library file name in the hooks directory, or an npm package name'),
        parameters: { type: 'object', description: 'an object of library parameters' },
      }, ['library'], 'a hook library, {"library": …, "parameters"?: {…}}'),
    },
    'hook-execution': obj({
      'hook-base-path': str('the directory that relative hook commands resolve under'),
      'remote-hook-base-path': { type: 'string', pattern: '^/', description: 'an absolute path on remote hosts for relative commands of REMOTE hooks' },
      concurrency: int('an integer from 1 to 1024', 1, 1024),
      'log-retention': int('a non-negative integer number of execution records', 0, 1_000_000),
      'output-limit': int('a non-negative integer number of bytes (at most 64 MiB)', 0, 64 * 1024 * 1024),
      'default-timeout': int('a non-negative integer number of seconds (0: no timeout)', 0, 7 * 24 * 3600),
    }, [], 'an object with hook execution settings'),
    events: obj({
      publisher: obj({
        enabled: { type: 'boolean', description: 'true or false' },
        bind: zmqEndpoint('tcp://127.0.0.1:2101'),
        hwm: int('a non-negative integer (0: unlimited)', 0, 10_000_000),
      }, [], 'an object {"enabled"?, "bind"?, "hwm"?}'),
      sources: {
        type: 'array',
        description: 'a list of event sources, each {"connect", "subscribe"?}',
        items: obj({
          connect: zmqEndpoint('tcp://127.0.0.1:2101'),
          subscribe: { type: 'array', description: 'a list of event key prefixes (default ["EVENT"])', items: { type: 'string', description: 'an event key prefix' } },
        }, ['connect']),
      },
    }, [], 'an object with "publisher" and "sources"'),
    store,
    queue,
    loggers: {
      type: 'array',
      description: 'a list of loggers, each {"name", "severity", "output"}',
      items: obj({
        name: str('a logger name such as "hookline"'),
        severity: { enum: [...SEVERITIES], description: `one of ${SEVERITIES.map((s) => `"${s}"`).join(', ')}` },
        output: str('"stdout", "stderr" or a file path'),
      }, ['name']),
    },
  }, [], 'an object with the daemon configuration'),
}, ['Hookline'], 'a configuration object {"Hookline": {…}}');
