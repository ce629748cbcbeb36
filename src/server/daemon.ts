/**
 * The Hookline daemon: a component of the hooks framework that is managed
 * over Kea's control protocol.
 *
 * Guarantees: a configuration is applied all or nothing — its control
 * sockets are opened, its libraries loaded beside the running ones, and its
 * config_applied callouts consulted before anything is committed; any failure
 * leaves the running configuration, sockets and libraries exactly as they
 * were. Applies are serialized. Shutdown is idempotent.
 */
import type { Logger } from 'pino';
import { HooksManager, NextStep, logMessage } from '../core/index.js';
import { Result, type CommandResponse, type DispatchContext, type CommandRequest, type HttpRoute } from '../control/index.js';
import { ConfigError, loadConfigFile, type LoadedConfig } from '../config/index.js';
import { BUILTIN_COMMANDS, type DaemonControl } from './builtin-commands.js';
import { bundledLibraries } from './bundled-libraries.js';
import { CommandRouter } from './command-router.js';
import { EventService } from './event-service.js';
import { openSocket, planSockets, socketKey, type OpenSocket } from './control-sockets.js';
import { ServerError } from './errors.js';
import { DAEMON_HOOK_POINTS, type DaemonHooks } from './hook-points.js';
import { SERVER_MESSAGES as M } from './messages.js';
import { checkHooksDirectory, prepareDataDirectory } from './security.js';
import { Statistics } from './statistics.js';
import { Metrics } from './metrics.js';
import { VERSION } from './version.js';

export interface DaemonOptions {
  logger: Logger;
  /** Extra HTTP routes served behind the control channel's authentication (e.g. /events, /metrics). */
  routes?: HttpRoute[];
}

/** Registers the daemon's hook points on a manager; exported so the catalogue can be printed without a daemon. */
export function registerDaemonHookPoints(hooks: HooksManager<DaemonHooks>): void {
  for (const [name, spec] of Object.entries(DAEMON_HOOK_POINTS)) hooks.registerHook(name, spec);
}

const RESTART_ONLY: Array<[string, (l: LoadedConfig) => unknown]> = [
  ['data-directory', (l) => l.config.dataDirectory],
  ['store', (l) => l.config.store],
  ['queue', (l) => l.config.queue],
  ['loggers', (l) => l.config.loggers],
  ['hook-execution', (l) => l.config.hookExecution],
  ['events', (l) => l.config.events],
];

export class HooklineDaemon implements DaemonControl {
  readonly hooks: HooksManager<DaemonHooks>;
  readonly statistics = new Statistics();
  readonly metrics = new Metrics();
  readonly logger: Logger;
  readonly startedAt = Date.now();
  reloadedAt = Date.now();
  loaded!: LoadedConfig;
  private readonly router: CommandRouter;
  private readonly sockets = new Map<string, OpenSocket>();
  private readonly routes: HttpRoute[];
  /** Event hooks: store, queue, execution manager, bus. */
  events: EventService | undefined;
  private applying: Promise<unknown> = Promise.resolve();
  private stopping: Promise<void> | undefined;
  private resolveStopped!: () => void;
  /** Settles when the daemon has shut down. */
  readonly stopped = new Promise<void>((resolve) => { this.resolveStopped = resolve; });

  private constructor(options: DaemonOptions) {
    this.logger = options.logger;
    this.routes = options.routes ?? [];
    this.hooks = new HooksManager<DaemonHooks>({
      logger: this.logger,
      bundledLibraries: bundledLibraries(),
      onCalloutFailure: (hook, library, kind) => this.metrics.calloutFailure(hook, library, kind),
    });
    registerDaemonHookPoints(this.hooks);
    this.router = new CommandRouter(this.hooks, this, this.statistics, () => this.events?.commands() ?? {}, (name) => this.metrics.command(name));
  }

