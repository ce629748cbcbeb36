import { describe, it, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { DiscardPolicy, RetentionPolicy, StorageType, type NatsConnection } from 'nats';
import { NatsQueue, type NatsQueueOptions } from '../../src/queue/nats-queue.js';
import { eventSubject, partOfToken, resourceFilter, subjectToken } from '../../src/queue/nats-subjects.js';
import type { Delivery } from '../../src/queue/queue.js';
import type { HooklineEvent } from '../../src/events/event.js';
import { captureLog } from '../support/log-capture.js';
import { TestStreams, eventually, testNatsUrl } from '../support/nats.js';
import { queueContract, apiEvent, stateEvent } from './queue-contract.js';
import { TcpProxy } from '../support/tcp-proxy.js';

describe('NATS subjects', () => {
  it('derive from the key so that key prefixes become subject filters', () => {
    assert.equal(eventSubject('hookline.events', 'EVENT API one.vm.allocate 1', null), 'hookline.events.%.api.one.vm.allocate.1');
    assert.equal(eventSubject('hookline.events', 'EVENT STATE VM/ACTIVE/RUNNING', 'VM/42'), 'hookline.events.VM%2F42.state.VM.ACTIVE.RUNNING');
    assert.equal(eventSubject('hookline.events', 'EVENT SERVICE 7', 'SERVICE/7'), 'hookline.events.SERVICE%2F7.service.7');
    assert.equal(eventSubject('hookline.events', 'RETRY', null), 'hookline.events.%.retry');
    assert.equal(eventSubject('p', 'EVENT VM 42/ACTIVE/RUNNING', 'VM/42'), 'p.VM%2F42.state.VM.ACTIVE.RUNNING.42');
  });

  it('put the resource at a fixed place, so that one filter selects all of its events', () => {
    assert.equal(resourceFilter('p', 'VM/42'), 'p.VM%2F42.>');
    assert.ok(eventSubject('p', 'EVENT API one.vm.action 1', 'VM/42').startsWith('p.VM%2F42.'));
    assert.ok(!eventSubject('p', 'EVENT API one.vm.action 1', 'VM/420').startsWith('p.VM%2F42.'));
  });

  it('write an empty LCM state as the lone token % and escape what subjects cannot hold', () => {
    assert.equal(eventSubject('p', 'EVENT STATE HOST/ERROR/', 'HOST/1'), 'p.HOST%2F1.state.HOST.ERROR.%');
    assert.equal(eventSubject('p', 'EVENT  odd  key', null), 'p.%.raw.EVENT%20%20odd%20%20key');
    for (const part of ['a.b', '*', '>', 'a b', '%', 'é', '']) {
      const token = subjectToken(part);
      assert.match(token, /^[A-Za-z0-9_%-]+$/, part);
      assert.equal(partOfToken(token), part);
    }
  });

  it('give distinct keys distinct subjects', () => {
    const keys = ['EVENT API a.b 1', 'EVENT API a%2Eb 1', 'EVENT API a..b 1', 'EVENT STATE HOST/ERROR/', 'EVENT STATE HOST/ERROR/%',
      'EVENT VM 1/A/B', 'EVENT STATE VM/A/B/1', 'EVENT STATE VM/A/B', 'EVENT SERVICE 1', 'RETRY', 'EVENT  raw'];
    const subjects = keys.map((k) => eventSubject('p', k, null));
    assert.equal(new Set(subjects).size, keys.length - 1); // the two by-id forms of one state change agree
    assert.equal(eventSubject('p', 'EVENT VM 1/A/B', null), eventSubject('p', 'EVENT STATE VM/A/B/1', null));
  });
});

const url = await testNatsUrl('the NATS JetStream queue tests');

if (url !== null) {
  const streams = new TestStreams(url);
  after(() => streams.deleteAll());
  queueContract('NATS JetStream', () => NatsQueue.open({ servers: url, ...streams.next() }));

  describe('NatsQueue', () => {
    /** Whatever a test opened is closed after it, failed or not, so that no connection keeps the process alive. */
    const opened: Array<{ close(): Promise<unknown> }> = [];
    afterEach(async () => {
      for (const c of opened.splice(0)) await c.close();
    });
    const closing = <T extends { close(): Promise<unknown> }>(c: T): T => { opened.push(c); return c; };
    const open = async (options: Partial<NatsQueueOptions> = {}): Promise<NatsQueue> =>
      closing(await NatsQueue.open({ servers: url, ...streams.next(), ...options }));
    const openOn = async (names: { stream: string; subjectPrefix: string }, options: Partial<NatsQueueOptions> = {}): Promise<NatsQueue> =>
      closing(await NatsQueue.open({ servers: url, ...names, ...options }));
    const connect = async (): Promise<NatsConnection> => closing(await streams.connect());
    const startProxy = async (): Promise<TcpProxy> => {
      const p = await TcpProxy.start(url, 4222);
      closing({ close: () => p.cut() });
      return p;
    };

    const ackAll = async (queue: NatsQueue, deliveries: Delivery[]): Promise<void> => {
      for (const d of deliveries) assert.equal(await queue.ack(d.deliveryId), true);
    };

    it('shares one consumer between two queues on one stream: each event goes to exactly one of them', async () => {
      const names = streams.next();
      const a = await openOn(names);
      const b = await openOn(names);
      const accepted = await a.enqueueMany(Array.from({ length: 20 }, (_, i) => apiEvent(i)));
      const byA: Delivery[] = [];
      const byB: Delivery[] = [];
      for (;;) {
        const fromA = await a.claim('a', 3);
        const fromB = await b.claim('b', 3);
        if (fromA.length + fromB.length === 0) break;
        byA.push(...fromA);
        byB.push(...fromB);
      }
      const idsA = byA.map((d) => d.event.id);
      const idsB = byB.map((d) => d.event.id);
      assert.ok(idsA.length > 0 && idsB.length > 0);
      assert.deepEqual([...idsA, ...idsB].sort((x, y) => Number(x) - Number(y)), accepted.map((e) => e.id));
      assert.equal(await b.depth(), 20);
      await ackAll(a, byA);
      await ackAll(b, byB);
      assert.equal(await a.depth(), 0);
    });

    it('redelivers the unacknowledged delivery of a closed worker to another after the ack wait, flagged redelivered', async () => {
      const names = streams.next();
      const a = await openOn(names, { ackWaitMs: 1000 });
      const b = await openOn(names, { ackWaitMs: 1000 });
      const accepted = await a.enqueue(stateEvent(3));
      const [held] = await a.claim('a', 1);
      assert.equal(held!.event.id, accepted.id);
      assert.deepEqual(await b.claim('b', 1), []);
      await a.close();
      const [again] = await eventually('redelivery to b', async () => {
        const got = await b.claim('b', 1);
        return got.length > 0 ? got : undefined;
      });
      assert.deepEqual(again!.event, accepted);
      assert.equal(again!.redelivered, true);
      assert.equal(again!.attempt, 2);
      assert.equal(await b.ack(again!.deliveryId), true);
    });

    it('keeps a delivery held past the ack wait while its worker is alive, so no other worker gets it', async () => {
      const names = streams.next();
      const a = await openOn(names, { ackWaitMs: 600 });
      const b = await openOn(names, { ackWaitMs: 600 });
      await a.enqueue(apiEvent(1));
      const [held] = await a.claim('a', 1);
      const until = Date.now() + 2400; // four ack waits
      while (Date.now() < until) {
        assert.deepEqual(await b.claim('b', 1), []);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      assert.equal(await a.ack(held!.deliveryId), true);
      assert.equal(await b.depth(), 0);
    });

    it('lets a subject filter on *.state.VM.> select only the VM state events', async () => {
      const names = streams.next();
      const queue = await openOn(names);
      const nc = await connect();
      const filter = `${names.subjectPrefix}.*.state.VM.>`;
      const tapped: string[] = [];
      const tap = nc.subscribe(filter, { callback: (_err, msg) => { tapped.push(JSON.parse(msg.string()).key); } });
      await nc.flush();
      const host: HooklineEvent = { key: 'EVENT STATE HOST/ERROR/', kind: 'state', document: { RESOURCE: 'HOST', ID: 1, STATE: 'ERROR', LCM_STATE: '' } };
      await queue.enqueueMany([apiEvent(1), stateEvent(1, 'PENDING'), host, stateEvent(2, 'ACTIVE'), { key: 'EVENT SERVICE 4', kind: 'service', document: {} }]);
      const jsm = await nc.jetstreamManager();
      const info = await jsm.streams.info(names.stream, { subjects_filter: filter });
      assert.deepEqual(info.state.subjects, {
        [`${names.subjectPrefix}.VM%2F1.state.VM.PENDING.LCM_INIT`]: 1,
        [`${names.subjectPrefix}.VM%2F2.state.VM.ACTIVE.LCM_INIT`]: 1,
      });
      await eventually('the tap sees both VM events', async () => (tapped.length >= 2 ? true : undefined));
      await nc.flush();
      assert.deepEqual(tapped, ['EVENT STATE VM/PENDING/LCM_INIT', 'EVENT STATE VM/ACTIVE/LCM_INIT']);
    });

    it('fails an enqueue with QUEUE_NATS_UNAVAILABLE while nats-server is unreachable, rather than dropping it', async () => {
      const proxy = await startProxy();
      const queue = closing(await NatsQueue.open({ servers: proxy.url, ...streams.next(), timeoutMs: 500 }));
      await proxy.cut();
      await assert.rejects(queue.enqueue(apiEvent(1)), { code: 'QUEUE_NATS_UNAVAILABLE' });
      await assert.rejects(queue.enqueueMany([apiEvent(2), apiEvent(3)]), { code: 'QUEUE_NATS_UNAVAILABLE' });
    });

    it('stores an enqueue made during a short outage exactly once when the connection comes back', async () => {
      const proxy = await startProxy();
      const queue = closing(await NatsQueue.open({ servers: proxy.url, ...streams.next(), timeoutMs: 15_000 }));
      await proxy.cut();
      const pending = queue.enqueue(apiEvent(1));
      await proxy.restore();
      const accepted = await pending;
      assert.equal(await queue.depth(), 1);
      const [d] = await queue.claim('w', 10);
      assert.deepEqual(d!.event, accepted);
    });

    it('sets the shared consumer\'s limit of unacknowledged events, 10000 unless told, and the daemon opening last decides it', async () => {
      const names = streams.next();
      await openOn(names);
      const nc = await connect();
      const jsm = await nc.jetstreamManager();
      assert.equal((await jsm.consumers.info(names.stream, 'hookline-workers')).config.max_ack_pending, 10_000);
      await openOn(names, { maxAckPending: 2500 });
      assert.equal((await jsm.consumers.info(names.stream, 'hookline-workers')).config.max_ack_pending, 2500);
      await assert.rejects(NatsQueue.open({ servers: url, ...names, maxAckPending: 0 }), RangeError);
    });

    /**
     * Two workers on one stream, the first through a TCP proxy: it holds the one event when `outage`
     * starts; the event must then go to the second after the ack wait, and the first's late ack must
     * not remove it.
     */
    const lateAckAfter = async (outage: (proxy: TcpProxy) => Promise<void>, end: (proxy: TcpProxy) => Promise<void>): Promise<void> => {
      const proxy = await startProxy();
      const names = streams.next();
      const log = captureLog();
      const cutOff = closing(await NatsQueue.open({ servers: proxy.url, ...names, ackWaitMs: 1000, timeoutMs: 1000, logger: log.logger }));
      const other = await openOn(names, { ackWaitMs: 1000 });
      const accepted = await other.enqueue(apiEvent(1));
      const [stale] = await cutOff.claim('w1', 1);
      assert.equal(cutOff.holds(stale!.deliveryId), true);
      await outage(proxy);
      await eventually('the cut-off queue to give up its delivery', async () => (log.has('QUEUE_NATS_DELIVERIES_EXPIRED') ? true : undefined));
      assert.equal(cutOff.holds(stale!.deliveryId), false, 'nothing more starts for it there');
      const [taken] = await eventually('the other worker to get the event after the ack wait', async () => {
        const got = await other.claim('w2', 1);
        return got.length > 0 ? got : undefined;
      });
      assert.equal(taken!.event.id, accepted.id);
      assert.equal(taken!.redelivered, true);
      await end(proxy);
      assert.equal(await cutOff.ack(stale!.deliveryId), false, 'the late ack is not sent');
      assert.equal(await other.depth(), 1, 'the event stays until its new holder is done');
      assert.equal(await other.ack(taken!.deliveryId), true);
      assert.equal(await other.depth(), 0);
    };

    it('gives up its deliveries during an outage longer than half the ack wait, so a late ack cannot remove an event another worker holds', async () => {
      await lateAckAfter((proxy) => proxy.cut(), (proxy) => proxy.restore());
    });

    it('gives up its deliveries when nats-server stops answering on a connection that stays open (a stalled network)', async () => {
      await lateAckAfter(async (proxy) => proxy.stall(), async (proxy) => proxy.unstall());
    });

    it('fails to open with QUEUE_NATS_UNAVAILABLE when nothing listens at the address', async () => {
      const proxy = await startProxy();
      await proxy.cut();
      await assert.rejects(NatsQueue.open({ servers: proxy.url, ...streams.next(), timeoutMs: 500 }), { code: 'QUEUE_NATS_UNAVAILABLE' });
    });

    it('refuses an existing stream that does not have work-queue retention, with QUEUE_NATS_STREAM_MISMATCH', async () => {
      const names = streams.next();
      const nc = await connect();
      const jsm = await nc.jetstreamManager();
      await jsm.streams.add({ name: names.stream, subjects: [`${names.subjectPrefix}.>`], retention: RetentionPolicy.Limits, storage: StorageType.Memory });
      await nc.close();
      await assert.rejects(NatsQueue.open({ servers: url, ...names }), { code: 'QUEUE_NATS_STREAM_MISMATCH' });
    });

    it('withdraws the events already stored when the stream refuses the rest of a batch', async () => {
      const names = streams.next();
      const nc = await connect();
      const jsm = await nc.jetstreamManager();
      await jsm.streams.add({ name: names.stream, subjects: [`${names.subjectPrefix}.>`], retention: RetentionPolicy.Workqueue,
        storage: StorageType.File, max_msgs: 3, discard: DiscardPolicy.New });
      await nc.close();
      const log = captureLog();
      const queue = await openOn(names, { logger: log.logger });
      await assert.rejects(queue.enqueueMany([1, 2, 3, 4, 5].map(apiEvent)), { code: 'QUEUE_WRITE_FAILED' });
      assert.equal(await queue.depth(), 0);
      assert.ok(log.has('QUEUE_NATS_BATCH_ROLLBACK'));
      const accepted = await queue.enqueue(apiEvent(6));
      assert.deepEqual((await queue.claim('w', 10)).map((d) => d.event.id), [accepted.id]);
    });

    it('discards a message that is not a Hookline event, logging it, and goes on with the next', async () => {
      const names = streams.next();
      const log = captureLog();
      const queue = await openOn(names, { logger: log.logger });
      const nc = await connect();
      await nc.jetstream().publish(`${names.subjectPrefix}.%.api.x.1`, 'not json');
      await nc.close();
      const accepted = await queue.enqueue(apiEvent(1));
      const deliveries = await queue.claim('w', 10);
      assert.deepEqual(deliveries.map((d) => d.event.id), [accepted.id]);
      assert.ok(log.has('QUEUE_NATS_FOREIGN_MESSAGE'));
      await ackAll(queue, deliveries);
      assert.equal(await queue.depth(), 0);
    });

    it('reports the age of the oldest unacknowledged event while a newer one is acknowledged first', async () => {
      const queue = await open();
      await queue.enqueueMany([apiEvent(1), apiEvent(2)]);
      const [older, newer] = await queue.claim('w', 2);
      await queue.ack(newer!.deliveryId);
      const age = await queue.oldestPendingAge();
      assert.ok(age !== null && age >= 0);
      await queue.ack(older!.deliveryId);
      assert.equal(await queue.oldestPendingAge(), null);
    });

    it('flushes enqueues already made when it is closed', async () => {
      const names = streams.next();
      const queue = await openOn(names);
      const pending = queue.enqueueMany([apiEvent(1), apiEvent(2)]);
      await queue.close();
      const accepted = await pending;
      const reopened = await openOn(names);
      assert.deepEqual((await reopened.claim('w', 10)).map((d) => d.event.id), accepted.map((e) => e.id));
    });

    it('rejects a delivery id that this queue did not hand out with QUEUE_INVALID_DELIVERY', async () => {
      const queue = await open();
      const other = await open();
      await other.enqueue(apiEvent(1));
      const [d] = await other.claim('w', 1);
      await assert.rejects(queue.ack(d!.deliveryId), { code: 'QUEUE_INVALID_DELIVERY' });
      await assert.rejects(queue.nack('not-a-delivery'), { code: 'QUEUE_INVALID_DELIVERY' });
    });
  });
}
