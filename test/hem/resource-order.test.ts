/**
 * ResourceOrder on a real local queue (SQLite): events that must wait for an
 * earlier event of their resource held by another worker are parked, started
 * in event order once it is done, capped, and handed back on close.
 */
import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { ResourceOrder, MAX_PARKED } from '../../src/hem/resource-order.js';
import { parseHookTemplate } from '../../src/hem/template-validator.js';
import type { Hook } from '../../src/hem/hook.js';
import { SqliteDatabase } from '../../src/store/sqlite-database.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { LocalQueue } from '../../src/queue/local-queue.js';
import type { Delivery } from '../../src/queue/queue.js';
import type { HooklineEvent } from '../../src/events/event.js';
import { silentLogger } from '../../src/core/logger.js';
import { tempDir } from '../support/paths.js';
import { eventually } from '../support/nats.js';

const vm = (id: number, n: number): HooklineEvent =>
  ({ key: 'EVENT STATE VM/ACTIVE/RUNNING', kind: 'state', document: { RESOURCE: 'VM', ID: id, STATE: 'ACTIVE', LCM_STATE: 'RUNNING', N: n } });

describe('ResourceOrder', () => {
  let queue: LocalQueue;
  let store: SqliteStore;
  let hook: Hook;
  let order: ResourceOrder;
  let started: Delivery[];

  beforeEach(async () => {
    const database = SqliteDatabase.open({ path: path.join(tempDir(), 'hookline.db') });
    store = new SqliteStore(database);
    queue = new LocalQueue(database);
    database.release();
    hook = await store.createHook(parseHookTemplate('NAME = h\nTYPE = state\nRESOURCE = VM\nON = RUNNING\nCOMMAND = x.sh\n'));
    started = [];
    order = new ResourceOrder({ queue, logger: silentLogger(), skipMark: 'SKIP', match: () => [hook], start: (d) => { started.push(d); } });
  });
  afterEach(async () => {
    await order.close();
    await queue.close();
    await store.close();
  });

  it('parks the events of a resource whose earlier event another worker holds, and starts them in order once it is done', async () => {
    const accepted = await queue.enqueueMany([0, 1, 2, 3, 4].map((n) => vm(1, n)));
    const [blocker] = await queue.claim('other', 1);
    const mine = await queue.claim('me', 10);
    for (const d of mine) assert.equal(await order.admit(d, [hook]), null, `event ${d.event.id} waits`);
    assert.deepEqual(order.counts, { deferred: 4, parked: 4 });
    assert.equal(started.length, 0);
    await queue.ack(blocker!.deliveryId);
    await eventually('the parked events to start', async () => (started.length === 4 ? true : undefined));
    assert.deepEqual(started.map((d) => d.event.id), accepted.slice(1).map((e) => e.id));
    assert.equal(order.counts.parked, 0);
  });

  it('lets an event of another resource, or one whose hooks differ, run at once', async () => {
    await queue.enqueueMany([vm(1, 0), vm(1, 1), vm(2, 2)]);
    await queue.claim('other', 1);
    const [sameVm, otherVm] = await queue.claim('me', 10);
    assert.notEqual(await order.admit(otherVm!, [hook]), null);
    const otherHook = { ...hook, id: hook.id + 1 };
    assert.notEqual(await order.admit(sameVm!, [otherHook]), null, 'the earlier event does not trigger this hook');
    assert.notEqual(await order.admit(sameVm!, []), null, 'an event that runs no hook never waits');
  });

  it(`keeps at most ${MAX_PARKED} events parked, hands the newest back to the queue, and loses none`, async () => {
    const accepted = await queue.enqueueMany(Array.from({ length: MAX_PARKED + 7 }, (_, n) => vm(1, n)));
    await queue.claim('other', 1);
    for (const d of await queue.claim('me', 1000)) await order.admit(d, [hook]);
    assert.equal(order.counts.parked, MAX_PARKED);
    assert.equal(order.full, true);
    assert.equal(await queue.depth(), accepted.length);
    const back = await eventually('the handed-back events to be claimable', async () => {
      const got = await queue.claim('third', 100);
      return got.length > 0 ? got : undefined;
    });
    assert.deepEqual(back.map((d) => d.event.id), accepted.slice(-6).map((e) => e.id));
  });

  it('drops a parked event whose delivery the queue no longer holds for it, instead of starting it', async () => {
    await queue.enqueueMany([vm(1, 0), vm(1, 1)]);
    const [blocker] = await queue.claim('other', 1);
    const [mine] = await queue.claim('me', 1);
    assert.equal(await order.admit(mine!, [hook]), null);
    await queue.releaseWorker('me'); // as after an outage: the event now goes to whoever claims it
    await queue.ack(blocker!.deliveryId);
    await eventually('the parked event to be dropped', async () => (order.counts.parked === 0 ? true : undefined));
    assert.equal(started.length, 0);
    assert.equal((await queue.claim('next', 10)).length, 1, 'the event is still queued, for another worker');
  });

  it('hands parked events back when closed, for another worker to take at once', async () => {
    const accepted = await queue.enqueueMany([vm(1, 0), vm(1, 1), vm(1, 2)]);
    await queue.claim('other', 1);
    for (const d of await queue.claim('me', 10)) await order.admit(d, [hook]);
    await order.close();
    assert.deepEqual((await queue.claim('next', 10)).map((d) => d.event.id), accepted.slice(1).map((e) => e.id));
  });
});
