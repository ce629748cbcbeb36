/**
 * Turns a schema-valid document into a `HooklineConfig`: cross-field rules
 * checked (all problems reported together), defaults filled in, relative paths
 * made absolute against the base directory, HOOKLINE_HOOKS_PATH applied.
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { DEFAULTS, HOOKS_PATH_ENV } from './defaults.js';
import type { ConfigIssue } from './errors.js';
import type { ControlSocketConfig, HooklineConfig, HttpControlSocketConfig, LoggerConfig, QueueConfig, StoreConfig } from './hookline-config.js';

/* The document has passed the schema, so these casts only restate it. */
type Doc = Record<string, any>;

const MAX_SOCKET_PATH_BYTES = 107;

export function resolveConfig(hookline: Doc, baseDir: string, env: NodeJS.ProcessEnv, issues: ConfigIssue[]): HooklineConfig {
  const abs = (p: string): string => path.resolve(baseDir, p);
  const dataDirectory = abs(hookline['data-directory'] ?? DEFAULTS.dataDirectory);

  const envHooks = env[HOOKS_PATH_ENV];
  const hooksPathSource = envHooks !== undefined && envHooks !== '' ? 'env' : hookline['hooks-path'] !== undefined ? 'config' : 'default';
  const hooksPath = hooksPathSource === 'env' ? path.resolve(envHooks!) : abs(hookline['hooks-path'] ?? DEFAULTS.hooksPath);

  const sockets = (hookline['control-sockets'] as Doc[] | undefined) ?? [{ 'socket-type': 'unix' }];
  const controlSockets = sockets.map((s, i): ControlSocketConfig => {
    const at = `Hookline/control-sockets/${i}`;
    if (s['socket-type'] === 'unix') {
      const p = s['socket-name'] === undefined ? path.join(dataDirectory, DEFAULTS.socketName) : abs(s['socket-name']);
      if (Buffer.byteLength(p) > MAX_SOCKET_PATH_BYTES) issues.push({ path: `${at}/socket-name`, message: `resolves to ${p}, longer than the ${MAX_SOCKET_PATH_BYTES} bytes a Unix socket path allows` });
      return { type: 'unix', path: p };
    }
    return resolveHttpSocket(s, at, abs, issues);
  });
  findDuplicates(controlSockets, issues);

  const exec: Doc = hookline['hook-execution'] ?? {};
  const events: Doc = hookline.events ?? {};
  const publisher: Doc = events.publisher ?? {};
  const store: Doc = hookline.store ?? { type: 'sqlite' };
  const queue: Doc = hookline.queue ?? { type: 'local' };

  return {
    dataDirectory,
    controlSockets,
    hooksPath,
    hooksPathSource,
    hooksLibraries: ((hookline['hooks-libraries'] as Doc[] | undefined) ?? []).map((l) => ({ library: l.library, parameters: l.parameters ?? {} })),
    hookExecution: {
      hookBasePath: exec['hook-base-path'] === undefined ? path.join(hooksPath, DEFAULTS.hookBaseSubdir) : abs(exec['hook-base-path']),
      remoteHookBasePath: exec['remote-hook-base-path'] ?? DEFAULTS.remoteHookBasePath,
      concurrency: exec.concurrency ?? DEFAULTS.concurrency,
      logRetention: exec['log-retention'] ?? DEFAULTS.logRetention,
      outputLimit: exec['output-limit'] ?? DEFAULTS.outputLimit,
      defaultTimeout: exec['default-timeout'] ?? DEFAULTS.defaultTimeout,
    },
    events: {
      publisher: { enabled: publisher.enabled ?? true, bind: publisher.bind ?? DEFAULTS.publisherBind, hwm: publisher.hwm ?? DEFAULTS.publisherHwm },
      sources: ((events.sources as Doc[] | undefined) ?? []).map((s) => ({ connect: s.connect, subscribe: s.subscribe ?? [...DEFAULTS.sourceSubscriptions] })),
    },
    store: store.type === 'postgresql'
      ? { type: 'postgresql', url: store.url }
      : { type: 'sqlite', path: store.path === undefined ? path.join(dataDirectory, DEFAULTS.sqliteFile) : abs(store.path) } satisfies StoreConfig,
    queue: (queue.type === 'nats'
      ? {
        type: 'nats', servers: queue.servers, stream: queue.stream ?? DEFAULTS.natsStream,
        subjectPrefix: queue['subject-prefix'] ?? DEFAULTS.natsSubjectPrefix, durable: queue.durable ?? DEFAULTS.natsDurable, ackWaitMs: queue['ack-wait'] ?? DEFAULTS.natsAckWaitMs,
        maxAckPending: queue['max-ack-pending'] ?? DEFAULTS.natsMaxAckPending,
      }
      : { type: 'local' }) satisfies QueueConfig,
    loggers: ((hookline.loggers as Doc[] | undefined) ?? DEFAULTS.loggers).map((l): LoggerConfig => {
      const output: string = l.output ?? 'stdout';
      return { name: l.name, severity: l.severity ?? 'INFO', output: output === 'stdout' || output === 'stderr' ? output : abs(output) };
    }),
  };
}

