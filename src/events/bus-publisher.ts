/**
 * The event bus: a ZeroMQ PUB socket that publishes every event as
 * OpenNebula's one_hm does (see bus-framing.ts), so existing subscribers work
 * unchanged.
 *
 * Guarantee: `publish` never waits on a subscriber. By default the socket is
 * in no-drop mode with a zero send timeout: when a subscriber's queue is at
 * the high-water mark the message is refused at once and counted in
 * `stats.dropped`, for every subscriber of that message. With `lossy: true`
 * it behaves exactly like one_hm (ZeroMQ drops silently per subscriber, and
 * drops cannot be counted).
 */
import { Publisher } from 'zeromq';
import type { Logger } from '../core/logger.js';
import { silentLogger } from '../core/logger.js';
import { logMessage } from '../core/messages.js';
import { encodeBusMessages } from './bus-framing.js';
import { BusSocketError } from './errors.js';
import type { HooklineEvent } from './event.js';
import { EVENTS_MESSAGES as M } from './messages.js';

export const DEFAULT_BUS_BIND = 'tcp://127.0.0.1:2101';
/** ZeroMQ's own default send high-water mark. */
export const DEFAULT_BUS_HWM = 1000;

export interface BusPublisherOptions {
  /** ZeroMQ endpoint to bind; `tcp://127.0.0.1:0` picks a free port (see `endpoint`). */
  bind?: string;
  /** Send high-water mark, in messages per subscriber. */
  hwm?: number;
  /** one_hm's behaviour: silent per-subscriber drops, uncounted. */
  lossy?: boolean;
  /** Milliseconds to keep flushing queued messages at close. */
  linger?: number;
  logger?: Logger;
}

export interface BusStats {
  /** Bus messages (one per key) handed to ZeroMQ. */
  published: number;
  /** Bus messages refused because a subscriber's queue was full. */
  dropped: number;
}

export class BusPublisher {
  private readonly socket: Publisher;
  private readonly logger: Logger;
  private readonly hwm: number;
  private readonly counts: BusStats = { published: 0, dropped: 0 };
  private droppedSinceWarn = 0;
  private dropping = false;
  private closed = false;

  private constructor(socket: Publisher, hwm: number, logger: Logger, readonly endpoint: string) {
    this.socket = socket;
    this.hwm = hwm;
    this.logger = logger;
  }

  /** Binds the socket. Throws BusSocketError when the address cannot be bound. */
  static async open(options: BusPublisherOptions = {}): Promise<BusPublisher> {
    const address = options.bind ?? DEFAULT_BUS_BIND;
    const hwm = options.hwm ?? DEFAULT_BUS_HWM;
    const lossy = options.lossy ?? false;
    const socket = new Publisher({ sendHighWaterMark: hwm, noDrop: !lossy, sendTimeout: 0, linger: options.linger ?? 0 });
    try {
      await socket.bind(address);
    } catch (cause) {
      socket.close();
      throw new BusSocketError(address, 'bind', { cause });
    }
    const logger = options.logger ?? silentLogger();
    const pub = new BusPublisher(socket, hwm, logger, socket.lastEndpoint ?? address);
    logMessage(logger, M.EVENTS_BUS_BOUND, { endpoint: pub.endpoint, hwm, mode: lossy ? 'lossy like one_hm' : 'drops counted' });
    return pub;
  }

  get stats(): Readonly<BusStats> {
    return { ...this.counts };
  }

  /**
   * Publishes the event under each of its bus keys. Resolves true when every
   * message was queued, false when one was dropped or the bus is closed;
   * never rejects, so callers need not await it.
   */
  publish(event: HooklineEvent): Promise<boolean> {
    if (this.closed) return Promise.resolve(false);
    let messages;
    try {
      messages = encodeBusMessages(event);
    } catch (err) {
      logMessage(this.logger, M.EVENTS_BUS_PUBLISH_FAILED, { key: event.key, reason: (err as Error).message });
      return Promise.resolve(false);
    }
    // All sends are issued before any await, so the key forms of one event
    // stay adjacent on the wire (the bus source folds them by adjacency).
    // With sendTimeout 0 each settles at once: queued, or EAGAIN at the high-water mark.
    const sends = messages.map((message) => this.socket.send(message).then(
      () => this.sent(),
      (err: unknown) => this.refused(message[0], err),
    ));
    return Promise.all(sends).then((results) => results.every(Boolean));
  }

  private sent(): true {
    this.counts.published++;
    if (this.dropping) this.recovered();
    return true;
  }

  private refused(key: string, err: unknown): false {
    if (this.closed) return false;
    if ((err as { code?: string }).code === 'EAGAIN') this.dropped();
    else logMessage(this.logger, M.EVENTS_BUS_PUBLISH_FAILED, { key, reason: (err as Error).message });
    return false;
  }

  private dropped(): void {
    this.counts.dropped++;
    this.droppedSinceWarn++;
    if (!this.dropping) {
      this.dropping = true;
      logMessage(this.logger, M.EVENTS_BUS_DROPPING, { hwm: this.hwm, endpoint: this.endpoint });
    }
  }

  private recovered(): void {
    logMessage(this.logger, M.EVENTS_BUS_RECOVERED, { endpoint: this.endpoint, dropped: this.droppedSinceWarn });
    this.dropping = false;
    this.droppedSinceWarn = 0;
  }

  /** Closes the socket; later publishes resolve false. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.close();
    logMessage(this.logger, M.EVENTS_BUS_CLOSED, { endpoint: this.endpoint, ...this.counts });
  }
}
