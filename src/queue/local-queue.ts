/**
 * The default `Queue`: accepted events in the `events` table of the SQLite
 * database the store uses. Guarantees: `enqueue` resolves only after the
 * transaction holding the event has committed (with `synchronous=FULL`, after
 * the fsync); enqueues made within one event-loop turn share one transaction
 * (group commit), so the fsync is paid once per batch; acknowledgements join
 * the same batches. Deliveries held when a previous process died are returned
 * on open and come back `redelivered`.
 */
import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
import type { AcceptedEvent, EventKind, HooklineEvent } from '../events/event.js';
import { logMessage } from '../core/messages.js';
import { SqliteDatabase, type SqliteDatabaseOptions } from '../store/sqlite-database.js';
import type { Delivery, Queue } from './queue.js';
import { InvalidDeliveryError, QueueClosedError, QueueError, QueueWriteError } from './errors.js';
import { QUEUE_MESSAGES } from './messages.js';
import { serializeQueuedEvent } from './queued-event.js';
import { eventResource } from '../events/resource.js';

export interface LocalQueueOptions {
  /** Return deliveries held by a previous process to the queue on open. Default true: one daemon per database file. */
  recover?: boolean;
  now?: () => number;
}

/** Counters for observing group commit. */
export interface LocalQueueStats {
  /** Group commits (transactions of enqueues, acks and nacks). */
  commits: number;
  /** Events stored. */
  events: number;
}

/** One write waiting for the next group commit. */
interface BatchedWrite {
  /** Runs inside the shared transaction. */
  apply: () => unknown;
  /** Events this write stores, for the stats. */
  events: number;
  resolve: (result: unknown) => void;
  fail: (cause: unknown) => void;
}

interface EventRow { id: number; key: string; kind: string; document: string; accepted_at: number; attempts: number }


export class LocalQueue implements Queue {
  private readonly db: Database.Database;
  private readonly logger: Logger;
  private readonly now: () => number;
  private batch: BatchedWrite[] = [];
  private flushScheduled = false;
  private open = true;
  private readonly counters: LocalQueueStats = { commits: 0, events: 0 };

  constructor(private readonly database: SqliteDatabase, options: LocalQueueOptions = {}) {
    database.retain();
    this.db = database.connection;
    this.logger = database.logger;
    this.now = options.now ?? Date.now;
    if (options.recover ?? true) {
      const { changes } = this.database.statement('UPDATE events SET claimed_by = NULL, claimed_at = NULL WHERE claimed_by IS NOT NULL').run();
      if (changes > 0) logMessage(this.logger, QUEUE_MESSAGES.QUEUE_RECOVERED, { count: changes });
    }
  }

  /** Opens a database file of its own. */
  static open(options: SqliteDatabaseOptions & LocalQueueOptions): LocalQueue {
    const database = SqliteDatabase.open(options);
    try {
      return new LocalQueue(database, options);
    } finally {
      database.release();
    }
  }

  get stats(): LocalQueueStats {
    return { ...this.counters };
  }

  enqueue(event: HooklineEvent): Promise<AcceptedEvent> {
    return this.write([event]).then((accepted) => accepted[0]!);
  }

  enqueueMany(events: readonly HooklineEvent[]): Promise<AcceptedEvent[]> {
    if (events.length === 0) return Promise.resolve([]);
    return this.write(events);
  }

