import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Subscriber } from 'zeromq';
import { BusPublisher, DEFAULT_BUS_BIND } from '../../src/events/bus-publisher.js';
import { apiEvent, stateEvent } from '../../src/events/documents.js';
import { BusSocketError } from '../../src/events/errors.js';
import { captureLog } from '../support/log-capture.js';
import { probeUntil, RecordingSubscriber } from './bus-probe.js';

const EPHEMERAL = 'tcp://127.0.0.1:0';
const probe = apiEvent('hookline.probe', [], null, true);
const text = (frames: Buffer[]): string[] => frames.map((f) => f.toString('utf8'));
const decode = (b64: Buffer): unknown => JSON.parse(Buffer.from(b64.toString(), 'base64').toString('utf8'));

async function connected(prefixes: string[]): Promise<{ pub: BusPublisher; sub: RecordingSubscriber }> {
  const pub = await BusPublisher.open({ bind: EPHEMERAL });
  const sub = new RecordingSubscriber(pub.endpoint, prefixes);
  await probeUntil(() => pub.publish(probe), () => sub.connected);
  return { pub, sub };
}

test('the default bus address is OpenNebula\'s, tcp://127.0.0.1:2101', () => {
  assert.equal(DEFAULT_BUS_BIND, 'tcp://127.0.0.1:2101');
});

test('binding to port 0 publishes on a real ephemeral port named by endpoint', async () => {
  const pub = await BusPublisher.open({ bind: EPHEMERAL });
  assert.match(pub.endpoint, /^tcp:\/\/127\.0\.0\.1:[1-9][0-9]*$/);
  pub.close();
});

test('a stock subscriber to EVENT receives an API event as two frames: the key, then base64 of the JSON document', async () => {
  const { pub, sub } = await connected(['EVENT']);
  const ev = apiEvent('one.user.allocate', ['s', 'alice', 'pw'], 3, true);
  assert.equal(await pub.publish(ev), true);
  const [frames] = await sub.waitFor(1);
  assert.equal(frames!.length, 2);
  assert.equal(frames![0]!.toString(), 'EVENT API one.user.allocate 1');
  assert.equal(frames![1]!.toString(), Buffer.from(JSON.stringify(ev.document)).toString('base64'));
  assert.deepEqual(decode(frames![1]!), { CALL: 'one.user.allocate', PARAMETERS: ['****', 'alice', '****'], SUCCESS: true, RESULT: 3 });
  await sub.close();
  pub.close();
});

test('a state event goes out under both of one_hm\'s keys with one content frame, plus the service key when it has one', async () => {
  const { pub, sub } = await connected(['EVENT']);
  await pub.publish(stateEvent('VM', 0, 'PENDING', 'LCM_INIT', undefined, { serviceId: 4 }));
  const got = await sub.waitFor(3);
  assert.deepEqual(got.map((f) => f[0]!.toString()), ['EVENT VM 0/PENDING/LCM_INIT ', 'EVENT STATE VM/PENDING/LCM_INIT/0 ', 'EVENT SERVICE 4 ']);
  assert.equal(new Set(got.map((f) => f[1]!.toString())).size, 1);
  assert.deepEqual(decode(got[0]![1]!), { RESOURCE: 'VM', ID: 0, STATE: 'PENDING', LCM_STATE: 'LCM_INIT', SERVICE_ID: 4 });
  assert.equal(pub.stats.dropped, 0);
  await sub.close();
  pub.close();
});

test('a subscriber to OpenNebula\'s prefix for host errors gets exactly those, with the empty LCM part', async () => {
  const { pub, sub } = await connected(['EVENT STATE HOST/ERROR/']);
  await pub.publish(stateEvent('HOST', 5, 'INIT', ''));
  await pub.publish(apiEvent('one.host.allocate', [], 5, true));
  await pub.publish(stateEvent('HOST', 5, 'ERROR', ''));
  const [frames] = await sub.waitFor(1);
  assert.deepEqual(text(frames!).slice(0, 1), ['EVENT STATE HOST/ERROR//5 ']);
  await pub.publish(stateEvent('HOST', 6, 'ERROR', ''));
  const got = await sub.waitFor(2);
  assert.equal(got[1]![0]!.toString(), 'EVENT STATE HOST/ERROR//6 ');
  await sub.close();
  pub.close();
});

test('when a subscriber stops reading, publishing never waits: messages are dropped and counted, then delivery recovers', async () => {
  const log = captureLog();
  const pub = await BusPublisher.open({ bind: EPHEMERAL, hwm: 4, logger: log.logger });
  const stalled = new Subscriber({ receiveHighWaterMark: 4 });
  stalled.connect(pub.endpoint);
  stalled.subscribe('EVENT');
  // Wait for the connection: a receive that gets a probe proves it.
  let seen = false;
  const first = stalled.receive().then(() => { seen = true; });
  await probeUntil(() => pub.publish(probe), () => seen);
  await first;
  const big = apiEvent('app.upload', ['x'.repeat(64 * 1024)], null, true);
  let refused = 0;
  for (let i = 0; i < 20_000 && refused === 0; i++) if (!(await pub.publish(big))) refused++;
  assert.equal(refused, 1);
  assert.ok(pub.stats.dropped >= 1);
  assert.ok(log.has('EVENTS_BUS_DROPPING'));
  stalled.close();
  // With the stalled subscriber gone, the next publish is delivered (to nobody) and the bus recovers.
  await probeUntil(() => pub.publish(probe), () => log.has('EVENTS_BUS_RECOVERED'));
  pub.close();
});

test('binding an address already in use fails with a BusSocketError naming the address', async () => {
  const pub = await BusPublisher.open({ bind: EPHEMERAL });
  await assert.rejects(BusPublisher.open({ bind: pub.endpoint }), (err: unknown) =>
    err instanceof BusSocketError && err.code === 'EVENTS_BUS_SOCKET' && err.message.includes(pub.endpoint));
  pub.close();
});

test('a closed publisher refuses further events without throwing, and closing twice is harmless', async () => {
  const log = captureLog();
  const pub = await BusPublisher.open({ bind: EPHEMERAL, logger: log.logger });
  pub.close();
  pub.close();
  assert.equal(await pub.publish(probe), false);
  assert.deepEqual(log.ids().filter((id) => id === 'EVENTS_BUS_CLOSED'), ['EVENTS_BUS_CLOSED']);
});
