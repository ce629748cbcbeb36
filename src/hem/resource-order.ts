/**
 * Order per hook and resource across workers that share one queue.
 *
 * A worker runs an event only when no earlier unacknowledged event of the same
 * resource that triggers one of the same hooks is out of its hands. It asks
 * the queue (`Queue.pendingBefore`), so only the oldest unfinished event of a
 * (hook, resource) can run, whatever was claimed where, and a crashed worker
 * leaves nothing to clean up: the answer is the queue's own content. Within a
 * worker, the execution pool runs one (hook, resource) at a time in
 * submission order, so the events a worker holds wait for each other there.
 *
 * An event that must wait is parked here: still held (the queue keeps it
 * alive), not running, and looked at again with a back-off, oldest of its
 * resource first, until its turn comes. Parking rather than handing events
 * back keeps a worker from claiming, refusing and reclaiming the same events
 * when one resource's events crowd the queue. At most `MAX_PARKED` wait here;
 * past that the newest go back to the queue and the worker claims one event
 * at a time, so an event everybody waits for still gets claimed.
 * docs/scale-out.md explains the choice against partitioned consumers and
 * PostgreSQL locks.
 */
import type { Logger } from 'pino';
import { logMessage } from '../core/messages.js';
import type { AcceptedEvent } from '../events/event.js';
import { eventResource } from '../events/resource.js';
import type { Delivery, Queue } from '../queue/queue.js';
import type { Hook } from './hook.js';
import { HEM_MESSAGES } from './messages.js';

/** Events parked at once in one worker. */
export const MAX_PARKED = 64;
/** Events this worker acked that it remembers as done. */
const RECENTLY_ACKED = 1024;
/** Earlier events of a resource read beyond this worker's own before deciding to wait. */
const LOOKBACK = 16;
/** A parked resource is looked at again after 5 ms, doubling while it must still wait, at most 250 ms. */
const RECHECK_MIN_MS = 5;
const RECHECK_MAX_MS = 250;
/** An event handed back to the queue (parking full, or a record failed) comes back after 25 ms, doubling per delivery, at most 1 s. */
const HAND_BACK_BASE_MS = 25;
const HAND_BACK_MAX_MS = 1000;

/** The pool key: a hook and the resource its event concerns (an event without one is a resource of its own). */
export function orderKey(hookId: number, event: AcceptedEvent): string {
  return `${hookId}|${eventResource(event) ?? `event/${event.id}`}`;
}

/** An event this worker runs: the hooks it runs, and whether one of their records failed (it will be handed back). */
export interface HeldEvent { id: string; resource: string | null; hooks: readonly Hook[]; failed: boolean }

interface Parked { d: Delivery; hooks: readonly Hook[] }
interface ParkedResource { events: Parked[]; due: number; backoff: number; checking: boolean }

export interface ResourceOrderOptions {
  queue: Queue;
  /** The hooks an event triggers now (to tell which earlier events share a hook with this one). */
  match: (event: AcceptedEvent) => readonly Hook[];
  /** Starts a parked event whose turn has come. */
  start: (d: Delivery, hooks: readonly Hook[]) => void;
  /** A document field marking an event whose hooks do not run. */
  skipMark: string;
  logger: Logger;
}

const shareHook = (a: readonly Hook[], b: readonly Hook[]): boolean => a.some((h) => b.some((x) => x.id === h.id));
const byId = (a: Parked, b: Parked): number => Number(a.d.event.id) - Number(b.d.event.id);

export class ResourceOrder {
  private readonly held = new Map<string, HeldEvent>();
  private readonly acked = new Set<string>();
  private readonly ackedOrder: string[] = [];
  private readonly parked = new Map<string, ParkedResource>();
  private parkedCount = 0;
  private deferredCount = 0;
  private timer: NodeJS.Timeout | null = null;
  private timerDue = Number.POSITIVE_INFINITY;
  private readonly checks = new Set<Promise<void>>();
  private closed = false;

