/**
 * The daemon's event side: the store and queue (SQLite by default), the
 * intake that accepts events, the Hook Execution Manager that runs hooks, and
 * the ZeroMQ bus (publisher and sources).
 *
 * Guarantees: an event is acknowledged to its sender only after the queue
 * made it durable; it is published on the bus only after that; a rejected
 * event (bad key or document, or DROP by an event_receive callout) is neither
 * stored nor published, and the sender learns why. A batch is all or nothing.
 */
import os from 'node:os';
import type { Logger } from 'pino';
import { NextStep, logMessage, type HooksManager } from '../core/index.js';
import { Result, type CommandResponse, type HttpRoute } from '../control/index.js';
import type { HooklineConfig } from '../config/index.js';
import { BusPublisher } from '../events/bus-publisher.js';
import { BusSource } from '../events/bus-source.js';
import { validateEvent } from '../events/documents.js';
import type { AcceptedEvent, HooklineEvent } from '../events/event.js';
import { Executor } from '../hem/executor.js';
import { MAX_PARKED } from '../hem/resource-order.js';
import { QUEUE_MESSAGES } from '../queue/messages.js';
import { HookExecutionManager, SKIP_HOOKS_MARK } from '../hem/hook-execution-manager.js';
import { executionCallouts } from './execution-callouts.js';
import { LocalQueue } from '../queue/local-queue.js';
import type { Queue } from '../queue/queue.js';
import { SqliteDatabase } from '../store/sqlite-database.js';
import { SqliteStore } from '../store/sqlite-store.js';
import { PostgresStore } from '../store/postgres-store.js';
import { NatsQueue } from '../queue/nats-queue.js';
import path from 'node:path';
import type { Store } from '../store/store.js';
import { eventCommands, type EventCommand } from './event-commands.js';
import type { DaemonHooks } from './hook-points.js';
import { SERVER_MESSAGES as M } from './messages.js';
import type { Statistics } from './statistics.js';
import type { Gauges, Metrics } from './metrics.js';

export interface EventServiceOptions {
  config: HooklineConfig;
  hooks: HooksManager<DaemonHooks>;
  statistics: Statistics;
  metrics: Metrics;
  logger: Logger;
}

export interface EventInput {
  key: string;
  document: unknown;
}

type Outcome = { ok: true; events: AcceptedEvent[] } | { ok: false; reason: string };

/** Most events one request may carry. */
export const MAX_BATCH = 10_000;

export class EventService {
  /** This process's identity as a queue consumer. */
  static readonly workerId = `${os.hostname()}:${process.pid}`;
  private sources: BusSource[] = [];

  private constructor(
    private readonly options: EventServiceOptions,
    readonly store: Store,
    readonly queue: Queue,
    readonly hem: HookExecutionManager,
    private readonly bus: BusPublisher | undefined,
  ) {}

