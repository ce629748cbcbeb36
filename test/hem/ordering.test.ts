/**
 * Executions per hook and resource run in event order even when two workers
 * (two Hook Execution Managers) share one queue and one store: on SQLite with
 * the local queue, and on PostgreSQL with NATS JetStream, each worker with its
 * own connections as two daemons would have. Real child processes record when
 * they start and end in a file both workers append to.
 */
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { HookExecutionManager } from '../../src/hem/hook-execution-manager.js';
import { Executor } from '../../src/hem/executor.js';
import { parseHookTemplate } from '../../src/hem/template-validator.js';
import { SqliteDatabase } from '../../src/store/sqlite-database.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { LocalQueue } from '../../src/queue/local-queue.js';
import { PostgresStore } from '../../src/store/postgres-store.js';
import { NatsQueue } from '../../src/queue/nats-queue.js';
import type { AcceptedEvent } from '../../src/events/event.js';
import type { Store } from '../../src/store/store.js';
import type { Queue } from '../../src/queue/queue.js';
import { tempDir } from '../support/paths.js';
import { testPostgresUrl, TestSchemas } from '../support/postgres.js';
import { testNatsUrl, TestStreams, eventually } from '../support/nats.js';
import { recorder, stateHook, failingOnce, vmEvent, readLog, startWorkers, localSetup } from '../support/hem-recorder.js';
import type { Backend, Worker } from '../support/hem-recorder.js';

function orderingSuite(name: string, open: () => Promise<Backend>): void {
  describe(`ordering per hook and resource across two workers: ${name}`, () => {
    it('runs one resource\'s executions of a hook one after the other, in event order, whichever worker claims them', async () => {
      const backend = await open();
      const dir = tempDir();
      const log = path.join(dir, 'ran.log');
      recorder(dir, log, 0.05);
      const hems: HookExecutionManager[] = [];
      try {
        await backend.workers[0].store.createHook(parseHookTemplate(stateHook('p', 'PENDING')));
        // Three VMs, eight events each, interleaved: 0 1 2 0 1 2 …
        const events = Array.from({ length: 24 }, (_, n) => vmEvent(n % 3, 'PENDING', n));
        const accepted = await backend.workers[0].queue.enqueueMany(events);
        hems.push(...await startWorkers(backend, dir, 3));
        await eventually('all 24 executions to end', async () => (readLog(log).filter((l) => l.phase === 'end').length >= 24 ? true : undefined), 60_000);
        const lines = readLog(log);
        const vmOf = new Map(accepted.map((e) => [e.id, e.document.ID as number]));
        for (const vm of [0, 1, 2]) {
          const mine = lines.filter((l) => vmOf.get(l.eventId) === vm);
          const expected = accepted.filter((e) => e.document.ID === vm).flatMap((e) => [`start ${e.id}`, `end ${e.id}`]);
          assert.deepEqual(mine.map((l) => `${l.phase} ${l.eventId}`), expected, `VM ${vm}: each execution ends before the next starts, in event order`);
        }
        // The last command has written its line; its record and ack follow.
        await eventually('the workers to be idle', async () => (hems.every((h) => h.busy.running === 0 && h.busy.queued === 0) ? true : undefined));
      } finally {
        for (const h of hems) await h.close();
        await backend.close();
      }
    });

    it('does not hold back a resource\'s event whose hooks differ from those of the earlier event still running', async () => {
      const backend = await open();
      const dir = tempDir();
      const log = path.join(dir, 'ran.log');
      recorder(dir, log, 1);
      const hems: HookExecutionManager[] = [];
      try {
        await backend.workers[0].store.createHook(parseHookTemplate(stateHook('pending', 'PENDING')));
        await backend.workers[0].store.createHook(parseHookTemplate(stateHook('active', 'ACTIVE')));
        const [first, second] = await backend.workers[0].queue.enqueueMany([vmEvent(5, 'PENDING', 0), vmEvent(5, 'ACTIVE', 1)]);
        hems.push(...await startWorkers(backend, dir, 2));
        await eventually('both executions to end', async () => (readLog(log).filter((l) => l.phase === 'end').length >= 2 ? true : undefined), 30_000);
        const order = readLog(log).map((l) => `${l.phase} ${l.eventId}`);
        assert.ok(order.indexOf(`start ${second!.id}`) < order.indexOf(`end ${first!.id}`),
          `the ACTIVE hook ran while the PENDING hook still ran: ${order.join(', ')}`);
      } finally {
        for (const h of hems) await h.close();
        await backend.close();
      }
    });
  });
}

orderingSuite('SQLite + local queue', async () => {
  const database = SqliteDatabase.open({ path: path.join(tempDir(), 'hookline.db') });
  const store = new SqliteStore(database);
  const queue = new LocalQueue(database);
  database.release();
  const worker = { store, queue };
  return { workers: [worker, worker], close: async () => { await queue.close(); await store.close(); } };
});

