/**
 * Order per hook and resource across workers that share one queue. A worker
 * runs an event only when no earlier unacknowledged event of the same resource
 * that triggers one of the same hooks is out of its hands; otherwise the event
 * goes back to the queue with a delay. Within a worker, the execution pool
 * runs one (hook, resource) at a time in submission order, so the events a
 * worker holds together wait for each other there.
 *
 * The queue answers which earlier events are pending (`Queue.pendingBefore`),
 * so only the oldest unfinished event of a (hook, resource) can run, whatever
 * was claimed where; and since the answer is the queue's own content, a
 * crashed worker leaves nothing to clean up. docs/scale-out.md explains the
 * choice against partitioned consumers and PostgreSQL locks.
 */
import type { Logger } from 'pino';
import { logMessage } from '../core/messages.js';
import type { AcceptedEvent } from '../events/event.js';
import { eventResource } from '../events/resource.js';
import type { Delivery, Queue } from '../queue/queue.js';
import type { Hook } from './hook.js';
import { HEM_MESSAGES } from './messages.js';

/** Earlier unacknowledged events of a resource looked at (beyond this worker's own) before running an event. */
const LOOKBACK = 16;
/** A deferred event comes back after 25 ms, doubling with each delivery, at most 1 s. */
const DEFER_BASE_MS = 25;
const DEFER_MAX_MS = 1000;

/** The pool key: a hook and the resource its event concerns (an event without one is a resource of its own). */
export function orderKey(hookId: number, event: AcceptedEvent): string {
  return `${hookId}|${eventResource(event) ?? `event/${event.id}`}`;
}

/** An event this worker holds: the hooks it runs, and whether one of their records failed (it will be handed back). */
export interface HeldEvent { id: string; resource: string | null; hooks: readonly Hook[]; failed: boolean }

export class ResourceOrder {
  /** Events dispatched here and not yet acked or nacked, by id. */
  private readonly held = new Map<string, HeldEvent>();
  private deferredCount = 0;
  private due = Number.POSITIVE_INFINITY;

  constructor(
    private readonly queue: Queue,
    /** The hooks an event triggers now (to tell which earlier events share a hook with this one). */
    private readonly match: (event: AcceptedEvent) => readonly Hook[],
    private readonly logger: Logger,
  ) {}

  /** Events handed back so far. */
  get deferred(): number {
    return this.deferredCount;
  }

  /** Milliseconds until the earliest event handed back is claimable again (Infinity when none is). */
  untilDue(now = Date.now()): number {
    if (this.due <= now) this.due = Number.POSITIVE_INFINITY;
    return this.due - now;
  }

  /**
   * The id of an earlier unacknowledged event of the resource that must run first (it triggers one of
   * `hooks` and this worker does not hold it in good standing), or null when `event` may run now.
   */
  async mustWaitFor(event: AcceptedEvent, hooks: readonly Hook[], skipMark: string): Promise<string | null> {
    const resource = eventResource(event);
    if (hooks.length === 0 || resource === null) return null;
    const lookback = this.held.size + LOOKBACK;
    let earlier: AcceptedEvent[];
    try {
      earlier = await this.queue.pendingBefore(event, lookback);
    } catch (error) {
      logMessage(this.logger, HEM_MESSAGES.HEM_ORDER_CHECK_FAILED, { event: event.id, resource, error });
      return 'unknown';
    }
    for (const other of earlier) {
      const local = this.held.get(other.id);
      if (local !== undefined && !local.failed) continue; // submitted here first: the pool keeps the order
      if (other.document[skipMark] === true) continue;
      if (this.match(other).some((h) => hooks.some((x) => x.id === h.id))) return other.id;
    }
    // More earlier events than were looked at: wait for the oldest ones to finish rather than guess.
    return earlier.length === lookback ? earlier[earlier.length - 1]!.id : null;
  }

  /** Notes an event this worker is about to run. */
  hold(event: AcceptedEvent, hooks: readonly Hook[]): HeldEvent {
    const mine: HeldEvent = { id: event.id, resource: eventResource(event), hooks, failed: false };
    this.held.set(event.id, mine);
    return mine;
  }

  /** The event was acked or handed back. */
  release(mine: HeldEvent): void {
    if (this.held.get(mine.id) === mine) this.held.delete(mine.id);
  }

  /**
   * When `hook`'s execution for `mine` gets its turn in the pool: the id of an earlier event of the
   * resource held here whose execution of that hook failed to be recorded (it is going back to the
   * queue and must run again first), or null.
   */
  failedBefore(mine: HeldEvent, hook: Hook): string | null {
    if (mine.resource === null) return null;
    for (const other of this.held.values()) {
      if (other.failed && other.resource === mine.resource && Number(other.id) < Number(mine.id) && other.hooks.some((h) => h.id === hook.id)) {
        return other.id;
      }
    }
    return null;
  }

  /** Hands a delivery back to be claimed again after a delay that grows with its deliveries. */
  async handBack(d: Delivery, waitingFor: string): Promise<void> {
    const delayMs = Math.min(DEFER_MAX_MS, DEFER_BASE_MS * 2 ** Math.min(d.attempt - 1, 6));
    this.deferredCount++;
    this.due = Math.min(this.due, Date.now() + delayMs);
    logMessage(this.logger, HEM_MESSAGES.HEM_EVENT_DEFERRED, { event: d.event.id, waitingFor, resource: eventResource(d.event), delayMs });
    // A nack that fails leaves the delivery to come back after the queue's ack wait: later, not lost.
    await this.queue.nack(d.deliveryId, delayMs).catch((error: unknown) =>
      logMessage(this.logger, HEM_MESSAGES.HEM_QUEUE_CLAIM_FAILED, { error }));
  }
}
