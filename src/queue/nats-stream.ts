/**
 * JetStream plumbing for `NatsQueue`: creating or checking the stream and the
 * shared consumer, pulling from it, reading a message body back into an event,
 * and telling retryable failures from final ones.
 */
import {
  AckPolicy, DeliverPolicy, DiscardPolicy, ReplayPolicy, RetentionPolicy, StorageType, createInbox, nanos,
  type JetStreamManager, type Msg, type NatsConnection,
} from 'nats';
import type { Logger } from 'pino';
import type { AcceptedEvent, EventKind } from '../events/event.js';
import { logMessage } from '../core/messages.js';
import { QueueStreamMismatchError, QueueUnavailableError } from './errors.js';
import { QUEUE_MESSAGES } from './messages.js';
import { allEventsFilter } from './nats-subjects.js';
import { EVENT_KINDS } from './queued-event.js';

export interface Settings { servers: string; stream: string; durable: string; prefix: string; ackWaitMs: number; maxAckPending: number; timeoutMs: number; logger: Logger }

const NAME = /^[A-Za-z0-9_-]+$/;

/** Work-queue retention: a message leaves the stream when acknowledged, which is exactly "leaves the queue". */
export async function ensureStream(jsm: JetStreamManager, s: Settings): Promise<void> {
  const filter = allEventsFilter(s.prefix);
  let info = await jsm.streams.info(s.stream).catch(notFound);
  if (info === null) {
    try {
      info = await jsm.streams.add({
        name: s.stream, subjects: [filter], retention: RetentionPolicy.Workqueue, storage: StorageType.File,
        // Refuse new events rather than drop accepted ones when a limit is set and reached.
        discard: DiscardPolicy.New, duplicate_window: nanos(120_000),
      });
      logMessage(s.logger, QUEUE_MESSAGES.QUEUE_NATS_STREAM_CREATED, { stream: s.stream, subjects: filter });
    } catch {
      info = await jsm.streams.info(s.stream); // another daemon created it first
    }
  }
  if (info.config.retention !== RetentionPolicy.Workqueue) {
    throw new QueueStreamMismatchError(s.stream, `has ${info.config.retention} retention`, 'workqueue retention (events leave the stream when acknowledged)');
  }
  if (!info.config.subjects?.includes(filter)) {
    throw new QueueStreamMismatchError(s.stream, `has subjects ${JSON.stringify(info.config.subjects ?? [])}`, `them to include ${filter}`);
  }
}

/** Creates the shared durable consumer, or updates its ack wait and max_ack_pending; JetStream makes this idempotent. */
export async function ensureConsumer(jsm: JetStreamManager, s: Settings): Promise<void> {
  const filter = allEventsFilter(s.prefix);
  try {
    await jsm.consumers.add(s.stream, {
      durable_name: s.durable, ack_policy: AckPolicy.Explicit, ack_wait: nanos(s.ackWaitMs), max_ack_pending: s.maxAckPending, max_deliver: -1,
      deliver_policy: DeliverPolicy.All, replay_policy: ReplayPolicy.Instant, filter_subject: filter,
    });
  } catch (cause) {
    throw new QueueStreamMismatchError(s.stream, `refused the consumer ${s.durable} (${(cause as Error).message})`,
      `a pull consumer with explicit ack on ${filter}, ack wait ${s.ackWaitMs} ms and max_ack_pending ${s.maxAckPending} (an account limit may refuse the latter)`);
  }
}

export function notFound(err: unknown): null {
  const code = (err as { api_error?: { err_code?: number } }).api_error?.err_code;
  if (code === 10059) return null; // stream not found
  throw err;
}

export function noMessage(err: unknown): null {
  if ((err as { api_error?: { err_code?: number } }).api_error?.err_code === 10037) return null; // no message found
  throw err;
}

/** Lost or unanswered requests and JetStream not (yet) listening; refusals by the JetStream API (limits, …) are final. */
export function retryable(err: unknown): boolean {
  const { code, api_error } = err as { code?: string; api_error?: unknown };
  if (api_error !== undefined) return false;
  return code === 'TIMEOUT' || code === '503' || code === 'DISCONNECT' || code === 'CONNECTION_REFUSED';
}

/** Delivery count and stream sequence from a JetStream ack subject (both the 9- and the 12-token forms). */
export function ackInfo(reply: string): { deliveryCount: number; sequence: number } | null {
  const t = reply.split('.');
  if (t[0] !== '$JS' || t[1] !== 'ACK') return null;
  const at = t.length === 9 ? 4 : t.length >= 11 ? 6 : -1;
  if (at < 0) return null;
  return { deliveryCount: Number(t[at]), sequence: Number(t[at + 1]) };
}

export function checkName(what: string, name: string): string {
  if (typeof name !== 'string' || !NAME.test(name)) throw new RangeError(`${what} ${JSON.stringify(name)} must be a JetStream name of A-Z a-z 0-9 _ -`);
  return name;
}

export function checkMs(what: string, ms: number): number {
  if (!Number.isInteger(ms) || ms < 100) throw new RangeError(`${what} must be a whole number of milliseconds, at least 100, got ${ms}`);
  return ms;
}

/** The event a message body holds (`{key, kind, acceptedAt, document}`), with its stream sequence as id; throws when it holds none. */
export function decodeEvent(data: Uint8Array, sequence: number): AcceptedEvent {
  const body = JSON.parse(Buffer.from(data).toString('utf8')) as Record<string, unknown>;
  const { key, kind, document, acceptedAt } = body;
  if (typeof key !== 'string' || typeof kind !== 'string' || !EVENT_KINDS.has(kind) || typeof acceptedAt !== 'number'
    || typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw new Error('expected {key, kind, acceptedAt, document}');
  }
  return { id: String(sequence), key, kind: kind as EventKind, document: document as Record<string, unknown>, acceptedAt };
}

/** One no-wait pull request on the shared consumer: whatever is available now, up to `max`. */
export function pullNow(nc: NatsConnection, s: Settings, max: number): Promise<Msg[]> {
  return new Promise((resolve, reject) => {
    const msgs: Msg[] = [];
    const inbox = createInbox();
    let done = false;
    const finish = (error?: Error): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sub.unsubscribe();
      if (error !== undefined && msgs.length === 0) reject(error);
      else resolve(msgs);
    };
    const sub = nc.subscribe(inbox, {
      callback: (err, msg) => {
        if (err !== null) return finish(new QueueUnavailableError('claim', s.servers, `ended the pull (${err.message})`, { cause: err }));
        const status = msg.headers?.code ?? 0;
        if (status === 100) return; // heartbeat
        if (status === 503) return finish(new QueueUnavailableError('claim', s.servers, `has no consumer ${s.durable} on stream ${s.stream}`));
        if (status !== 0) return finish(); // 404 no messages, 408 request done, 409 limits: this pull is over
        msgs.push(msg);
        if (msgs.length === max) finish();
      },
    });
    // Deliveries that arrive after this gives up go unacknowledged and are redelivered after the ack wait.
    const timer = setTimeout(() => finish(new QueueUnavailableError('claim', s.servers, `did not answer within ${s.timeoutMs} ms`)), s.timeoutMs);
    nc.publish(`$JS.API.CONSUMER.MSG.NEXT.${s.stream}.${s.durable}`, JSON.stringify({ batch: max, no_wait: true }), { reply: inbox });
  });
}

export function checkCount(what: string, n: number, least: number): number {
  if (!Number.isInteger(n) || n < least) throw new RangeError(`${what} must be a whole number, at least ${least}, got ${n}`);
  return n;
}
