/**
 * The scale-out `Queue`: accepted events in a NATS JetStream stream, claimed by
 * N daemons through one durable pull consumer, so that each event is held by
 * one worker at a time. Guarantees:
 * - `enqueue` resolves only on JetStream's publish acknowledgement (the stream
 *   has stored the event; when it reaches the disk depends on the server's
 *   sync_interval, see docs/scale-out.md). Each event carries a `Nats-Msg-Id`, so a publish
 *   retried after a lost acknowledgement is stored once. When the server does
 *   not confirm within `timeoutMs`, the enqueue rejects with
 *   QUEUE_NATS_UNAVAILABLE: never a silent drop.
 * - `enqueueMany` stores the events in order (checked by their stream
 *   sequences). JetStream has no multi-message transaction, so when one fails
 *   the events already stored are deleted again, and QUEUE_NATS_BATCH_PARTIAL
 *   names any that could not be; a worker may have claimed one meanwhile.
 * - A claimed delivery is kept alive (`+WPI`) while this process holds it; a
 *   worker that dies stops doing so and JetStream redelivers after `ackWaitMs`,
 *   flagged `redelivered`. Delivery ids are valid in this process only.
 * - `close` waits for enqueues already made and does not return held
 *   deliveries: they come back after the ack wait, as after a crash.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import {
  Events, connect, nanos,
  type JetStreamClient, type JetStreamManager, type Msg, type NatsConnection, type PubAck,
} from 'nats';
import type { AcceptedEvent, HooklineEvent } from '../events/event.js';
import { eventResource } from '../events/resource.js';
import { logMessage } from '../core/messages.js';
import { silentLogger } from '../core/logger.js';
import type { Delivery, Queue } from './queue.js';
import {
  InvalidDeliveryError, QueueBatchPartialError, QueueClosedError, QueueError, QueueUnavailableError, QueueWriteError,
} from './errors.js';
import { QUEUE_MESSAGES } from './messages.js';
import { DEFAULT_SUBJECT_PREFIX, allEventsFilter, checkSubjectPrefix, eventSubject, resourceFilter } from './nats-subjects.js';
import { serializeQueuedEvent } from './queued-event.js';
import {
  ackInfo, checkCount, checkMs, checkName, decodeEvent, ensureConsumer, ensureStream, noMessage, pullNow, retryable, type Settings,
} from './nats-stream.js';

export interface NatsQueueOptions {
  /** nats-server URL(s), e.g. `nats://127.0.0.1:4222`. */
  servers: string | string[];
  /** JetStream stream name; created (file storage, work-queue retention) when missing. */
  stream: string;
  logger?: Logger;
  /** How long a delivery may go without an ack or keep-alive before JetStream redelivers it. Default 30000; use one value for all daemons. */
  ackWaitMs?: number;
  /** Subjects are `<subjectPrefix>.<…from the key>`. Default `hookline.events`. */
  subjectPrefix?: string;
  /** Durable consumer shared by all daemons of one deployment. Default `hookline-workers`. */
  durable?: string;
  /** Events all workers together may hold unacknowledged (the consumer's max_ack_pending). Default 10000; use one value for all daemons. */
  maxAckPending?: number;
  /** How long an operation waits for nats-server before QUEUE_NATS_UNAVAILABLE. Default 5000. */
  timeoutMs?: number;
}

interface Held { workerId: string; reply: string; sequence: number }

/** A publish attempt's share of `timeoutMs`: a request lost with a dropped connection is retried (same Nats-Msg-Id) rather than awaited to the end. */
const ATTEMPT_MS = 2000;
/** Events of one batch in flight at once. */
const PUBLISH_WINDOW = 256;

export class NatsQueue implements Queue {
  private readonly instance = randomUUID().slice(0, 8);
  private readonly held = new Map<string, Held>();
  /** Stream sequence → delivery id, so that a redelivery to this process supersedes the stale delivery. */
  private readonly heldBySequence = new Map<number, string>();
  private readonly inflight = new Set<Promise<unknown>>();
  private readonly connectionWaiters = new Set<() => void>();
  private readonly keepAlive: NodeJS.Timeout;
  private readonly js: JetStreamClient;
  private deliveries = 0;
  private messages = 0;
  private connected = true;
  /** When nats-server last answered (a flush after the keep-alives, a pull). */
  private lastContact = Date.now();
  private open = true;
  private closing: Promise<void> | null = null;