  /** Starts the daemon on a configuration; throws (having cleaned up) when it cannot be applied. */
  static async start(loaded: LoadedConfig, options: DaemonOptions): Promise<HooklineDaemon> {
    const daemon = new HooklineDaemon(options);
    let response: CommandResponse;
    try {
      prepareDataDirectory(loaded.config.dataDirectory);
      const events = await EventService.start({ config: loaded.config, hooks: daemon.hooks, statistics: daemon.statistics, metrics: daemon.metrics, logger: daemon.logger });
      daemon.events = events;
      daemon.routes.push(...events.routes(), daemon.metrics.route(() => events.gauges()));
      response = await daemon.applyConfig(loaded, 'start-up', true);
    } catch (err) {
      response = { result: Result.ERROR, text: (err as Error).message };
    }
    if (response.result !== Result.SUCCESS) {
      logMessage(daemon.logger, M.SERVER_STARTUP_FAILED, { error: response.text });
      await daemon.shutdown('start-up failed');
      throw new ServerError('SERVER_STARTUP_FAILED', response.text ?? 'start-up failed');
    }
    daemon.markStarted();
    logMessage(daemon.logger, M.SERVER_STARTED, { version: VERSION, pid: process.pid, sockets: [...daemon.sockets.keys()].join(', ') || '(none)' });
    return daemon;
  }

  /** The HTTP port actually bound by an http control socket (tests use port 0). */
  httpPort(): number | undefined {
    for (const s of this.sockets.values()) if (s.port !== undefined) return s.port;
    return undefined;
  }

  private markStarted!: () => void;
  /** Settles when start-up has applied the first configuration: commands that arrive earlier wait for it. */
  private readonly started = new Promise<void>((resolve) => { this.markStarted = resolve; });

  dispatch = async (req: CommandRequest, ctx: DispatchContext): Promise<CommandResponse> => {
    await this.started;
    return this.router.dispatch(req, ctx);
  };

