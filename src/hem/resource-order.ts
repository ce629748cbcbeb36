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

/**
 * An event this worker runs: the hooks it runs; whether one of its executions failed to be recorded
 * or had to wait (it goes back to the queue and runs again); and the earlier events of its resource,
 * running here when it was admitted, that it counts on the pool to run first.
 */
export interface HeldEvent { id: string; resource: string | null; hooks: readonly Hook[]; failed: boolean; after: readonly HeldEvent[] }

/** `waitingFor`: the earlier event that must run first, or null; `after`: the earlier events running here it must follow in the pool. */
interface Verdict { waitingFor: string | null; after: HeldEvent[] }

interface Parked { d: Delivery; hooks: readonly Hook[] }
interface ParkedResource { events: Parked[]; due: number; backoff: number; checking: boolean }

export interface ResourceOrderOptions {
  queue: Queue;
  /** The hooks an event triggers now (to tell which earlier events share a hook with this one). */
  match: (event: AcceptedEvent) => readonly Hook[];
  /** Submits the executions of a parked event whose turn has come (it is held from now on). */
  start: (d: Delivery, mine: HeldEvent) => void;
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
   * Whether `d` may run now: then it is held here, and the caller submits its executions. Null: it
   * is parked (or, with parking full, handed back) and `start` gets it when its turn comes.
   */
  async admit(d: Delivery, hooks: readonly Hook[]): Promise<HeldEvent | null> {
    const resource = eventResource(d.event);
    if (hooks.length === 0 || resource === null) return this.hold(d.event, hooks, []);
    if (!this.parkedBefore(resource, d.event.id, hooks)) {
      const verdict = await this.mustWaitFor(d.event, resource, hooks);
      if (verdict.waitingFor === null) return this.hold(d.event, hooks, verdict.after);
      logMessage(this.o.logger, HEM_MESSAGES.HEM_EVENT_DEFERRED, { event: d.event.id, waitingFor: verdict.waitingFor, resource });
    }
    this.deferredCount++;
    await this.park(d, hooks, resource);
    return null;
  }

  /** Notes an event this worker runs from now on. */
  private hold(event: AcceptedEvent, hooks: readonly Hook[], after: HeldEvent[]): HeldEvent {
    const mine: HeldEvent = { id: event.id, resource: eventResource(event), hooks, failed: false, after };
    this.held.set(event.id, mine);
    return mine;
  }

  /** The event was handed back, or (`acked`) is done: every execution it caused is recorded. */
  release(mine: HeldEvent, acked: boolean): void {
    if (this.held.get(mine.id) === mine) this.held.delete(mine.id);
    // Its executions are over: later events read only its own `failed`, so drop the chain of earlier
    // ones (a busy resource would otherwise keep every event it ever ran reachable).
    mine.after = [];
    if (!acked) return;
    // The queue may show an acked event for a moment longer (JetStream removes it asynchronously):
    // remember the newest ones as done, so that the next event of the resource need not wait for it.
    this.acked.add(mine.id);
    this.ackedOrder.push(mine.id);
    if (this.ackedOrder.length > RECENTLY_ACKED) this.acked.delete(this.ackedOrder.shift()!);
  }