  private constructor(private readonly nc: NatsConnection, private readonly jsm: JetStreamManager, private readonly s: Settings) {
    this.js = nc.jetstream({ timeout: s.timeoutMs });
    this.keepAlive = setInterval(() => this.sendKeepAlives(), Math.max(50, Math.floor(s.ackWaitMs / 3)));
    this.keepAlive.unref();
    this.watchConnection().catch(() => undefined);
  }

  /** Connects, creates the stream and the shared consumer when missing, and checks an existing stream fits. */
  static async open(options: NatsQueueOptions): Promise<NatsQueue> {
    const s: Settings = {
      servers: ([] as string[]).concat(options.servers).join(','),
      stream: checkName('stream', options.stream),
      durable: checkName('durable', options.durable ?? 'hookline-workers'),
      prefix: checkSubjectPrefix(options.subjectPrefix ?? DEFAULT_SUBJECT_PREFIX),
      ackWaitMs: checkMs('ackWaitMs', options.ackWaitMs ?? 30_000),
      maxAckPending: checkCount('maxAckPending', options.maxAckPending ?? 10_000, 100),
      timeoutMs: checkMs('timeoutMs', options.timeoutMs ?? 5000),
      logger: options.logger ?? silentLogger(),
    };
    let nc: NatsConnection;
    try {
      nc = await connect({ servers: options.servers, name: 'hookline', timeout: s.timeoutMs, maxReconnectAttempts: -1, reconnectTimeWait: 500 });
    } catch (cause) {
      throw new QueueUnavailableError('opening the queue', s.servers, `could not be reached (${(cause as Error).message})`, { cause });
    }
    try {
      const jsm = await nc.jetstreamManager({ timeout: s.timeoutMs });
      await ensureStream(jsm, s);
      await ensureConsumer(jsm, s);
      return new NatsQueue(nc, jsm, s);
    } catch (err) {
      await nc.close();
      if (err instanceof QueueError) throw err;
      throw new QueueUnavailableError('opening the queue', s.servers, `refused stream ${s.stream}: ${(err as Error).message}`, { cause: err });
    }
  }

  enqueue(event: HooklineEvent): Promise<AcceptedEvent> {
    return this.enqueueMany([event]).then((accepted) => accepted[0]!);
  }

  enqueueMany(events: readonly HooklineEvent[]): Promise<AcceptedEvent[]> {
    if (!this.open) return Promise.reject(new QueueClosedError(this.where()));
    let bodies: string[];
    try {
      bodies = events.map(serializeQueuedEvent);
    } catch (err) {
      return Promise.reject(err);
    }
    const work = this.publishInOrder(events, bodies);
    this.inflight.add(work);
    void work.catch(() => undefined).finally(() => this.inflight.delete(work));
    return work;
  }