  static async start(options: EventServiceOptions): Promise<EventService> {
    const { config, logger } = options;
    const opened: Array<{ close(): unknown }> = [];
    let database: SqliteDatabase | undefined;
    const sqlite = (): SqliteDatabase => {
      database ??= SqliteDatabase.open({ path: config.store.type === 'sqlite' ? config.store.path : path.join(config.dataDirectory, 'hookline.db'), logger });
      return database;
    };
    let store: Store;
    let queue: Queue;
    let bus: BusPublisher | undefined;
    try {
      store = config.store.type === 'postgresql'
        ? await PostgresStore.open({ url: config.store.url, logger, defaultLogRetention: config.hookExecution.logRetention })
        : new SqliteStore(sqlite(), { defaultLogRetention: config.hookExecution.logRetention });
      opened.push(store);
      const q = config.queue;
      queue = q.type === 'nats'
        ? await NatsQueue.open({ servers: q.servers, stream: q.stream, subjectPrefix: q.subjectPrefix, durable: q.durable, ackWaitMs: q.ackWaitMs, maxAckPending: q.maxAckPending, logger })
        : new LocalQueue(sqlite());
      opened.push(queue);
      if (config.events.publisher.enabled) bus = await BusPublisher.open({ bind: config.events.publisher.bind, hwm: config.events.publisher.hwm, logger });
    } catch (err) {
      for (const part of opened.reverse()) await Promise.resolve(part.close()).catch(() => undefined);
      database?.release();
      throw err;
    }
    // The store and queue hold their own references to the SQLite file.
    database?.release();
    if (config.queue.type === 'nats') {
      const needed = MAX_PARKED + 3 * config.hookExecution.concurrency;
      if (config.queue.maxAckPending < needed) {
        logMessage(logger, QUEUE_MESSAGES.QUEUE_NATS_ACK_PENDING_LOW, { maxAckPending: config.queue.maxAckPending, needed, concurrency: config.hookExecution.concurrency });
      }
    }
    const executor = new Executor({
      hookBasePath: config.hookExecution.hookBasePath,
      remoteHookBasePath: config.hookExecution.remoteHookBasePath,
      outputLimit: config.hookExecution.outputLimit,
      logger,
    });
    const hem = await HookExecutionManager.start({
      store, queue, executor, logger,
      concurrency: config.hookExecution.concurrency,
      workerId: EventService.workerId,
      defaultTimeout: config.hookExecution.defaultTimeout,
      callouts: executionCallouts(options.hooks),
      // The local queue is woken by this process's intake; JetStream events come from every daemon, so poll often.
      pollMs: config.queue.type === 'nats' ? 100 : 1000,
      onRecord: (record, hook, ms) => {
        options.statistics.add(`executions-${record.status.toLowerCase()}`);
        options.metrics.execution(hook.id, hook.name, record.status, ms);
      },
    });
    const service = new EventService(options, store, queue, hem, bus);
    for (const s of config.events.sources) {
      service.sources.push(BusSource.open({ connect: s.connect, subscriptions: s.subscribe, logger, onEvent: async (event) => { await service.accept([event], 'bus'); } }));
    }
    return service;
  }

  /** The bus endpoint actually bound (a test binds port 0). */
  get busEndpoint(): string | undefined {
    return this.bus?.endpoint;
  }

  /** Validates, consults event_receive, stores durably, then publishes. */
  async accept(inputs: readonly EventInput[], source: string): Promise<Outcome> {
    const { hooks, statistics } = this.options;
    if (inputs.length === 0) return { ok: false, reason: 'no events given' };
    if (inputs.length > MAX_BATCH) return { ok: false, reason: `at most ${MAX_BATCH} events per request, got ${inputs.length}` };
    const events: HooklineEvent[] = [];
    const receive = hooks.hookIndex('event_receive');
    for (let i = 0; i < inputs.length; i++) {
      const where = inputs.length > 1 ? `event ${i}: ` : '';
      const input = inputs[i]!;
      let event: HooklineEvent;
      try {
        if (typeof input?.key !== 'string') throw new Error(`"key" must be a string such as "EVENT API one.vm.allocate 1", got ${JSON.stringify(input?.key)}`);
        event = validateEvent(input.key, input.document);
      } catch (err) {
        this.rejected();
        return { ok: false, reason: `${where}${(err as Error).message}` };
      }
      if (hooks.calloutsPresent(receive)) {
        const received = await this.receive(receive, event, source);
        if (typeof received === 'string') {
          this.rejected();
          return { ok: false, reason: `${where}${received}` };
        }
        event = received;
      }
      events.push(event);
    }
    const accepted = await this.queue.enqueueMany(events);
    this.hem.notify();
    for (const e of accepted) {
      statistics.add(`events-accepted-${e.kind}`);
      this.options.metrics.eventAccepted(e.kind);
      if (this.bus !== undefined) {
        const { [SKIP_HOOKS_MARK]: _mark, ...document } = e.document;
        void this.bus.publish({ key: e.key, kind: e.kind, document });
      }
    }
    return { ok: true, events: accepted };
  }

  private rejected(): void {
    this.options.statistics.add('events-rejected');
    this.options.metrics.eventRejected();
  }

  /** Gauges for /metrics. */
  async gauges(): Promise<Gauges> {
    const age = await this.queue.oldestPendingAge();
    return {
      queueDepth: await this.queue.depth(),
      oldestPendingSeconds: age === null ? 0 : age / 1000,
      eventsDeferred: this.hem.busy.deferred,
      eventsParked: this.hem.busy.parked,
      ...(this.bus === undefined ? {} : { busPublished: this.bus.stats.published, busDropped: this.bus.stats.dropped }),
    };
  }