  /**
   * When `hook`'s execution for `mine` gets its turn in the pool: the id of an earlier event it
   * followed whose execution of a shared hook failed to be recorded or had to wait. That event goes
   * back to the queue and must run again first, so this one goes back too. Null: go ahead.
   */
  failedBefore(mine: HeldEvent, hook: Hook): string | null {
    for (const earlier of mine.after) {
      if (earlier.failed && earlier.hooks.some((h) => h.id === hook.id)) return earlier.id;
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
    await untilSettled('nack', d, () => this.o.queue.nack(d.deliveryId, delayMs), () => this.closed, this.o.logger);
  }

  /** The manager is stopping: no more retries of acks and nacks, no more starts from parking. */
  stopping(): void {
    this.closed = true;
  }

  /** Stops looking at parked events and hands them all back, for other workers to take at once. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer !== null) clearTimeout(this.timer);
    await Promise.allSettled([...this.checks]);
    const all = [...this.parked.values()].flatMap((r) => r.events).sort(byId);
    this.parked.clear();
    this.parkedCount = 0;
    // All at once: with the queue unreachable each would wait for its timeout (they return after the ack wait anyway).
    await Promise.all(all.map((p) => this.o.queue.nack(p.d.deliveryId).catch((error: unknown) =>
      logMessage(this.o.logger, HEM_MESSAGES.HEM_QUEUE_SETTLE_FAILED, { operation: 'nack', event: p.d.event.id, error }))));
  }

  /**
   * Whether an earlier unacknowledged event of the resource must run first (it triggers one of
   * `hooks` and is not running here): its id, or null when `event` may run now, with the earlier
   * events running here that it must follow. Reads the queue lazily: when the oldest earlier event
   * is elsewhere, that is one request.
   */
  private async mustWaitFor(event: AcceptedEvent, resource: string, hooks: readonly Hook[]): Promise<Verdict> {
    const after: HeldEvent[] = [];
    let seen = 0;
    try {
      for await (const other of this.o.queue.pendingBefore(event)) {
        const local = this.held.get(other.id);
        if (local !== undefined && !local.failed) {
          if (shareHook(local.hooks, hooks)) after.push(local); // submitted here first: the pool keeps the order
          continue;
        }
        if (this.acked.has(other.id)) continue; // done here, not yet gone from the queue
        if (++seen > LOOKBACK) return { waitingFor: other.id, after }; // more earlier events than we look at: wait for the oldest
        if (other.document[this.o.skipMark] === true) continue;
        // What it runs, where this worker knows (held here but failed, or parked); else what it matches now.
        const known = local?.hooks ?? this.parked.get(resource)?.events.find((p) => p.d.event.id === other.id)?.hooks;
        if (shareHook(known ?? this.o.match(other), hooks)) return { waitingFor: other.id, after };
      }
      return { waitingFor: null, after };
    } catch (error) {
      logMessage(this.o.logger, HEM_MESSAGES.HEM_ORDER_CHECK_FAILED, { event: event.id, resource, error });
      return { waitingFor: 'unknown', after };
    }
  }

  /** `Queue.holds`, with a queue that cannot tell counted as "no". */
  private stillHeld(d: Delivery): boolean {
    try {
      return this.o.queue.holds(d.deliveryId);
    } catch {
      return false;
    }
  }

  /** Whether an older event of the resource with a hook in common is parked here (this one then waits behind it). */
  private parkedBefore(resource: string, id: string, hooks: readonly Hook[]): boolean {
    const entry = this.parked.get(resource);
    return entry !== undefined && entry.events.some((p) => Number(p.d.event.id) < Number(id) && shareHook(p.hooks, hooks));
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

  /**
   * Starts the resource's parked events whose turn has come, oldest first: each one that no older
   * event parked here shares a hook with, and that the queue shows nothing unfinished before. Then
   * waits again for the rest, backing off while nothing moves.
   */
  private async recheck(resource: string, entry: ParkedResource): Promise<void> {
    entry.checking = true;
    let started = 0;
    try {
      for (let i = 0; i < entry.events.length && !this.closed;) {
        const p = entry.events[i]!;
        if (!this.stillHeld(p.d)) {
          // Gone while parked (an outage let JetStream give it to another worker): it runs there. The nack
          // is for the case the queue still keeps it alive; it answers false when it does not.
          entry.events.splice(i, 1);
          this.parkedCount--;
          await this.o.queue.nack(p.d.deliveryId).catch(() => false);
          continue;
        }
        if (entry.events.slice(0, i).some((older) => shareHook(older.hooks, p.hooks))) { i++; continue; }
        const verdict = await this.mustWaitFor(p.d.event, resource, p.hooks);
        const at = entry.events.indexOf(p); // the list may have changed while the queue answered
        if (verdict.waitingFor !== null || this.closed || at < 0) { i = at < 0 ? i : at + 1; continue; }
        if (entry.events.slice(0, at).some((older) => shareHook(older.hooks, p.hooks))) { i = at + 1; continue; }
        entry.events.splice(at, 1);
        this.parkedCount--;
        started++;
        const mine = this.hold(p.d.event, p.hooks, verdict.after);
        this.o.start(p.d, mine);
        i = at;
      }
    } finally {
      entry.checking = false;
    }
    entry.backoff = started > 0 ? RECHECK_MIN_MS : Math.min(RECHECK_MAX_MS, entry.backoff * 2);
    if (entry.events.length === 0) this.parked.delete(resource);
    else this.schedule(entry, entry.backoff);
  }
}

/**
 * Acknowledges or hands back a delivery, retrying with a back-off while the queue fails: an event
 * whose ack never lands would stay unacknowledged, and every later event of its resource would wait
 * for it. Gives up only when `closed` (the queue then redelivers it after its ack wait, or on the
 * next start). Resolves with the queue's answer (false: the delivery was no longer held).
 */
export async function untilSettled(operation: 'ack' | 'nack', d: Delivery, call: () => Promise<boolean>, closed: () => boolean, logger: Logger): Promise<boolean> {
  for (let pause = 100; ; pause = Math.min(pause * 2, 5000)) {
    try {
      return await call();
    } catch (error) {
      logMessage(logger, HEM_MESSAGES.HEM_QUEUE_SETTLE_FAILED, { operation, event: d.event.id, error });
      // Errors that no retry can cure: a delivery this queue does not know, a closed queue, a bad argument.
      const code = (error as { code?: string }).code;
      if (code === 'QUEUE_INVALID_DELIVERY' || code === 'QUEUE_CLOSED' || error instanceof RangeError) return false;
    }
    if (closed()) return false;
    await new Promise((resolve) => setTimeout(resolve, pause));
  }
}
