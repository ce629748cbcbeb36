/**
 * An event source that subscribes to an external ZeroMQ PUB bus speaking
 * OpenNebula's framing (one_hm, or another Hookline daemon) and hands every
 * event to a callback.
 *
 * Guarantees: events reach the callback one at a time, in bus order (the next
 * message is read only once the callback's promise settles); the key forms of
 * one state change become one event (see bus-twins.ts); a malformed message
 * or a failing callback is logged and skipped, never fatal.
 */
import { Subscriber } from 'zeromq';
import type { Logger } from '../core/logger.js';
import { silentLogger } from '../core/logger.js';
import { logMessage } from '../core/messages.js';
import { decodeBusMessage } from './bus-framing.js';
import { TwinFilter } from './bus-twins.js';
import { BusSocketError, EventsError } from './errors.js';
import type { HooklineEvent } from './event.js';
import { EVENTS_MESSAGES as M } from './messages.js';

export interface BusSourceOptions {
  /** Endpoint of the publisher, e.g. `tcp://opennebula:2101`. */
  connect: string;
  /** Key prefixes; default `['EVENT']` (every event, no RETRY). An empty list is refused. */
  subscriptions?: readonly string[];
  onEvent: (event: HooklineEvent) => void | Promise<void>;
  logger?: Logger;
}

export interface BusSourceStats {
  /** Events handed to the callback. */
  accepted: number;
  /** Messages folded into the event before them (other key forms of one change). */
  duplicates: number;
  /** Messages skipped as malformed. */
  malformed: number;
  /** Events whose callback threw or rejected. */
  failed: number;
}

export class BusSource {
  private readonly counts: BusSourceStats = { accepted: 0, duplicates: 0, malformed: 0, failed: 0 };
  private readonly twins = new TwinFilter();
  private readonly done: Promise<void>;
  private closed = false;

  private constructor(
    private readonly socket: Subscriber,
    private readonly options: BusSourceOptions,
    private readonly logger: Logger,
  ) {
    this.done = this.run();
  }

  /** Connects and starts receiving. ZeroMQ connects lazily, so a publisher that is not up yet is not an error. */
  static open(options: BusSourceOptions): BusSource {
    const socket = new Subscriber();
    const subscriptions = options.subscriptions ?? ['EVENT'];
    // zeromq.js reads an empty prefix list as "everything"; make that explicit instead.
    if (subscriptions.length === 0) {
      throw new EventsError('EVENTS_SOURCE_NO_SUBSCRIPTIONS', `event source for ${options.connect} has no subscriptions: give at least one key prefix ("EVENT" for every event, "" for every message)`);
    }
    try {
      socket.connect(options.connect);
    } catch (cause) {
      socket.close();
      throw new BusSocketError(options.connect, 'connect', { cause });
    }
    socket.subscribe(...subscriptions);
    const logger = options.logger ?? silentLogger();
    logMessage(logger, M.EVENTS_SOURCE_CONNECTED, { address: options.connect, subscriptions: subscriptions.join(', ') });
    return new BusSource(socket, options, logger);
  }

  get stats(): Readonly<BusSourceStats> {
    return { ...this.counts };
  }

  private async run(): Promise<void> {
    try {
      for await (const frames of this.socket) {
        await this.receive(frames);
      }
    } catch (err) {
      // Closing the socket while a receive is pending ends the loop; anything else stops the source.
      if (!this.closed) logMessage(this.logger, M.EVENTS_SOURCE_STOPPED, { address: this.options.connect, reason: (err as Error).message });
    }
  }

  private async receive(frames: Buffer[]): Promise<void> {
    let decoded;
    try {
      decoded = decodeBusMessage(frames);
    } catch (err) {
      this.counts.malformed++;
      this.twins.reset();
      const key = frames.length > 0 ? JSON.stringify(frames[0]!.toString('utf8').slice(0, 200)) : '(none)';
      logMessage(this.logger, M.EVENTS_SOURCE_MALFORMED, { address: this.options.connect, key, reason: (err as Error).message });
      return;
    }
    if (this.twins.isTwin(decoded.form, decoded.identity, frames[1]!)) {
      this.counts.duplicates++;
      return;
    }
    try {
      await this.options.onEvent(decoded.event);
      this.counts.accepted++;
    } catch (err) {
      this.counts.failed++;
      logMessage(this.logger, M.EVENTS_SOURCE_HANDLER_FAILED, { key: decoded.event.key, reason: (err as Error).message });
    }
  }

  /** Stops receiving and waits for the event in hand to be delivered. Idempotent. */
  async close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      this.socket.close();
      logMessage(this.logger, M.EVENTS_SOURCE_CLOSED, { address: this.options.connect, ...this.counts });
    }
    await this.done;
  }
}
