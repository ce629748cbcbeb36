/**
 * The Hook Execution Manager: takes accepted events from the queue, finds the
 * hooks they trigger, and runs them through the bounded pool.
 *
 * Guarantees: an event is acknowledged only after every execution it caused
 * has its record stored, so a crash at any point means redelivery, never
 * loss; a redelivered event re-runs only the executions that did not finish
 * (the store marks them interrupted) and never duplicates a finished one;
 * executions of one hook for one resource run in event order, also across
 * daemons sharing one queue (see `dispatch`); a hook created, updated or
 * deleted is matched against the very next event claimed.
 */
import type { Logger } from 'pino';
import { silentLogger } from '../core/logger.js';
import { logMessage } from '../core/messages.js';
import type { AcceptedEvent } from '../events/event.js';
import type { Queue, Delivery } from '../queue/queue.js';
import type { Store } from '../store/store.js';
import type { Executor, ExecutionPlan } from './executor.js';
import { ExecutionPool } from './execution-pool.js';
import type { ExecutionRecord, Hook } from './hook.js';
import { HookIndex } from './hook-matcher.js';
import { HEM_MESSAGES } from './messages.js';
import { NoSuchExecutionError, OrderDeferredError, StoppingError } from './errors.js';
import { ResourceOrder, orderKey, untilSettled, type HeldEvent } from './resource-order.js';

/** Where the component (the daemon) takes part in execution: its hook points. */
export interface ExecutionCallouts {
  /** hook_select: returns the hooks to run for the event (may filter or reorder the matched list). */
  selectHooks(event: AcceptedEvent, matched: readonly Hook[]): Promise<readonly Hook[]> | readonly Hook[];
  /** execution_start: may rewrite the plan; `skip` records the execution as SKIPPED without running it. */
  executionStart(hook: Hook, event: AcceptedEvent, plan: ExecutionPlan): Promise<{ plan: ExecutionPlan; skip: boolean }> | { plan: ExecutionPlan; skip: boolean };
  /** execution_finish: sees every finished record. */
  executionFinish(record: ExecutionRecord): Promise<void> | void;
}

const NO_CALLOUTS: ExecutionCallouts = {
  selectHooks: (_e, matched) => matched,
  executionStart: (_h, _e, plan) => ({ plan, skip: false }),
  executionFinish: () => undefined,
};

/** A document field that marks an event whose hooks were skipped by event_receive (SKIP): stored, never executed. */
export const SKIP_HOOKS_MARK = 'HOOKLINE_SKIP_HOOKS';

export interface HookExecutionManagerOptions {
  store: Store;
  queue: Queue;
  executor: Executor;
  concurrency: number;
  /** This worker's identity in the queue. */
  workerId: string;
  /** Seconds applied to hooks without a TIMEOUT; 0: none. */
  defaultTimeout?: number;
  callouts?: ExecutionCallouts;
  logger?: Logger;
  /** Called with every finished record (metrics). */
  onRecord?: (record: ExecutionRecord, hook: Hook, durationMs: number) => void;
  /** Longest time between two claims when nothing wakes the loop (events from another process). Default 1000 ms. */
  pollMs?: number;
  /** Pause before handing back an event whose executions could not be recorded. Default 1000 ms. */
  retryDelayMs?: number;
}

export class HookExecutionManager {
  private readonly index: HookIndex;
  private readonly pool: ExecutionPool;
  private readonly logger: Logger;
  private readonly callouts: ExecutionCallouts;
  private closed = false;
  private wake: (() => void) | null = null;
  private woken = false;
  private readonly loopDone: Promise<void>;
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly abort = new AbortController();
  /** Store revision the index was built at (stores shared by several daemons). */
  private revision: number | undefined;
  private readonly order: ResourceOrder;
  /** Resolves when `close` begins, to release a claim loop waiting for room in the pool. */
  private readonly closing: Promise<void>;
  private signalClosing!: () => void;

