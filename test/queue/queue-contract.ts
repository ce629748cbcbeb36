/**
 * The `Queue` contract: the local SQLite queue and the JetStream queue of the
 * scale-out issue run exactly these tests through `queueContract`.
 */
import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import type { Delivery, Queue } from '../../src/queue/queue.js';
import type { AcceptedEvent, HooklineEvent } from '../../src/events/event.js';

export type QueueFactory = () => Promise<Queue>;

export function apiEvent(n: number): HooklineEvent {
  return {
    key: 'EVENT API one.user.allocate 1',
    kind: 'api',
    document: { CALL: 'one.user.allocate', PARAMETERS: [`user${n}`, '****'], RESULT: n, SUCCESS: true },
  };
}

export function stateEvent(id: number, state = 'PENDING'): HooklineEvent {
  return { key: `EVENT STATE VM/${state}/LCM_INIT`, kind: 'state', document: { RESOURCE: 'VM', ID: id, STATE: state, LCM_STATE: 'LCM_INIT' } };
}

/** The first `max` items of an async iterable. */
async function take<T>(items: AsyncIterable<T>, max: number): Promise<T[]> {
  const out: T[] = [];
  if (out.length >= max) return out;
  for await (const item of items) {
    out.push(item);
    if (out.length >= max) break;
  }
  return out;
}

/** A call on VM `id` (its document names the object), so it concerns the same resource as the VM's state changes. */
export function vmCallEvent(id: number): HooklineEvent {
  return { key: 'EVENT API one.vm.action 1', kind: 'api', document: { CALL: 'one.vm.action', PARAMETERS: ['resume', id], SUCCESS: true, OBJECT: { ID: id } } };
}