  /** Runs the event_receive callouts: the event to store, or why it is rejected. */
  private async receive(index: number, event: HooklineEvent, source: string): Promise<HooklineEvent | string> {
    const h = this.options.hooks.createCalloutHandle<DaemonHooks['event_receive']>();
    try {
      h.setArgument('event', event);
      h.setArgument('source', source);
      await this.options.hooks.callCallouts(index, h);
      const status = h.getStatus();
      if (status === NextStep.DROP) return `rejected by a hook library: ${h.hasArgument('reason') ? String(h.getArgument('reason')) : 'no reason given'}`;
      let next = event;
      const rewritten = h.getArgument('event');
      if (rewritten !== event) {
        try {
          next = validateEvent(rewritten.key, rewritten.document);
        } catch (err) {
          return `an event_receive callout made the event invalid: ${(err as Error).message}`;
        }
      }
      return status === NextStep.SKIP ? { ...next, document: { ...next.document, [SKIP_HOOKS_MARK]: true } } : next;
    } finally {
      h.release();
    }
  }

  /** `event-publish` arguments: `{key, document}` or `{events: [{key, document}, …]}`. */
  private async publishCommand(args: Record<string, unknown> | undefined): Promise<CommandResponse> {
    const list = Array.isArray(args?.events) ? (args.events as EventInput[]) : args?.key !== undefined ? [args as unknown as EventInput] : undefined;
    if (list === undefined) return { result: Result.ERROR, text: 'expected arguments {"key": "...", "document": {...}} or {"events": [{"key", "document"}, ...]}' };
    const outcome = await this.accept(list, 'unix');
    if (!outcome.ok) return { result: Result.ERROR, text: outcome.reason };
    const ids = outcome.events.map((e) => e.id);
    return { result: Result.SUCCESS, text: `${ids.length} event${ids.length === 1 ? '' : 's'} accepted`, arguments: ids.length === 1 ? { id: ids[0] } : { ids } };
  }

  commands(): Record<string, EventCommand> {
    return eventCommands(this.hem, this.store, (args) => this.publishCommand(args));
  }

  /** POST /events behind the HTTP control channel's authentication. */
  routes(): HttpRoute[] {
    return [{
      method: 'POST',
      path: '/events',
      handler: async (_req, res, body) => {
        let parsed: unknown;
        try {
          parsed = JSON.parse(body.toString('utf8'));
        } catch (err) {
          return send(res, 400, { result: Result.ERROR, text: `body is not JSON: ${(err as Error).message}` });
        }
        const list = (Array.isArray(parsed) ? parsed : [parsed]) as EventInput[];
        const outcome = await this.accept(list, 'http');
        if (!outcome.ok) return send(res, 400, { result: Result.ERROR, text: outcome.reason });
        send(res, 200, { result: Result.SUCCESS, text: `${outcome.events.length} accepted`, arguments: { ids: outcome.events.map((e) => e.id) } });
      },
    }];
  }

  async status(): Promise<Record<string, unknown>> {
    const probe = async <T>(fn: () => Promise<T>): Promise<{ value?: T; error?: string }> => {
      try {
        return { value: await fn() };
      } catch (err) {
        return { error: `${(err as { code?: string }).code ?? 'ERROR'}: ${(err as Error).message}` };
      }
    };
    const storeProbe = await probe(async () => (await this.store.hooksRevision?.()) ?? (await this.store.getHook(0), 0));
    const depth = await probe(() => this.queue.depth());
    const age = await probe(() => this.queue.oldestPendingAge());
    return {
      worker: EventService.workerId,
      store: this.options.config.store.type,
      'store-available': storeProbe.error === undefined,
      ...(storeProbe.error === undefined ? {} : { 'store-error': storeProbe.error }),
      queue: this.options.config.queue.type,
      'queue-available': depth.error === undefined,
      ...(depth.error === undefined ? {} : { 'queue-error': depth.error }),
      'queue-depth': depth.value ?? null,
      'oldest-pending-ms': age.value ?? null,
      executions: this.hem.busy,
      bus: this.bus === undefined ? null : { endpoint: this.bus.endpoint, ...this.bus.stats },
    };
  }

  async close(): Promise<void> {
    for (const s of this.sources) await s.close().catch(() => undefined);
    await this.hem.close();
    this.bus?.close();
    await this.queue.close();
    await this.store.close();
    logMessage(this.options.logger, M.SERVER_EVENTS_CLOSED, { worker: EventService.workerId });
  }
}

function send(res: import('node:http').ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