  private constructor(private readonly options: HookExecutionManagerOptions, hooks: Hook[]) {
    this.index = new HookIndex(hooks);
    // At most `concurrency` executions wait beside the running ones: a worker claims only what it can
    // start soon, so daemons sharing one queue share its events instead of one of them hoarding them.
    this.pool = new ExecutionPool({ concurrency: options.concurrency, maxQueued: options.concurrency });
    this.logger = options.logger ?? silentLogger();
    this.callouts = options.callouts ?? NO_CALLOUTS;
    this.closing = new Promise((resolve) => { this.signalClosing = resolve; });
    this.order = new ResourceOrder({
      queue: options.queue, logger: this.logger, skipMark: SKIP_HOOKS_MARK,
      match: (event) => this.index.match(event),
      start: (d, mine) => this.start(d, mine),
    });
    this.loopDone = this.loop();
  }

  /** Loads the hooks and starts consuming the queue (redelivered events first, as the queue orders them). */
  static async start(options: HookExecutionManagerOptions): Promise<HookExecutionManager> {
    const revision = await options.store.hooksRevision?.();
    const hem = new HookExecutionManager(options, await options.store.listHooks());
    hem.revision = revision;
    return hem;
  }

  /**
   * With a shared store, hooks may change through another daemon: after each
   * claim (so after any change that committed before those events were
   * published), reload the index if the store's revision moved.
   */
  private async refreshIndex(): Promise<void> {
    const { store } = this.options;
    if (store.hooksRevision === undefined) return;
    const revision = await store.hooksRevision();
    if (revision === this.revision) return;
    const hooks = await store.listHooks();
    for (const h of this.index.hooks()) if (!hooks.some((x) => x.id === h.id)) this.index.remove(h.id);
    for (const h of hooks) this.index.add(h);
    this.revision = revision;
  }

  /** Wakes the consumer: an event was just enqueued. */
  notify(): void {
    this.woken = true;
    this.wake?.();
  }

  // ----- hooks: the store first, then the index, so the next claimed event sees the change -----

  async createHook(spec: Parameters<Store['createHook']>[0]): Promise<Hook> {
    const hook = await this.options.store.createHook(spec);
    this.index.add(hook);
    return hook;
  }

  async updateHook(id: number, spec: Parameters<Store['updateHook']>[1]): Promise<Hook> {
    const hook = await this.options.store.updateHook(id, spec);
    this.index.add(hook);
    return hook;
  }

  async renameHook(id: number, name: string): Promise<Hook> {
    const hook = await this.options.store.renameHook(id, name);
    this.index.add(hook);
    return hook;
  }

  async deleteHook(id: number): Promise<void> {
    await this.options.store.deleteHook(id);
    this.index.remove(id);
  }

  async lockHook(id: number, locked: boolean): Promise<Hook> {
    const hook = locked ? await this.options.store.lockHook(id) : await this.options.store.unlockHook(id);
    this.index.add(hook);
    return hook;
  }

  /** The hooks an event triggers now (hook_select not applied). */
  match(event: AcceptedEvent): readonly Hook[] {
    return this.index.match(event);
  }

  // ----- consuming -----

