/**
 * The `Queue` of accepted events. An event is accepted only once it is
 * durable; consumers claim deliveries and acknowledge them after the
 * executions they caused are recorded, so delivery is at least once. The local
 * queue (SQLite) and the JetStream queue both pass `test/queue/queue-contract.ts`.
 */
import type { AcceptedEvent, HooklineEvent } from '../events/event.js';

/** One event handed to one worker. */
export interface Delivery {
  /** Opaque; pass it back to `ack` or `nack`. */
  deliveryId: string;
  event: AcceptedEvent;
  /** 1 for the first delivery, 2 for the first redelivery, … */
  attempt: number;
  /**
   * True when the event was delivered before and not acknowledged (the worker
   * died, the daemon crashed, or it was nacked): executions it finds RUNNING
   * were interrupted.
   */
  redelivered: boolean;
}

export interface Queue {
  /** Resolves once the event is durable (committed), never before. */
  enqueue(event: HooklineEvent): Promise<AcceptedEvent>;
  /** All or nothing, in order. */
  enqueueMany(events: readonly HooklineEvent[]): Promise<AcceptedEvent[]>;
  /**
   * Up to `max` deliveries for `workerId`, oldest events first. An event is
   * held by one worker at a time until acked, nacked or released.
   */
  claim(workerId: string, max: number): Promise<Delivery[]>;
  /** Done with the event: it leaves the queue. False when the delivery is no longer held (it was released or acked). */
  ack(deliveryId: string): Promise<boolean>;
  /**
   * Give the event back for redelivery, at once or after `delayMs` (no worker can claim it before).
   * False when the delivery is no longer held.
   */
  nack(deliveryId: string, delayMs?: number): Promise<boolean>;
  /**
   * Events of `event`'s resource (`eventResource`) accepted before it and not yet acknowledged,
   * whether held by a worker or waiting, oldest first; none for an event without a resource. Read
   * lazily: a caller that stops early pays only for what it read (on NATS, one request per event).
   * Whatever process asks, the answer comes from the queue itself, which is how workers that share
   * a queue keep executions per hook and resource in order (src/hem/resource-order.ts).
   */
  pendingBefore(event: AcceptedEvent): AsyncIterable<AcceptedEvent>;
  /**
   * Whether this process still holds the delivery: false once it was acked, nacked or released, and
   * on NATS once an outage may have let JetStream hand it to another worker. A worker does not start
   * executions for a delivery it no longer holds.
   */
  holds(deliveryId: string): boolean;
  /** A worker died: every delivery it holds goes back to the queue, to be redelivered. Returns how many. */
  releaseWorker(workerId: string): Promise<number>;
  /** Events accepted and not yet acknowledged (held or waiting). */
  depth(): Promise<number>;
  /** Milliseconds since the oldest unacknowledged event was accepted; null when the queue is empty. */
  oldestPendingAge(): Promise<number | null>;
  /** Flushes enqueues already made, then closes. */
  close(): Promise<void>;
}
