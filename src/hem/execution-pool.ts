/**
 * A bounded pool of executions. Guarantees: at most `concurrency` tasks run
 * at once; tasks with the same key (a hook and a resource) run one after the
 * other in submission order, while different keys run in parallel; a failing
 * task rejects its own `submit` promise and nothing else. Backpressure: when
 * `maxQueued` tasks are waiting, `whenAvailable()` holds callers back.
 */
import { PoolClosedError } from './errors.js';

export interface ExecutionPoolOptions {
  /** Tasks running at once; at least 1. */
  concurrency: number;
  /** Waiting tasks beyond which the pool counts as saturated. Default 100 × concurrency. */
  maxQueued?: number;
}

interface Task {
  run: () => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

export class ExecutionPool {
  readonly concurrency: number;
  readonly maxQueued: number;
  private readonly waiting = new Map<string, Task[]>();
  /** Keys with waiting tasks and nothing running, in the order they became runnable. */
  private ready: string[] = [];
  private readyHead = 0;
  private readonly active = new Set<string>();
  private runningCount = 0;
  private queuedCount = 0;
  private closed = false;
  private availableWaiters: Array<() => void> = [];
  private drainWaiters: Array<() => void> = [];

  constructor(options: ExecutionPoolOptions) {
    if (!Number.isInteger(options.concurrency) || options.concurrency < 1) {
      throw new RangeError(`execution pool concurrency must be a positive integer, got ${options.concurrency}`);
    }
    this.concurrency = options.concurrency;
    this.maxQueued = options.maxQueued ?? 100 * options.concurrency;
    if (!Number.isInteger(this.maxQueued) || this.maxQueued < 1) {
      throw new RangeError(`execution pool maxQueued must be a positive integer, got ${this.maxQueued}`);
    }
  }

  /** Tasks running now. */
  get running(): number {
    return this.runningCount;
  }

  /** Tasks waiting for a slot or for an earlier task of their key. */
  get queued(): number {
    return this.queuedCount;
  }

  /** True when `maxQueued` tasks are waiting: callers should await `whenAvailable()` before submitting more. */
  get saturated(): boolean {
    return this.queuedCount >= this.maxQueued;
  }

  /** Runs `task` when a slot is free and every earlier task of `key` has settled. Rejects with `PoolClosedError` after `close()`. */
  submit<T>(key: string, task: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new PoolClosedError());
    return new Promise<T>((resolve, reject) => {
      let queue = this.waiting.get(key);
      if (queue === undefined) {
        queue = [];
        this.waiting.set(key, queue);
      }
      queue.push({ run: task, resolve: resolve as (v: unknown) => void, reject });
      this.queuedCount++;
      if (queue.length === 1 && !this.active.has(key)) this.ready.push(key);
      this.pump();
    });
  }

  /** Resolves when fewer than `maxQueued` tasks wait (at once if already so). */
  whenAvailable(): Promise<void> {
    if (!this.saturated) return Promise.resolve();
    return new Promise((resolve) => this.availableWaiters.push(resolve));
  }

  /** Resolves when nothing runs and nothing waits. */
  drain(): Promise<void> {
    if (this.runningCount === 0 && this.queuedCount === 0) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  /** Refuses new tasks, then waits for the submitted ones to finish. */
  close(): Promise<void> {
    this.closed = true;
    return this.drain();
  }

  private pump(): void {
    while (this.runningCount < this.concurrency && this.readyHead < this.ready.length) {
      const key = this.ready[this.readyHead++]!;
      if (this.readyHead > 1024 && this.readyHead * 2 > this.ready.length) {
        this.ready = this.ready.slice(this.readyHead);
        this.readyHead = 0;
      }
      const queue = this.waiting.get(key)!;
      const task = queue.shift()!;
      if (queue.length === 0) this.waiting.delete(key);
      this.queuedCount--;
      this.runningCount++;
      this.active.add(key);
      this.start(key, task);
    }
    if (this.availableWaiters.length > 0 && !this.saturated) {
      const waiters = this.availableWaiters;
      this.availableWaiters = [];
      for (const w of waiters) w();
    }
  }

  private start(key: string, task: Task): void {
    let promise: Promise<unknown>;
    try {
      promise = Promise.resolve(task.run());
    } catch (err) {
      promise = Promise.reject(err);
    }
    // The pool's counts are settled before the submitter hears back, so it sees a consistent pool.
    promise.then(
      (value) => { this.settle(key); task.resolve(value); },
      (err: unknown) => { this.settle(key); task.reject(err); },
    );
  }

  private settle(key: string): void {
    this.runningCount--;
    this.active.delete(key);
    if (this.waiting.has(key)) this.ready.push(key);
    this.pump();
    if (this.runningCount === 0 && this.queuedCount === 0 && this.drainWaiters.length > 0) {
      const waiters = this.drainWaiters;
      this.drainWaiters = [];
      for (const w of waiters) w();
    }
  }
}