const pgUrl = await testPostgresUrl('the ordering tests on PostgreSQL + NATS');
const natsUrl = await testNatsUrl('the ordering tests on PostgreSQL + NATS');
if (pgUrl !== null && natsUrl !== null) {
  const schemas = new TestSchemas(pgUrl);
  const streams = new TestStreams(natsUrl);
  after(async () => { await schemas.dropAll(); await streams.deleteAll(); });
  orderingSuite('PostgreSQL + NATS JetStream', async () => {
    const schema = schemas.next();
    const names = streams.next();
    const worker = async (): Promise<Worker> => ({
      store: await PostgresStore.open({ url: pgUrl, schema }),
      queue: await NatsQueue.open({ servers: natsUrl, ...names, ackWaitMs: 1000 }),
    });
    const workers: [Worker, Worker] = [await worker(), await worker()];
    return {
      workers,
      close: async () => { for (const w of workers) { await w.queue.close(); await w.store.close(); } },
    };
  });
}

describe('ordering when the store or the queue fails for a moment', () => {
  /** A local store and queue, the recorder sleeping `seconds`, and one manager started on them by `start`; `close` ends all. */
  const local = (seconds: number) => {
    const { store, queue, dir, log } = localSetup(seconds);
    let hem: HookExecutionManager | undefined;
    return {
      store, queue, log,
      start: async (o: { store?: Store; queue?: Queue; concurrency?: number; retryDelayMs?: number }): Promise<HookExecutionManager> =>
        (hem = await HookExecutionManager.start({
          store: o.store ?? store, queue: o.queue ?? queue, executor: new Executor({ hookBasePath: dir }),
          concurrency: o.concurrency ?? 1, workerId: 'w', pollMs: 20, retryDelayMs: o.retryDelayMs ?? 50,
        })),
      ended: (n: number) => eventually(`${n} executions to end`, async () => (readLog(log).filter((l) => l.phase === 'end').length >= n ? true : undefined), 30_000),
      close: async () => { await hem?.close(); await queue.close(); await store.close(); },
    };
  };
  const startsOf = (log: string, label: string): string[] => readLog(log).filter((l) => l.phase === 'start' && l.label === label).map((l) => l.eventId);

  it('runs a later event of the resource only after the earlier one, handed back because its record failed, has run again', async () => {
    const t = local(0.01);
    try {
      await t.store.createHook(parseHookTemplate(stateHook('p', 'PENDING')));
      const accepted: AcceptedEvent[] = await t.queue.enqueueMany([vmEvent(1, 'PENDING', 0), vmEvent(1, 'PENDING', 1), vmEvent(1, 'PENDING', 2)]);
      const { proxy: store } = failingOnce(t.store, 'beginExecution', ([e]) => (e as { eventId: string }).eventId === accepted[0]!.id);
      const hem = await t.start({ store });
      await t.ended(3);
      assert.deepEqual(startsOf(t.log, 'p'), accepted.map((e) => e.id));
      assert.ok(hem.busy.deferred >= 1, 'the later events were held back');
    } finally {
      await t.close();
    }
  });

  it('does not let a later event queued behind a failed one in the pool overtake its re-run while other work fills the slots', async () => {
    const t = local(0.3);
    try {
      await t.store.createHook(parseHookTemplate(stateHook('fast', 'PENDING', '0.3')));
      await t.store.createHook(parseHookTemplate(stateHook('slow', 'ACTIVE', '3')));
      // E1 and X run; Y and E2 wait in the pool (E2 behind E1). E1's record fails: Y takes the slot, E1 goes back
      // to the queue and comes back behind E2, which must not run before it when X ends.
      const [e1, , , e2] = await t.queue.enqueueMany([vmEvent(1, 'PENDING', 0), vmEvent(2, 'ACTIVE', 1), vmEvent(3, 'ACTIVE', 2), vmEvent(1, 'PENDING', 3)]);
      const { proxy: store } = failingOnce(t.store, 'finishExecution', ([, executionId]) => executionId === 0);
      await t.start({ store, concurrency: 2, retryDelayMs: 100 });
      await t.ended(5);
      assert.deepEqual(startsOf(t.log, 'fast'), [e1!.id, e1!.id, e2!.id], 'E1, its re-run, then E2');
    } finally {
      await t.close();
    }
  });

  it('keeps acknowledging an event whose ack failed, so that the next event of its resource runs', async () => {
    const t = local(0.01);
    try {
      await t.store.createHook(parseHookTemplate(stateHook('p', 'PENDING')));
      const first = await t.queue.enqueue(vmEvent(4, 'PENDING', 0));
      const { proxy: queue, failed } = failingOnce(t.queue, 'ack', () => true);
      const hem = await t.start({ queue });
      await failed;
      const second = await t.queue.enqueue(vmEvent(4, 'PENDING', 1));
      hem.notify();
      await eventually('the second event to run', async () => (startsOf(t.log, 'p').includes(second.id) ? true : undefined), 30_000);
      assert.deepEqual(startsOf(t.log, 'p'), [first.id, second.id]);
      await eventually('the queue to be empty', async () => ((await t.queue.depth()) === 0 ? true : undefined));
    } finally {
      await t.close();
    }
  });
});