  async claim(workerId: string, max: number): Promise<Delivery[]> {
    this.checkOpen();
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`claim: max must be a positive integer, got ${max}`);
    if (!this.connected) throw new QueueUnavailableError(`claim by ${workerId}`, this.s.servers, 'is not connected (reconnecting)');
    const msgs = await pullNow(this.nc, this.s, max);
    this.lastContact = Date.now();
    const deliveries: Delivery[] = [];
    for (const msg of msgs) {
      const info = ackInfo(msg.reply ?? '');
      const event = info === null ? null : this.decode(msg, info.sequence);
      if (info === null || event === null) continue;
      const superseded = this.heldBySequence.get(info.sequence);
      if (superseded !== undefined) this.held.delete(superseded);
      const deliveryId = `${this.instance}:${++this.deliveries}`;
      this.held.set(deliveryId, { workerId, reply: msg.reply!, sequence: info.sequence });
      this.heldBySequence.set(info.sequence, deliveryId);
      deliveries.push({ deliveryId, event, attempt: info.deliveryCount, redelivered: info.deliveryCount > 1 });
    }
    return deliveries.sort((a, b) => Number(a.event.id) - Number(b.event.id));
  }

  ack(deliveryId: string): Promise<boolean> {
    return this.settle(deliveryId, 'ack', '+ACK');
  }

  nack(deliveryId: string, delayMs = 0): Promise<boolean> {
    if (!Number.isInteger(delayMs) || delayMs < 0) return Promise.reject(new RangeError(`nack: delayMs must be a whole number of milliseconds, got ${delayMs}`));
    return this.settle(deliveryId, 'nack', delayMs === 0 ? '-NAK' : `-NAK ${JSON.stringify({ delay: nanos(delayMs) })}`);
  }

  /**
   * Walks the resource's subject (`<prefix>.<resource>.>`) from the start of the stream: on a
   * work-queue stream every stored message is unacknowledged, so the messages before `event` are
   * exactly its resource's earlier pending events. One request per event read, and one that
   * finds no more.
   */
  async *pendingBefore(event: AcceptedEvent): AsyncIterable<AcceptedEvent> {
    this.checkOpen();
    const resource = eventResource(event);
    if (resource === null) return;
    const filter = resourceFilter(this.s.prefix, resource);
    const before = Number(event.id);
    for (let seq = 1; ;) {
      this.checkOpen(); // closed mid-walk: an error, not "nothing earlier"
      // The client's types lack next_by_subj, which nats-server 2.9 understands; the query is sent as is.
      const query = { seq, next_by_subj: filter };
      const stored = await this.api('reading earlier events of a resource',
        () => this.jsm.streams.getMessage(this.s.stream, query).catch(noMessage));
      if (stored === null || stored.seq >= before) return;
      seq = stored.seq + 1;
      let earlier: AcceptedEvent;
      try {
        earlier = decodeEvent(stored.data, stored.seq);
      } catch {
        continue; // a foreign message: the claim that meets it terminates it
      }
      yield earlier;
    }
  }

  holds(deliveryId: string): boolean {
    if (!deliveryId.startsWith(`${this.instance}:`)) throw new InvalidDeliveryError(deliveryId);
    return this.held.has(deliveryId);
  }

  async releaseWorker(workerId: string): Promise<number> {
    this.checkOpen();
    const released = [...this.held].filter(([, h]) => h.workerId === workerId).sort(([, a], [, b]) => a.sequence - b.sequence);
    // One at a time, oldest first, so that JetStream redelivers them in their order.
    for (const [deliveryId, h] of released) {
      this.forget(deliveryId, h);
      try {
        await this.nc.request(h.reply, '-NAK', { timeout: this.s.timeoutMs });
      } catch (error) {
        logMessage(this.s.logger, QUEUE_MESSAGES.QUEUE_NATS_RELEASE_FAILED, { deliveryId, error });
      }
    }
    if (released.length > 0) logMessage(this.s.logger, QUEUE_MESSAGES.QUEUE_WORKER_RELEASED, { workerId, count: released.length });
    return released.length;
  }

  /** Waiting plus held, from the shared consumer (on a work-queue stream, also the stream's message count). */
  async depth(): Promise<number> {
    this.checkOpen();
    const info = await this.api('reading the queue depth', () => this.jsm.consumers.info(this.s.stream, this.s.durable));
    return info.num_pending + info.num_ack_pending;
  }

  /**
   * Every event at or below the consumer's ack floor is acknowledged, so the
   * first stored message after it is the oldest unacknowledged one; its body
   * holds the acceptance time.
   */
  async oldestPendingAge(): Promise<number | null> {
    this.checkOpen();
    const info = await this.api('reading the oldest event', () => this.jsm.consumers.info(this.s.stream, this.s.durable));
    if (info.num_pending + info.num_ack_pending === 0) return null;
    const query = { next_by_subj: allEventsFilter(this.s.prefix), seq: info.ack_floor.stream_seq + 1 };
    const stored = await this.api('reading the oldest event', () => this.jsm.streams.getMessage(this.s.stream, query).catch(noMessage));
    if (stored === null) return null; // acknowledged meanwhile
    let since = stored.time.getTime(); // a foreign message has no acceptance time: its storage time stands in
    try {
      const { acceptedAt } = JSON.parse(Buffer.from(stored.data).toString('utf8')) as { acceptedAt?: unknown };
      if (typeof acceptedAt === 'number') since = acceptedAt;
    } catch { /* keep the storage time */ }
    return Math.max(0, Date.now() - since);
  }

  close(): Promise<void> {
    this.open = false;
    this.closing ??= (async () => {
      await Promise.allSettled([...this.inflight]);
      clearInterval(this.keepAlive);
      this.held.clear();
      this.heldBySequence.clear();
      await this.nc.close();
      for (const wake of this.connectionWaiters) wake();
    })();
    return this.closing;
  }

  /**
   * Publishes a window of events at a time without waiting between them: one
   * connection delivers them to the stream in call order. The stream sequences
   * prove the order; a failure, or retries that stored events out of order,
   * withdraw the batch.
   */
  private async publishInOrder(events: readonly HooklineEvent[], bodies: string[]): Promise<AcceptedEvent[]> {
    const acceptedAt = Date.now();
    const accepted: AcceptedEvent[] = [];
    for (let from = 0; from < events.length; from += PUBLISH_WINDOW) {
      const window = events.slice(from, from + PUBLISH_WINDOW);
      const results = await Promise.allSettled(window.map((event, i) => this.publish(eventSubject(this.s.prefix, event.key, eventResource(event)),
        `{"key":${JSON.stringify(event.key)},"kind":${JSON.stringify(event.kind)},"acceptedAt":${acceptedAt},"document":${bodies[from + i]}}`)));
      let failure: unknown = null;
      results.forEach((r, i) => {
        const event = window[i]!;
        if (r.status === 'fulfilled') accepted.push({ key: event.key, kind: event.kind, document: event.document, id: String(r.value.seq), acceptedAt });
        else failure ??= r.reason;
      });
      if (failure === null && accepted.some((e, i) => i > 0 && Number(e.id) <= Number(accepted[i - 1]!.id))) {
        failure = new QueueWriteError(events.length, this.where(), { cause: new Error('retried publishes were stored out of order') });
      }
      if (failure !== null) throw accepted.length === 0 ? failure : await this.withdraw(accepted, events.length, failure);
    }
    return accepted;
  }

  /** Publishes one message until JetStream confirms it or `timeoutMs` has passed; retries reuse the Nats-Msg-Id. */
  private async publish(subject: string, body: string): Promise<PubAck> {
    const msgID = `${this.instance}-${++this.messages}`;
    const deadline = Date.now() + this.s.timeoutMs;
    let sent = false;
    let lastError: unknown;
    for (let pause = 25; ; pause = Math.min(pause * 2, 500)) {
      await this.connection(deadline);
      const remaining = deadline - Date.now();
      if (remaining <= 0 || !this.connected || this.nc.isClosed()) break;
      try {
        sent = true;
        return await this.js.publish(subject, body, { msgID, timeout: Math.min(remaining, ATTEMPT_MS) });
      } catch (err) {
        if (!retryable(err)) throw new QueueWriteError(1, this.where(), { cause: err });
        lastError = err;
      }
      await new Promise((resolve) => setTimeout(resolve, Math.min(pause, Math.max(0, deadline - Date.now()))));
    }
    const detail = sent
      ? `did not confirm storing the event within ${this.s.timeoutMs} ms; it was not accepted, though the server may still store it (it would then run)`
      : `was not reachable for ${this.s.timeoutMs} ms; the event was not stored`;
    throw new QueueUnavailableError('enqueue', this.s.servers, detail, { cause: lastError });
  }

  /** Best-effort rollback of a failed batch: deletes what was stored and reports what could not be. */
  private async withdraw(stored: AcceptedEvent[], total: number, error: unknown): Promise<Error> {
    const kept: string[] = [];
    for (const e of stored) {
      const removed = await this.jsm.streams.deleteMessage(this.s.stream, Number(e.id), false).catch(() => false);
      if (!removed) kept.push(e.id);
    }
    logMessage(this.s.logger, QUEUE_MESSAGES.QUEUE_NATS_BATCH_ROLLBACK,
      { total, stored: stored.length, withdrawn: stored.length - kept.length, kept: kept.length, error: error as Error });
    return kept.length === 0 ? error as Error : new QueueBatchPartialError(kept, total, this.s.stream, { cause: error });
  }

  /** The event in a message, or null (after terminating it) when the message is not one of ours. */
  private decode(msg: Msg, sequence: number): AcceptedEvent | null {
    try {
      return decodeEvent(msg.data, sequence);
    } catch (error) {
      logMessage(this.s.logger, QUEUE_MESSAGES.QUEUE_NATS_FOREIGN_MESSAGE, { sequence, subject: msg.subject, stream: this.s.stream, error });
      msg.respond('+TERM');
      return null;
    }
  }

  private async settle(deliveryId: string, operation: 'ack' | 'nack', verb: string): Promise<boolean> {
    this.checkOpen();
    if (!deliveryId.startsWith(`${this.instance}:`)) throw new InvalidDeliveryError(deliveryId);
    const h = this.held.get(deliveryId);
    if (h === undefined) {
      logMessage(this.s.logger, QUEUE_MESSAGES.QUEUE_STALE_ACK, { deliveryId, operation });
      return false;
    }
    this.forget(deliveryId, h);
    try {
      // A request, not a publish: the server answers once it has applied the ack, so depth and claims that follow see it.
      await this.nc.request(h.reply, verb, { timeout: this.s.timeoutMs });
      return true;
    } catch (cause) {
      if (!this.heldBySequence.has(h.sequence)) {
        this.held.set(deliveryId, h);
        this.heldBySequence.set(h.sequence, deliveryId);
      }
      throw new QueueUnavailableError(`${operation} of delivery ${deliveryId}`, this.s.servers, `did not confirm it (${(cause as Error).message})`, { cause });
    }
  }

  private forget(deliveryId: string, h: Held): void {
    this.held.delete(deliveryId);
    if (this.heldBySequence.get(h.sequence) === deliveryId) this.heldBySequence.delete(h.sequence);
  }

  /**
   * Every third of an ack wait: `+WPI` for every held delivery, then a flush whose answer proves
   * nats-server heard them. With no answer for half an ack wait (a dropped or silently stalled
   * connection), JetStream may already be handing the held events to other workers: forget them, so
   * that no late ack from here removes an event another worker is running (nats-server would accept
   * it) and nothing more starts for them here. Their executions running here finish and are recorded.
   */
  private sendKeepAlives(): void {
    const silentMs = Date.now() - this.lastContact;
    if (this.held.size > 0 && silentMs * 2 >= this.s.ackWaitMs) {
      const count = this.held.size;
      this.held.clear();
      this.heldBySequence.clear();
      logMessage(this.s.logger, QUEUE_MESSAGES.QUEUE_NATS_DELIVERIES_EXPIRED, { count, silentMs, ackWaitMs: this.s.ackWaitMs });
    }
    if (!this.connected || this.nc.isClosed()) return;
    for (const h of this.held.values()) this.nc.publish(h.reply, '+WPI');
    this.nc.flush().then(() => { this.lastContact = Date.now(); }, () => undefined);
  }

  private async watchConnection(): Promise<void> {
    for await (const status of this.nc.status()) {
      if (status.type === Events.Disconnect) {
        this.connected = false;
        logMessage(this.s.logger, QUEUE_MESSAGES.QUEUE_NATS_DISCONNECTED, { servers: this.s.servers });
      } else if (status.type === Events.Reconnect) {
        this.connected = true;
        logMessage(this.s.logger, QUEUE_MESSAGES.QUEUE_NATS_RECONNECTED, { server: String(status.data) });
        this.sendKeepAlives(); // at once: the last ones may be most of an ack wait ago
        for (const wake of this.connectionWaiters) wake();
      }
    }
  }

  /** Resolves once connected, or at the deadline. */
  private connection(deadline: number): Promise<void> {
    if (this.connected || this.nc.isClosed()) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = (): void => { clearTimeout(timer); this.connectionWaiters.delete(wake); resolve(); };
      const timer = setTimeout(wake, Math.max(0, deadline - Date.now()));
      this.connectionWaiters.add(wake);
    });
  }

  private async api<T>(operation: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (cause) {
      throw new QueueUnavailableError(operation, this.s.servers, `did not answer for stream ${this.s.stream} (${(cause as Error).message})`, { cause });
    }
  }

  private where(): string {
    return `stream ${this.s.stream} on ${this.s.servers}`;
  }

  private checkOpen(): void {
    if (!this.open) throw new QueueClosedError(`queue on ${this.where()}`);
  }
}