  async claim(workerId: string, max: number): Promise<Delivery[]> {
    this.checkOpen();
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`claim: max must be a positive integer, got ${max}`);
    const now = this.now();
    return this.db.transaction(() => {
      const rows = this.database.statement(
        'SELECT id, key, kind, document, accepted_at, attempts FROM events WHERE claimed_by IS NULL AND available_at <= ? ORDER BY id LIMIT ?',
      ).all(now, max) as EventRow[];
      const mark = this.database.statement('UPDATE events SET claimed_by = ?, claimed_at = ?, attempts = attempts + 1 WHERE id = ?');
      return rows.map((row): Delivery => {
        mark.run(workerId, now, row.id);
        const attempt = row.attempts + 1;
        return {
          deliveryId: `${row.id}.${attempt}`,
          attempt,
          redelivered: row.attempts > 0,
          event: acceptedEvent(row),
        };
      });
    }).immediate();
  }

  /** Acknowledgements join the group commit too: one fsync for all the acks of a turn. */
  ack(deliveryId: string): Promise<boolean> {
    return this.settleDelivery(deliveryId, 'ack', 'DELETE FROM events WHERE id = ? AND attempts = ? AND claimed_by IS NOT NULL');
  }

  nack(deliveryId: string, delayMs = 0): Promise<boolean> {
    if (!Number.isInteger(delayMs) || delayMs < 0) return Promise.reject(new RangeError(`nack: delayMs must be a whole number of milliseconds, got ${delayMs}`));
    return this.settleDelivery(deliveryId, 'nack',
      'UPDATE events SET claimed_by = NULL, claimed_at = NULL, available_at = ? WHERE id = ? AND attempts = ? AND claimed_by IS NOT NULL',
      [this.now() + delayMs]);
  }

  /** Pages through the resource's index (no statement stays open between pages, so writes can go on). */
  async *pendingBefore(event: AcceptedEvent): AsyncIterable<AcceptedEvent> {
    this.checkOpen();
    const resource = eventResource(event);
    if (resource === null) return;
    const page = this.database.statement(
      'SELECT id, key, kind, document, accepted_at, attempts FROM events WHERE resource = ? AND id > ? AND id < ? ORDER BY id LIMIT 32',
    );
    for (let after = 0; ;) {
      this.checkOpen(); // closed mid-walk: an error, not "nothing earlier"
      const rows = page.all(resource, after, Number(event.id)) as EventRow[];
      for (const row of rows) yield acceptedEvent(row);
      if (rows.length < 32) return;
      after = rows[rows.length - 1]!.id;
    }
  }

  holds(deliveryId: string): boolean {
    if (!this.open) return false;
    const [id, attempt] = parseDeliveryId(deliveryId);
    return this.database.statement('SELECT 1 FROM events WHERE id = ? AND attempts = ? AND claimed_by IS NOT NULL').get(id, attempt) !== undefined;
  }

  async releaseWorker(workerId: string): Promise<number> {
    this.checkOpen();
    const { changes } = this.database.statement('UPDATE events SET claimed_by = NULL, claimed_at = NULL WHERE claimed_by = ?').run(workerId);
    if (changes > 0) logMessage(this.logger, QUEUE_MESSAGES.QUEUE_WORKER_RELEASED, { workerId, count: changes });
    return changes;
  }

  async depth(): Promise<number> {
    this.checkOpen();
    return (this.database.statement('SELECT count(*) AS n FROM events').get() as { n: number }).n;
  }

  async oldestPendingAge(): Promise<number | null> {
    this.checkOpen();
    const { oldest } = this.database.statement('SELECT min(accepted_at) AS oldest FROM events').get() as { oldest: number | null };
    return oldest === null ? null : Math.max(0, this.now() - oldest);
  }

  async close(): Promise<void> {
    if (!this.open) return;
    this.flush();
    this.open = false;
    this.database.release();
  }

  private write(events: readonly HooklineEvent[]): Promise<AcceptedEvent[]> {
    if (!this.open) return Promise.reject(new QueueClosedError(`queue on ${this.database.path}`));
    const acceptedAt = this.now();
    let rows: Array<{ event: HooklineEvent; json: string }>;
    try {
      rows = events.map((event) => ({ event, json: serializeQueuedEvent(event) }));
    } catch (err) {
      return Promise.reject(err);
    }
    const insert = this.database.statement('INSERT INTO events (key, kind, document, accepted_at, resource) VALUES (?, ?, ?, ?, ?)');
    return this.batched<AcceptedEvent[]>(rows.length, () => rows.map(({ event, json }): AcceptedEvent => {
      const { lastInsertRowid } = insert.run(event.key, event.kind, json, acceptedAt, eventResource(event));
      return { key: event.key, kind: event.kind, document: event.document, id: String(lastInsertRowid), acceptedAt };
    }), (cause) => {
      logMessage(this.logger, QUEUE_MESSAGES.QUEUE_WRITE_FAILED, { count: rows.length, error: cause as Error });
      return new QueueWriteError(rows.length, this.database.path, { cause });
    });
  }

  /** `sql` takes `params`, then the event id and the attempt. */
  private settleDelivery(deliveryId: string, operation: 'ack' | 'nack', sql: string, params: unknown[] = []): Promise<boolean> {
    if (!this.open) return Promise.reject(new QueueClosedError(`queue on ${this.database.path}`));
    let id: number, attempt: number;
    try {
      [id, attempt] = parseDeliveryId(deliveryId);
    } catch (err) {
      return Promise.reject(err);
    }
    return this.batched<boolean>(0, () => {
      const held = this.database.statement(sql).run(...params, id, attempt).changes > 0;
      if (!held) logMessage(this.logger, QUEUE_MESSAGES.QUEUE_STALE_ACK, { deliveryId, operation });
      return held;
    }, (cause) => new QueueError('QUEUE_WRITE_FAILED', `${operation} of delivery ${deliveryId} could not be stored in ${this.database.path}`, { cause }));
  }

  /** Queues `apply` for the next group commit; the promise settles once that transaction has committed (or failed). */
  private batched<T>(events: number, apply: () => T, failure: (cause: unknown) => Error): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.batch.push({ apply, events, resolve: resolve as (v: unknown) => void, fail: (cause) => reject(failure(cause)) });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        // setImmediate, not a microtask: every write of this event-loop turn (all I/O callbacks of one poll) joins the batch.
        setImmediate(() => this.flush());
      }
    });
  }

  /** One transaction for the whole batch: one commit, one fsync. */
  private flush(): void {
    this.flushScheduled = false;
    const batch = this.batch;
    if (batch.length === 0) return;
    this.batch = [];
    let results: unknown[];
    try {
      results = this.db.transaction(() => batch.map((w) => w.apply())).immediate();
    } catch (err) {
      for (const w of batch) w.fail(err);
      return;
    }
    this.counters.commits += 1;
    for (let i = 0; i < batch.length; i++) {
      this.counters.events += batch[i]!.events;
      batch[i]!.resolve(results[i]);
    }
  }

  private checkOpen(): void {
    if (!this.open) throw new QueueClosedError(`queue on ${this.database.path}`);
  }
}

function acceptedEvent(row: EventRow): AcceptedEvent {
  return { id: String(row.id), key: row.key, kind: row.kind as EventKind, document: JSON.parse(row.document) as Record<string, unknown>, acceptedAt: row.accepted_at };
}

function parseDeliveryId(deliveryId: string): [number, number] {
  const m = /^(\d+)\.(\d+)$/.exec(deliveryId);
  if (!m) throw new InvalidDeliveryError(deliveryId);
  return [Number(m[1]), Number(m[2])];
}