export function queueContract(name: string, makeQueue: QueueFactory): void {
  describe(`Queue contract: ${name}`, () => {
    let queue: Queue;
    beforeEach(async () => { queue = await makeQueue(); });
    afterEach(async () => { await queue.close(); });

    it('accepts an event with a string id and an acceptance time, keeping key, kind and document', async () => {
      const before = Date.now();
      const accepted = await queue.enqueue(apiEvent(1));
      assert.equal(typeof accepted.id, 'string');
      assert.ok(accepted.acceptedAt >= before - 1000);
      assert.equal(accepted.key, 'EVENT API one.user.allocate 1');
      assert.equal(accepted.kind, 'api');
      assert.deepEqual(accepted.document, apiEvent(1).document);
      assert.equal(await queue.depth(), 1);
    });

    it('delivers events oldest first, with the same ids and documents they were accepted with', async () => {
      const a = await queue.enqueue(apiEvent(1));
      const [b, c] = await queue.enqueueMany([stateEvent(7), apiEvent(3)]);
      const deliveries = await queue.claim('w1', 10);
      assert.deepEqual(deliveries.map((d) => d.event.id), [a.id, b!.id, c!.id]);
      assert.deepEqual(deliveries[1]!.event, b);
      assert.ok(deliveries.every((d) => d.attempt === 1 && d.redelivered === false));
    });

    it('gives every one of many concurrent enqueues its own id', async () => {
      const accepted = await Promise.all(Array.from({ length: 200 }, (_, i) => queue.enqueue(apiEvent(i))));
      assert.equal(new Set(accepted.map((e) => e.id)).size, 200);
      assert.equal(await queue.depth(), 200);
      const delivered = await queue.claim('w', 500);
      assert.deepEqual(delivered.map((d) => d.event.document.RESULT), accepted.map((e) => e.document.RESULT));
    });

    it('rejects an event without a key, with an unknown kind or with a non-object document, storing nothing', async () => {
      const bad: unknown[] = [
        { key: '', kind: 'api', document: {} },
        { key: 'EVENT API x 1', kind: 'bogus', document: {} },
        { key: 'EVENT API x 1', kind: 'api', document: [1, 2] },
        { key: 'EVENT API x 1', kind: 'api', document: null },
      ];
      for (const event of bad) {
        await assert.rejects(queue.enqueue(event as HooklineEvent), { code: 'QUEUE_INVALID_EVENT' });
      }
      await assert.rejects(queue.enqueueMany([apiEvent(1), bad[0] as HooklineEvent]), { code: 'QUEUE_INVALID_EVENT' });
      assert.equal(await queue.depth(), 0);
    });

    it('claims at most max events and never hands one event to two workers at once', async () => {
      await queue.enqueueMany([1, 2, 3, 4, 5].map(apiEvent));
      const first = await queue.claim('w1', 2);
      const second = await queue.claim('w2', 10);
      assert.equal(first.length, 2);
      assert.equal(second.length, 3);
      const ids = [...first, ...second].map((d) => d.event.id);
      assert.equal(new Set(ids).size, 5);
      assert.deepEqual(await queue.claim('w3', 10), []);
    });

    it('removes an acknowledged event, and a second ack of it reports false', async () => {
      await queue.enqueue(apiEvent(1));
      const [d] = await queue.claim('w', 1);
      assert.equal(await queue.ack(d!.deliveryId), true);
      assert.equal(await queue.ack(d!.deliveryId), false);
      assert.equal(await queue.depth(), 0);
      assert.deepEqual(await queue.claim('w', 1), []);
    });

    it('counts held events in the depth until they are acknowledged', async () => {
      await queue.enqueueMany([apiEvent(1), apiEvent(2)]);
      const [d] = await queue.claim('w', 1);
      assert.equal(await queue.depth(), 2);
      await queue.ack(d!.deliveryId);
      assert.equal(await queue.depth(), 1);
    });

    it('redelivers a nacked event, flagged as redelivered with the next attempt number', async () => {
      const accepted = await queue.enqueue(apiEvent(1));
      const [d] = await queue.claim('w', 1);
      assert.equal(await queue.nack(d!.deliveryId), true);
      const [again] = await queue.claim('w', 1);
      assert.equal(again!.event.id, accepted.id);
      assert.equal(again!.attempt, 2);
      assert.equal(again!.redelivered, true);
      assert.notEqual(again!.deliveryId, d!.deliveryId);
    });

    it('returns the deliveries of a dead worker to the queue and leaves other workers\' alone', async () => {
      await queue.enqueueMany([1, 2, 3].map(apiEvent));
      const dead = await queue.claim('dead', 2);
      const alive = await queue.claim('alive', 1);
      assert.equal(await queue.releaseWorker('dead'), 2);
      const redelivered = await queue.claim('other', 10);
      assert.deepEqual(redelivered.map((d) => d.event.id), dead.map((d) => d.event.id));
      assert.ok(redelivered.every((d) => d.redelivered));
      assert.equal(await queue.ack(alive[0]!.deliveryId), true);
    });

    it('says whether it still holds a delivery: until it is acked, nacked or released', async () => {
      await queue.enqueueMany([apiEvent(1), apiEvent(2), apiEvent(3)]);
      const [a, b, c] = await queue.claim('w', 3);
      assert.ok(queue.holds(a!.deliveryId) && queue.holds(b!.deliveryId) && queue.holds(c!.deliveryId));
      await queue.ack(a!.deliveryId);
      await queue.nack(b!.deliveryId);
      await queue.releaseWorker('w');
      assert.deepEqual([a, b, c].map((d) => queue.holds(d!.deliveryId)), [false, false, false]);
      assert.throws(() => queue.holds('not-a-delivery'), { code: 'QUEUE_INVALID_DELIVERY' });
    });

    it('ignores a late ack from a worker whose delivery was released and handed to another', async () => {
      await queue.enqueue(apiEvent(1));
      const [old] = await queue.claim('slow', 1);
      await queue.releaseWorker('slow');
      const [fresh] = await queue.claim('fast', 1);
      assert.equal(await queue.ack(old!.deliveryId), false);
      assert.equal(await queue.depth(), 1);
      assert.equal(await queue.ack(fresh!.deliveryId), true);
    });

    it('never gives a new event the id of one already acknowledged', async () => {
      const first = await queue.enqueue(apiEvent(1));
      const [d] = await queue.claim('w', 1);
      await queue.ack(d!.deliveryId);
      const second = await queue.enqueue(apiEvent(2));
      assert.notEqual(second.id, first.id);
    });

    it('reports the age of the oldest unacknowledged event, and null when empty', async () => {
      assert.equal(await queue.oldestPendingAge(), null);
      await queue.enqueue(apiEvent(1));
      const age = await queue.oldestPendingAge();
      assert.ok(age !== null && age >= 0);
    });

    it('lists the unacknowledged events of a resource accepted before an event, held or waiting, oldest first', async () => {
      const [s1, other, s2, , s3, s4] = await queue.enqueueMany([
        stateEvent(7), stateEvent(8), stateEvent(7, 'ACTIVE'), apiEvent(1), vmCallEvent(7), stateEvent(7, 'DONE'),
      ]);
      const [held] = await queue.claim('w', 1);
      assert.equal(held!.event.id, s1!.id);
      const ids = async (e: AcceptedEvent, max = 10): Promise<string[]> => (await take(queue.pendingBefore(e), max)).map((p) => p.id);
      assert.deepEqual(await take(queue.pendingBefore(s4!), 10), [s1, s2, s3], 'state changes and calls on VM 7, not VM 8 nor the user call');
      assert.deepEqual(await ids(s4!, 2), [s1!.id, s2!.id], 'a reader may stop early');
      assert.deepEqual(await ids(s1!), []);
      assert.deepEqual(await ids(other!), []);
      assert.equal(await queue.ack(held!.deliveryId), true);
      assert.deepEqual(await ids(s4!), [s2!.id, s3!.id], 'an acknowledged event is no longer pending');
    });

    it('lists nothing before an event that concerns no resource', async () => {
      const [a, b] = await queue.enqueueMany([apiEvent(1), apiEvent(2)]);
      assert.deepEqual(await take(queue.pendingBefore(b!), 10), []);
      assert.deepEqual(await take(queue.pendingBefore(a!), 10), []);
    });

    it('lists a long run of a resource\'s earlier events in full, in order', async () => {
      const accepted = await queue.enqueueMany(Array.from({ length: 70 }, (_, i) => stateEvent(3, i % 2 === 0 ? 'PENDING' : 'ACTIVE')));
      const last = accepted[accepted.length - 1]!;
      assert.deepEqual((await take(queue.pendingBefore(last), 1000)).map((e) => e.id), accepted.slice(0, -1).map((e) => e.id));
    });

    it('holds a nacked event back for the delay asked, then redelivers it', async () => {
      const [first, second] = await queue.enqueueMany([apiEvent(1), apiEvent(2)]);
      const [d] = await queue.claim('w', 1);
      assert.equal(d!.event.id, first!.id);
      assert.equal(await queue.nack(d!.deliveryId, 1500), true);
      const now = await queue.claim('w', 10);
      assert.deepEqual(now.map((x) => x.event.id), [second!.id], 'the delayed event is not offered at once');
      let again: Delivery | undefined;
      for (let i = 0; i < 100 && again === undefined; i++) {
        [again] = await queue.claim('w', 10);
        if (again === undefined) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      assert.equal(again?.event.id, first!.id);
      assert.equal(again?.redelivered, true);
      await assert.rejects(queue.nack(again!.deliveryId, -1), RangeError);
    });

    it('refuses events after close with QUEUE_CLOSED', async () => {
      await queue.close();
      await assert.rejects(queue.enqueue(apiEvent(1)), { code: 'QUEUE_CLOSED' });
      queue = await makeQueue();
    });
  });
}