function resolveHttpSocket(s: Doc, at: string, abs: (p: string) => string, issues: ConfigIssue[]): HttpControlSocketConfig {
  const address: string = s['socket-address'] ?? DEFAULTS.httpAddress;
  if (address !== 'localhost' && net.isIP(address) === 0) issues.push({ path: `${at}/socket-address`, message: `expected an IP address such as "127.0.0.1" (or "localhost"), got ${JSON.stringify(address)}` });
  const auth: Doc = s.authentication;
  const clients = (auth.clients as Doc[]).map((c, j) => {
    const cat = `${at}/authentication/clients/${j}`;
    const hasPassword = c.password !== undefined;
    const hasFile = c['password-file'] !== undefined;
    if (hasPassword === hasFile) {
      issues.push({ path: cat, message: `expected exactly one of "password" and "password-file" for user ${JSON.stringify(c.user)}, got ${hasPassword ? 'both' : 'neither'}` });
    }
    if (hasFile) {
      const file = abs(c['password-file']);
      readable(file, `${cat}/password-file`, 'password file', issues);
      return { user: c.user as string, passwordFile: file };
    }
    return { user: c.user as string, password: c.password as string };
  });
  const out: HttpControlSocketConfig = {
    type: 'http',
    address,
    port: s['socket-port'] ?? DEFAULTS.httpPort,
    authentication: { type: 'basic', clients, ...(auth.realm === undefined ? {} : { realm: auth.realm as string }) },
  };
  const cert = s['cert-file'];
  const key = s['key-file'];
  if ((cert === undefined) !== (key === undefined)) {
    issues.push({ path: `${at}/${cert === undefined ? 'cert-file' : 'key-file'}`, message: 'is required: TLS needs both "cert-file" and "key-file"' });
  } else if (cert === undefined && (s['trust-anchor'] !== undefined || s['cert-required'] !== undefined)) {
    issues.push({ path: `${at}/cert-file`, message: 'is required: "trust-anchor" and "cert-required" only apply with TLS ("cert-file" and "key-file")' });
  } else if (cert !== undefined) {
    out.tls = { cert: abs(cert), key: abs(key) };
    readable(out.tls.cert, `${at}/cert-file`, 'certificate', issues);
    readable(out.tls.key, `${at}/key-file`, 'private key', issues);
    if (s['trust-anchor'] !== undefined) {
      out.tls.ca = abs(s['trust-anchor']);
      out.tls.requireClientCert = s['cert-required'] ?? true;
      readable(out.tls.ca, `${at}/trust-anchor`, 'trust anchor', issues);
    }
  }
  return out;
}

function readable(file: string, at: string, what: string, issues: ConfigIssue[]): void {
  try {
    fs.accessSync(file, fs.constants.R_OK);
    if (!fs.statSync(file).isFile()) issues.push({ path: at, message: `${file} is not a regular file; expected the ${what}` });
  } catch (err) {
    issues.push({ path: at, message: `cannot read the ${what} ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})` });
  }
}

function findDuplicates(sockets: ControlSocketConfig[], issues: ConfigIssue[]): void {
  const seen = new Map<string, number>();
  sockets.forEach((s, i) => {
    const id = s.type === 'unix' ? `unix:${s.path}` : `http:${s.address}:${s.port}`;
    const first = seen.get(id);
    if (first !== undefined) issues.push({ path: `Hookline/control-sockets/${i}`, message: `duplicates control socket ${first} (${id.slice(id.indexOf(':') + 1)})` });
    else seen.set(id, i);
  });
}