  private serialize<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.applying.then(fn, fn);
    this.applying = run.catch(() => undefined);
    return run;
  }

  applyConfig(given: LoadedConfig, trigger: string, initial = false): Promise<CommandResponse> {
    return this.serialize(async () => {
      // A document from config-set replaces the running configuration but not the file the daemon was
      // started with: config-reload, SIGHUP and config-write keep using that file.
      const next: LoadedConfig = given.file === undefined && !initial && this.loaded?.file !== undefined ? { ...given, file: this.loaded.file } : given;
      const opened: OpenSocket[] = [];
      const reject = async (text: string, args?: unknown): Promise<CommandResponse> => {
        for (const s of opened) await s.close().catch(() => undefined);
        this.statistics.add('config-rejected');
        logMessage(this.logger, M.SERVER_CONFIG_REJECTED, { trigger, error: text });
        return args === undefined ? { result: Result.ERROR, text } : { result: Result.ERROR, text, arguments: args };
      };
      try {
        if (!checkHooksDirectory(next.config.hooksPath).exists) logMessage(this.logger, M.SERVER_HOOKS_PATH_MISSING, { path: next.config.hooksPath });
        const plan = planSockets(this.sockets, next.config.controlSockets);
        for (const c of plan.open) opened.push(await openSocket(c, this.dispatch, this.logger, this.routes));
        const { report, stage } = await this.hooks.stageLibraries(next.config.hooksLibraries, { hooksPath: next.config.hooksPath });
        if (stage === undefined) {
          return await reject(`One or more hook libraries failed to load: ${report.errors.map((e) => e.message).join('; ')}`,
            { errors: report.errors.map((e) => ({ library: e.library, code: e.code, message: e.message })) });
        }
        stage.activate();
        const h = this.hooks.createCalloutHandle<DaemonHooks['config_applied']>();
        h.setArgument('config', next.config);
        h.setArgument('raw', next.raw);
        h.setArgument('statistics', this.statistics);
        await this.hooks.callCallouts(this.hooks.hookIndex('config_applied'), h);
        if (h.getStatus() === NextStep.DROP) {
          const why = h.hasArgument('error') ? String(h.getArgument('error')) : 'no reason given';
          h.release();
          await stage.abandon();
          return await reject(`the configuration was rejected by a hook library: ${why}`);
        }
        h.release();
        await stage.confirm();
        this.hooks.setHooksPath(next.config.hooksPath);
        const previous = initial ? undefined : this.loaded;
        this.loaded = next;
        this.reloadedAt = Date.now();
        for (const s of opened) this.sockets.set(s.key, s);
        if (plan.close.length > 0 || plan.replace.length > 0) setImmediate(() => void this.rearrangeSockets(plan.close, plan.replace));
        if (previous !== undefined) {
          const changed = RESTART_ONLY.filter(([, get]) => JSON.stringify(get(previous)) !== JSON.stringify(get(next))).map(([n]) => n);
          if (changed.length > 0) logMessage(this.logger, M.SERVER_CONFIG_RESTART_NEEDED, { sections: changed.join(', ') });
        }
        this.statistics.add('config-applied');
        logMessage(this.logger, M.SERVER_CONFIG_APPLIED, { trigger, hash: next.hash, libraries: this.hooks.getLibraryNames().length });
        return { result: Result.SUCCESS, text: 'Configuration successful.', arguments: { hash: next.hash } };
      } catch (err) {
        return reject(err instanceof Error ? err.message : String(err));
      }
    });
  }

  /** Closes removed sockets and reopens changed ones, after the triggering response went out. */
  private async rearrangeSockets(close: OpenSocket[], replace: LoadedConfig['config']['controlSockets']): Promise<void> {
    for (const s of close) {
      this.sockets.delete(s.key);
      await s.close().catch(() => undefined);
    }
    for (const c of replace) {
      const old = this.sockets.get(socketKey(c));
      if (old !== undefined) {
        this.sockets.delete(old.key);
        await old.close().catch(() => undefined);
      }
      try {
        const s = await openSocket(c, this.dispatch, this.logger, this.routes);
        this.sockets.set(s.key, s);
      } catch (err) {
        logMessage(this.logger, M.SERVER_CONTROL_SOCKET_FAILED, { socket: old?.key, error: err });
      }
    }
  }

  async testConfig(loaded: LoadedConfig): Promise<CommandResponse> {
    try {
      checkHooksDirectory(loaded.config.hooksPath);
    } catch (err) {
      return { result: Result.ERROR, text: (err as Error).message };
    }
    const report = await this.hooks.validateLibrariesWithReport(loaded.config.hooksLibraries, { hooksPath: loaded.config.hooksPath });
    if (!report.ok) {
      return {
        result: Result.ERROR,
        text: `One or more hook libraries would fail to load: ${report.errors.map((e) => e.message).join('; ')}`,
        arguments: { errors: report.errors.map((e) => ({ library: e.library, code: e.code, message: e.message })) },
      };
    }
    return { result: Result.SUCCESS, text: 'Configuration seems sane: it was validated, hook libraries included, but not applied.', arguments: { hash: loaded.hash } };
  }

  async reloadConfigFile(trigger: string): Promise<CommandResponse> {
    const file = this.loaded.file;
    if (file === undefined) return { result: Result.ERROR, text: 'the daemon runs on the embedded default configuration: there is no file to reload (start it with -c FILE)' };
    let next: LoadedConfig;
    try {
      next = loadConfigFile(file, { logger: this.logger });
    } catch (err) {
      const text = err instanceof ConfigError ? err.message : (err as Error).message;
      logMessage(this.logger, M.SERVER_CONFIG_REJECTED, { trigger, error: text });
      return { result: Result.ERROR, text, ...(err instanceof ConfigError ? { arguments: { errors: err.issues } } : {}) };
    }
    return this.applyConfig(next, trigger);
  }

  /** SIGHUP: re-reads the configuration file, as config-reload does. */
  reloadOnSignal(): Promise<CommandResponse> {
    logMessage(this.logger, M.SERVER_SIGHUP, { file: this.loaded.file ?? '(none: embedded default)' });
    return this.reloadConfigFile('SIGHUP');
  }

  listCommands(): string[] {
    return this.router.commands();
  }

  libraryNames(): string[] {
    return this.hooks.getLibraryNames();
  }

  async status(): Promise<Record<string, unknown>> {
    const now = Date.now();
    return {
      ...(this.events === undefined ? {} : await this.events.status()),
      pid: process.pid,
      uptime: Math.floor((now - this.startedAt) / 1000),
      reload: Math.floor((now - this.reloadedAt) / 1000),
      version: VERSION,
      'config-file': this.loaded.file ?? null,
      'config-hash': this.loaded.hash,
      'hooks-libraries': this.hooks.getLibraryNames(),
      'control-sockets': [...this.sockets.keys()],
    };
  }

  requestShutdown(reason: string): void {
    setImmediate(() => void this.shutdown(reason));
  }

  shutdown(reason: string): Promise<void> {
    this.stopping ??= (async () => {
      logMessage(this.logger, M.SERVER_SHUTDOWN, { reason });
      for (const s of this.sockets.values()) await s.close().catch(() => undefined);
      this.sockets.clear();
      await this.events?.close();
      await this.hooks.unloadLibraries();
      this.resolveStopped();
    })();
    return this.stopping;
  }

  static builtinCommandNames(): string[] {
    return Object.keys(BUILTIN_COMMANDS);
  }
}