  constructor(private readonly o: ResourceOrderOptions) {}

  /** Events that had to wait for an earlier one so far; events waiting now. */
  get counts(): { deferred: number; parked: number } {
    return { deferred: this.deferredCount, parked: this.parkedCount };
  }

  /** True when parking is full: claim one event at a time. */
  get full(): boolean {
    return this.parkedCount >= MAX_PARKED;
  }

  /**
   * Whether `d` may run now. False: it is parked (or, when parking is full, handed back) and will
   * be started through `start` when its turn comes.
   */
  async admit(d: Delivery, hooks: readonly Hook[]): Promise<boolean> {
    const resource = eventResource(d.event);
    if (hooks.length === 0 || resource === null) return true;
    const here = this.parked.get(resource);
    // An older event of the resource with a hook in common waits here already: this one waits behind it.
    if (here === undefined || !here.events.some((p) => Number(p.d.event.id) < Number(d.event.id) && shareHook(p.hooks, hooks))) {
      const waitingFor = await this.mustWaitFor(d.event, resource, hooks);
      if (waitingFor === null) return true;
      logMessage(this.o.logger, HEM_MESSAGES.HEM_EVENT_DEFERRED, { event: d.event.id, waitingFor, resource });
    }
    this.deferredCount++;
    await this.park(d, hooks, resource);
    return false;
  }

  /** Notes an event this worker runs from now on. */
  hold(event: AcceptedEvent, hooks: readonly Hook[]): HeldEvent {
    const mine: HeldEvent = { id: event.id, resource: eventResource(event), hooks, failed: false };
    this.held.set(event.id, mine);
    return mine;
  }