  private async loop(): Promise<void> {
    const { queue, workerId } = this.options;
    const pollMs = this.options.pollMs ?? 1000;
    while (!this.closed) {
      await Promise.race([this.pool.whenAvailable(), this.closing]);
      if (this.closed) break;
      let deliveries: Delivery[];
      this.woken = false;
      // With parking full, one event at a time: enough for the event the parked ones wait for to be claimed.
      const full = this.order.full;
      try {
        deliveries = await queue.claim(workerId, full ? 1 : Math.max(1, this.options.concurrency));
      } catch (error) {
        logMessage(this.logger, HEM_MESSAGES.HEM_QUEUE_CLAIM_FAILED, { error });
        deliveries = [];
      }
      if (deliveries.length === 0) {
        if (!this.woken) {
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, pollMs);
            this.wake = () => { clearTimeout(timer); resolve(); };
          });
        }
        this.wake = null;
        continue;
      }
      try {
        await this.refreshIndex();
      } catch (error) {
        logMessage(this.logger, HEM_MESSAGES.HEM_QUEUE_CLAIM_FAILED, { error });
      }
      for (const d of deliveries) {
        // Claimed but not dispatched when the manager began to stop: straight back to the queue.
        if (this.closed) await queue.nack(d.deliveryId).catch(() => false);
        else await this.dispatch(d);
      }
      if (full && !this.closed) await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }

  /**
   * Selects the hooks of one delivery and starts them, unless an earlier unfinished event of its
   * resource with one of the same hooks is elsewhere: then it waits in `ResourceOrder`, which starts
   * it when its turn comes, so executions per hook and resource keep event order across workers.
   */
  private async dispatch(d: Delivery): Promise<void> {
    const event = d.event;
    let hooks: readonly Hook[] = [];
    if (event.document[SKIP_HOOKS_MARK] !== true) {
      try {
        hooks = await this.callouts.selectHooks(event, this.index.match(event));
      } catch (error) {
        logMessage(this.logger, HEM_MESSAGES.HEM_HOOK_SELECT_FAILED, { event: event.id, error });
        hooks = this.index.match(event);
      }
    }
    const mine = await this.order.admit(d, hooks);
    if (mine !== null) this.start(d, mine);
  }

  /** Submits the executions of one delivery to the pool; the ack follows their records. */
  private start(d: Delivery, mine: HeldEvent): void {
    const event = d.event;
    const runs = mine.hooks.map((hook) => this.pool.submit(orderKey(hook.id, event), async () => {
      try {
        if (this.closed) throw new StoppingError('not started');
        if (!this.options.queue.holds(d.deliveryId)) throw new StoppingError('not held');
        const earlierFailed = this.order.failedBefore(mine, hook);
        if (earlierFailed !== null) throw new OrderDeferredError(earlierFailed);
        return await this.execute(hook, event, false);
      } catch (error) {
        mine.failed = true; // before the pool starts the next execution of this key, which may follow this one
        throw error;
      }
    }));
    let acked = false;
    const closed = (): boolean => this.closed;
    const settled = Promise.allSettled(runs).then(async (results) => {
      const reasons = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
      if (reasons.length === 0) {
        acked = await untilSettled('ack', d, () => this.options.queue.ack(d.deliveryId), closed, this.logger);
        return;
      }
      const failure = reasons.find((r) => !(r instanceof OrderDeferredError) && !(r instanceof StoppingError));
      if (failure === undefined && !reasons.some((r) => r instanceof StoppingError)) {
        return this.order.handBack(d, (reasons[0] as OrderDeferredError).waitingFor);
      }
      if (failure !== undefined) {
        // A record could not be stored (the store is down): hand the event back for redelivery rather than
        // lose an execution, after a pause so an outage does not become a tight redelivery loop.
        logMessage(this.logger, HEM_MESSAGES.HEM_EXECUTION_NOT_RECORDED, { event: event.id, error: failure });
        if (!this.closed) await new Promise((resolve) => setTimeout(resolve, this.options.retryDelayMs ?? 1000));
      }
      // Stopping: executions not started, or cut short, run again after the event's redelivery.
      await untilSettled('nack', d, () => this.options.queue.nack(d.deliveryId), closed, this.logger);
    }).catch((error) => logMessage(this.logger, HEM_MESSAGES.HEM_EXECUTION_NOT_RECORDED, { event: event.id, error }))
      .finally(() => this.order.release(mine, acked));
    this.inFlight.add(settled);
    void settled.finally(() => this.inFlight.delete(settled));
  }

  /** Runs one hook for one event, with its record written before and after. Rejects only when the store fails. */
  async execute(hook: Hook, event: AcceptedEvent, retry: boolean): Promise<ExecutionRecord> {
    const { store, executor } = this.options;
    const timeout = hook.timeout ?? (this.options.defaultTimeout || undefined);
    let plan = await executor.plan({ ...hook, timeout }, { id: event.id, key: event.key, document: stripMark(event.document) });
    let skip = false;
    try {
      ({ plan, skip } = await this.callouts.executionStart(hook, event, plan));
    } catch (error) {
      logMessage(this.logger, HEM_MESSAGES.HEM_EXECUTION_START_CALLOUT_FAILED, { hook: hook.id, event: event.id, error });
    }
    const begun = await store.beginExecution({
      hookId: hook.id, eventId: event.id, eventKey: event.key, eventDocument: stripMark(event.document),
      command: plan.command, arguments: plan.arguments, stdin: plan.stdin, startTime: Date.now(), retry,
    });
    if (begun.state === 'finished') return begun.record;
    // Stopping before the command started: it does not start; the RUNNING record is re-run after redelivery.
    if (!retry && this.abort.signal.aborted) throw new StoppingError('not started');
    const t0 = Date.now();
    const outcome = skip
      ? { status: 'SKIPPED' as const, rc: 0, signal: null, stdout: '', stderr: 'skipped by an execution_start callout', truncated: false, endTime: Date.now() }
      : await executor.run(plan, { signal: this.abort.signal });
    // Cut short because the daemon is stopping: the record stays RUNNING and the event is not acked, so it
    // runs again after redelivery, marked interrupted. (A retry has no event to come back: it is recorded.)
    if (!retry && 'interrupted' in outcome && outcome.interrupted === true) throw new StoppingError('interrupted');
    const record = await store.finishExecution(hook.id, begun.record.executionId, {
      status: outcome.status, rc: outcome.rc, signal: outcome.signal, stdout: outcome.stdout, stderr: outcome.stderr,
      truncated: outcome.truncated, endTime: Date.now(),
    });
    this.options.onRecord?.(record, hook, Date.now() - t0);
    try {
      await this.callouts.executionFinish(record);
    } catch (error) {
      logMessage(this.logger, HEM_MESSAGES.HEM_EXECUTION_FINISH_CALLOUT_FAILED, { hook: hook.id, event: event.id, error });
    }
    return record;
  }

  /** `hookline hook retry`: runs the hook again with the stored event, as a new record flagged retry. */
  async retry(hookId: number, executionId: number): Promise<ExecutionRecord> {
    const { store } = this.options;
    const hook = await store.getHook(hookId);
    const old = await store.getExecution(hookId, executionId);
    if (hook === null) throw new NoSuchExecutionError(hookId);
    if (old === null) throw new NoSuchExecutionError(hookId, executionId);
    const event: AcceptedEvent = { id: old.eventId, key: old.eventKey, kind: kindOfKey(old.eventKey), document: old.eventDocument, acceptedAt: old.startTime };
    return this.pool.submit(orderKey(hook.id, event), () => this.execute(hook, event, true));
  }

  /**
   * Executions running or waiting in the pool; events parked now to keep per-(hook, resource) order,
   * and how many events have had to wait so far.
   */
  get busy(): { running: number; queued: number; parked: number; deferred: number } {
    return { running: this.pool.running, queued: this.pool.queued, ...this.order.counts };
  }

  /**
   * Stops claiming and starts no more executions; lets running ones finish, aborting them after
   * `graceMs`. Events whose executions did not start or were cut short go back to the queue (their
   * records stay RUNNING and are marked interrupted when they run again); parked events go back too.
   */
  async close(graceMs = 10_000): Promise<void> {
    this.closed = true;
    this.signalClosing();
    this.order.stopping();
    this.wake?.();
    const timer = setTimeout(() => this.abort.abort(), graceMs);
    await this.loopDone;
    await this.order.close();
    await Promise.allSettled([...this.inFlight]);
    await this.pool.close(); // hook retries too
    clearTimeout(timer);
  }
}

function stripMark(document: Record<string, unknown>): Record<string, unknown> {
  if (!(SKIP_HOOKS_MARK in document)) return document;
  const { [SKIP_HOOKS_MARK]: _mark, ...rest } = document;
  return rest;
}

function kindOfKey(key: string): AcceptedEvent['kind'] {
  if (key.startsWith('EVENT API ')) return 'api';
  if (key.startsWith('EVENT STATE ')) return 'state';
  if (key.startsWith('EVENT SERVICE ')) return 'service';
  return key === 'RETRY' ? 'retry' : 'raw';
}
