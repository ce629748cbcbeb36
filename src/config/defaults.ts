/** Default values of the configuration, in one place (documented in docs/configuration.md). */

export const DEFAULTS = Object.freeze({
  dataDirectory: './hookline-data',
  socketName: 'hookline.sock',
  httpAddress: '127.0.0.1',
  httpPort: 8000,
  hooksPath: './hooks',
  hookBaseSubdir: 'commands',
  concurrency: 8,
  logRetention: 20,
  outputLimit: 65536,
  defaultTimeout: 0,
  remoteHookBasePath: '/var/tmp/hookline/hooks',
  sourceSubscriptions: ['EVENT'],
  publisherBind: 'tcp://127.0.0.1:2101',
  publisherHwm: 1000,
  sqliteFile: 'hookline.db',
  natsStream: 'HOOKLINE',
  natsSubjectPrefix: 'hookline.events',
  natsDurable: 'hookline-workers',
  natsAckWaitMs: 30_000,
  /** Room for about 100 workers of concurrency 8, each parking up to 64 events (docs/scale-out.md). */
  natsMaxAckPending: 10_000,
  loggers: [{ name: 'hookline', severity: 'INFO', output: 'stdout' }],
});

/** The environment variable that replaces hooks-path. */
export const HOOKS_PATH_ENV = 'HOOKLINE_HOOKS_PATH';
