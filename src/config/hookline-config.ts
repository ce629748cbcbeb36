/**
 * The resolved configuration the daemon runs on: every default filled in,
 * every path absolute. Field shapes for control sockets match the options of
 * the control servers (src/control), so they can be passed straight through.
 */

export interface UnixControlSocketConfig {
  type: 'unix';
  /** Absolute socket path. */
  path: string;
}

export interface HttpControlSocketConfig {
  type: 'http';
  address: string;
  port: number;
  authentication: {
    type: 'basic';
    realm?: string;
    /** Exactly one of password / passwordFile (absolute) per client. */
    clients: Array<{ user: string; password?: string; passwordFile?: string }>;
  };
  /** Present when cert-file and key-file are configured; paths absolute. */
  tls?: { cert: string; key: string; ca?: string; requireClientCert?: boolean };
}

export type ControlSocketConfig = UnixControlSocketConfig | HttpControlSocketConfig;

export interface HookLibraryConfig {
  /** As written: a file name under hooksPath or a package name; the loader confines it. */
  library: string;
  parameters: Record<string, unknown>;
}

export interface HookExecutionConfig {
  hookBasePath: string;
  /** On remote hosts, for REMOTE hooks; never resolved locally. */
  remoteHookBasePath: string;
  concurrency: number;
  logRetention: number;
  outputLimit: number;
  /** Seconds applied to hooks without TIMEOUT; 0 means none. */
  defaultTimeout: number;
}

export interface EventsConfig {
  publisher: { enabled: boolean; bind: string; hwm: number };
  /** `subscribe` holds key prefixes; default `['EVENT']` (every event, no RETRY), as the bus source expects. */
  sources: Array<{ connect: string; subscribe: string[] }>;
}

export type StoreConfig = { type: 'sqlite'; path: string } | { type: 'postgresql'; url: string };
export type QueueConfig = { type: 'local' } | { type: 'nats'; servers: string[]; stream: string; subjectPrefix: string; durable: string; ackWaitMs: number; maxAckPending: number };

export interface LoggerConfig {
  name: string;
  severity: string;
  /** "stdout", "stderr" or an absolute file path. */
  output: string;
}

export interface HooklineConfig {
  dataDirectory: string;
  controlSockets: ControlSocketConfig[];
  hooksPath: string;
  /** Where hooksPath came from. */
  hooksPathSource: 'config' | 'default' | 'env';
  hooksLibraries: HookLibraryConfig[];
  hookExecution: HookExecutionConfig;
  events: EventsConfig;
  store: StoreConfig;
  queue: QueueConfig;
  loggers: LoggerConfig[];
}

/** A validated configuration with what it was made from. */
export interface LoadedConfig {
  config: HooklineConfig;
  /** The document as given, `{ "Hookline": … }` (for config-get and config-write). */
  raw: { Hookline: Record<string, unknown> };
  /** sha256 (hex) of the canonical JSON of `raw`. */
  hash: string;
  /** The file it was read from, if any (absolute). */
  file?: string;
  /** The directory relative paths resolved against. */
  baseDir: string;
}