  /** The event was handed back, or (`acked`) is done: every execution it caused is recorded. */
  release(mine: HeldEvent, acked: boolean): void {
    if (this.held.get(mine.id) === mine) this.held.delete(mine.id);
    if (!acked) return;
    // The queue may show an acked event for a moment longer (JetStream removes it asynchronously):
    // remember the newest ones as done, so that the next event of the resource need not wait for it.
    this.acked.add(mine.id);
    this.ackedOrder.push(mine.id);
    if (this.ackedOrder.length > RECENTLY_ACKED) this.acked.delete(this.ackedOrder.shift()!);
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

  /** Hands a delivery back to the queue, to be claimed again after a delay that grows with its deliveries. */
  async handBack(d: Delivery, waitingFor: string | null): Promise<void> {
    const delayMs = Math.min(HAND_BACK_MAX_MS, HAND_BACK_BASE_MS * 2 ** Math.min(d.attempt - 1, 6));
    if (waitingFor !== null) {
      this.deferredCount++;
      logMessage(this.o.logger, HEM_MESSAGES.HEM_EVENT_DEFERRED, { event: d.event.id, waitingFor, resource: eventResource(d.event) });
    }
    // A nack that fails leaves the delivery to come back after the queue's ack wait: later, not lost.
    await this.o.queue.nack(d.deliveryId, delayMs).catch((error: unknown) =>
      logMessage(this.o.logger, HEM_MESSAGES.HEM_QUEUE_CLAIM_FAILED, { error }));
  }

  /** Stops looking at parked events and hands them all back, oldest first, for other workers to take at once. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer !== null) clearTimeout(this.timer);
    await Promise.allSettled([...this.checks]);
    const all = [...this.parked.values()].flatMap((r) => r.events).sort(byId);
    this.parked.clear();
    this.parkedCount = 0;
    for (const p of all) await this.o.queue.nack(p.d.deliveryId).catch(() => false);
  }

  /**
   * The id of an earlier unacknowledged event of the resource that must run first (it triggers one of
   * `hooks` and is not running here), or null when `event` may run now. Reads the queue lazily: when
   * the oldest earlier event is elsewhere, that is one request.
   */
  private async mustWaitFor(event: AcceptedEvent, resource: string, hooks: readonly Hook[]): Promise<string | null> {
    let seen = 0;
    try {
      for await (const other of this.o.queue.pendingBefore(event)) {
        const local = this.held.get(other.id);
        if (local !== undefined && !local.failed) continue; // submitted here first: the pool keeps the order
        if (this.acked.has(other.id)) continue; // done here, not yet gone from the queue
        if (++seen > LOOKBACK) return other.id; // more earlier events than we look at: wait for the oldest
        if (other.document[this.o.skipMark] === true) continue;
        const parkedHere = this.parked.get(resource)?.events.find((p) => p.d.event.id === other.id);
        if (shareHook(parkedHere?.hooks ?? this.o.match(other), hooks)) return other.id;
      }
      return null;
    } catch (error) {
      logMessage(this.o.logger, HEM_MESSAGES.HEM_ORDER_CHECK_FAILED, { event: event.id, resource, error });
      return 'unknown';
    }
  }

  private async park(d: Delivery, hooks: readonly Hook[], resource: string): Promise<void> {
    let entry = this.parked.get(resource);
    if (entry === undefined) {
      entry = { events: [], due: 0, backoff: RECHECK_MIN_MS, checking: false };
      this.parked.set(resource, entry);
      this.schedule(entry, RECHECK_MIN_MS);
    }
    entry.events.push({ d, hooks });
    entry.events.sort(byId);
    this.parkedCount++;
    if (this.parkedCount > MAX_PARKED) await this.evictNewest();
  }

  /** Parking is over-full: the newest parked event goes back to the queue (it waits longest anyway). */
  private async evictNewest(): Promise<void> {
    let newest: { resource: string; entry: ParkedResource } | null = null;
    for (const [resource, entry] of this.parked) {
      const last = entry.events[entry.events.length - 1]!;
      if (newest === null || Number(last.d.event.id) > Number(newest.entry.events[newest.entry.events.length - 1]!.d.event.id)) newest = { resource, entry };
    }
    if (newest === null) return;
    const p = newest.entry.events.pop()!;
    this.parkedCount--;
    if (newest.entry.events.length === 0 && !newest.entry.checking) this.parked.delete(newest.resource);
    await this.handBack(p.d, null);
  }

  private schedule(entry: ParkedResource, inMs: number): void {
    entry.due = Date.now() + inMs;
    if (this.closed || entry.due >= this.timerDue) return;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timerDue = entry.due;
    this.timer = setTimeout(() => this.recheckDue(), inMs);
  }

  private recheckDue(): void {
    this.timer = null;
    this.timerDue = Number.POSITIVE_INFINITY;
    if (this.closed) return;
    const now = Date.now();
    for (const [resource, entry] of this.parked) {
      if (entry.checking) continue;
      if (entry.due <= now) {
        const check = this.recheck(resource, entry);
        this.checks.add(check);
        void check.finally(() => this.checks.delete(check));
      } else {
        this.schedule(entry, entry.due - now);
      }
    }
  }

  /** Starts the resource's parked events, oldest first, while their turn has come; then waits again. */
  private async recheck(resource: string, entry: ParkedResource): Promise<void> {
    entry.checking = true;
    try {
      while (entry.events.length > 0 && !this.closed) {
        const head = entry.events[0]!;
        if (await this.mustWaitFor(head.d.event, resource, head.hooks) !== null) {
          entry.backoff = Math.min(RECHECK_MAX_MS, entry.backoff * 2);
          break;
        }
        if (this.closed || entry.events[0] !== head) continue; // closed, or an older event was parked meanwhile
        entry.events.shift();
        this.parkedCount--;
        entry.backoff = RECHECK_MIN_MS;
        this.o.start(head.d, head.hooks);
      }
    } finally {
      entry.checking = false;
    }
    if (entry.events.length === 0) this.parked.delete(resource);
    else this.schedule(entry, entry.backoff);
  }
}
