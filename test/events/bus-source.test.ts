import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Publisher } from 'zeromq';
import { BusPublisher } from '../../src/events/bus-publisher.js';
import { BusSource } from '../../src/events/bus-source.js';
import { apiEvent, stateEvent } from '../../src/events/documents.js';
import type { HooklineEvent } from '../../src/events/event.js';
import { captureLog } from '../support/log-capture.js';
import { PROBE_CONTENT, PROBE_KEY, probeUntil } from './bus-probe.js';

const b64 = (s: string): string => Buffer.from(s).toString('base64');

/** A source whose received events (probes left out) are recorded. */
function recordingSource(connect: string, logger = captureLog().logger, onEvent?: (e: HooklineEvent) => void | Promise<void>) {
  const events: HooklineEvent[] = [];
  let probes = 0;
  const source = BusSource.open({
    connect,
    logger,
    onEvent: async (e) => {
      if (e.key === PROBE_KEY) { probes++; return; }
      await onEvent?.(e);
      events.push(e);
    },
  });
  return { source, events, connected: () => probes > 0 };
}

async function until(cond: () => boolean): Promise<void> {
  await probeUntil(() => undefined, cond);
}

test('the source turns a real publisher\'s messages into events, one per state change', async () => {
  const pub = await BusPublisher.open({ bind: 'tcp://127.0.0.1:0' });
  const rec = recordingSource(pub.endpoint);
  await probeUntil(() => pub.publish(apiEvent('hookline.probe', [], null, true)), rec.connected);
  const api = apiEvent('one.vm.allocate', ['s', 'NAME=x'], 7, false);
  const state = stateEvent('VM', 7, 'ACTIVE', 'PROLOG', { NAME: 'x' }, { host: 'node1', serviceId: 2 });
  await pub.publish(api);
  await pub.publish(state);
  await pub.publish(stateEvent('HOST', 1, 'ERROR', ''));
  await until(() => rec.events.length === 3);
  assert.deepEqual(rec.events, [api, state, stateEvent('HOST', 1, 'ERROR', '')]);
  assert.equal(rec.source.stats.duplicates, 3);
  await rec.source.close();
  pub.close();
});

test('the same state change published twice is two events, not one', async () => {
  const pub = await BusPublisher.open({ bind: 'tcp://127.0.0.1:0' });
  const rec = recordingSource(pub.endpoint);
  await probeUntil(() => pub.publish(apiEvent('hookline.probe', [], null, true)), rec.connected);
  const ev = stateEvent('VM', 3, 'ACTIVE', 'RUNNING');
  await pub.publish(ev);
  await pub.publish(ev);
  await pub.publish(apiEvent('end.marker', [], null, true));
  await until(() => rec.events.length === 3);
  assert.deepEqual(rec.events.map((e) => e.key), ['EVENT STATE VM/ACTIVE/RUNNING', 'EVENT STATE VM/ACTIVE/RUNNING', 'EVENT API end.marker 1']);
  await rec.source.close();
  pub.close();
});

test('OpenNebula\'s own XML messages become events that keep the XML and take the id and host from it', async () => {
  const raw = new Publisher();
  await raw.bind('tcp://127.0.0.1:0');
  const rec = recordingSource(raw.lastEndpoint!);
  await probeUntil(() => raw.send([PROBE_KEY, PROBE_CONTENT]), rec.connected);
  const xml = '<HOOK_MESSAGE><HOOK_TYPE>STATE</HOOK_TYPE><HOOK_OBJECT>VM</HOOK_OBJECT><STATE>PENDING</STATE>'
    + '<LCM_STATE>LCM_INIT</LCM_STATE><RESOURCE_ID>0</RESOURCE_ID><REMOTE_HOST>node7</REMOTE_HOST><VM><ID>0</ID></VM></HOOK_MESSAGE>';
  // Exactly what one_hm sends for one state change: two keys, one content frame.
  await raw.send(['EVENT VM 0/PENDING/LCM_INIT ', b64(xml)]);
  await raw.send(['EVENT STATE VM/PENDING/LCM_INIT/0 ', b64(xml)]);
  const apiXml = '<HOOK_MESSAGE><HOOK_TYPE>API</HOOK_TYPE><CALL>one.user.allocate</CALL><CALL_INFO><RESULT>1</RESULT></CALL_INFO></HOOK_MESSAGE>';
  await raw.send(['EVENT API one.user.allocate 1', b64(apiXml)]);
  await until(() => rec.events.length === 2);
  assert.deepEqual(rec.events[0], {
    key: 'EVENT STATE VM/PENDING/LCM_INIT', kind: 'state',
    document: { RESOURCE: 'VM', ID: 0, STATE: 'PENDING', LCM_STATE: 'LCM_INIT', XML: xml, HOST: 'node7' },
  });
  assert.deepEqual(rec.events[1]!.document, { CALL: 'one.user.allocate', PARAMETERS: [], SUCCESS: true, XML: apiXml });
  await rec.source.close();
  raw.close();
});

test('malformed messages are logged with a message ID and skipped, and the source keeps going', async () => {
  const raw = new Publisher();
  await raw.bind('tcp://127.0.0.1:0');
  const log = captureLog();
  const rec = recordingSource(raw.lastEndpoint!, log.logger);
  await probeUntil(() => raw.send([PROBE_KEY, PROBE_CONTENT]), rec.connected);
  const good = apiEvent('one.vm.deploy', [], 1, true);
  const bad: string[][] = [
    ['EVENT API one.vm.deploy 1'],
    ['EVENT API one.vm.deploy 1', b64('{}'), 'extra'],
    ['EVENT API one.vm.deploy yes', b64(JSON.stringify(good.document))],
    ['EVENT API one.vm.deploy 1', '%%% not base64 %%%'],
    ['EVENT API one.vm.deploy 1', b64('plain text')],
    ['EVENT API one.vm.deploy 1', b64('{"CALL": ')],
    ['EVENT API one.vm.deploy 1', b64('[1,2]')],
    ['EVENT API one.vm.deploy 1', b64(JSON.stringify({ ...good.document, SUCCESS: false }))],
    ['EVENT STATE VM/PENDING/LCM_INIT', b64('<VM><ID>1</ID></VM>')],
  ];
  for (const frames of bad) await raw.send(frames);
  await raw.send([good.key, b64(JSON.stringify(good.document))]);
  await until(() => rec.events.length === 1);
  assert.deepEqual(rec.events, [good]);
  assert.equal(rec.source.stats.malformed, bad.length);
  assert.equal(log.ids().filter((id) => id === 'EVENTS_SOURCE_MALFORMED').length, bad.length);
  await rec.source.close();
  raw.close();
});

test('a callback that fails is logged and the next event is still delivered, in order', async () => {
  const pub = await BusPublisher.open({ bind: 'tcp://127.0.0.1:0' });
  const log = captureLog();
  const rec = recordingSource(pub.endpoint, log.logger, async (e) => {
    await new Promise((r) => setTimeout(r, 5));
    if (e.key === 'EVENT API fail.me 1') throw new Error('store refused');
  });
  await probeUntil(() => pub.publish(apiEvent('hookline.probe', [], null, true)), rec.connected);
  for (const call of ['a.first', 'fail.me', 'b.second', 'c.third']) await pub.publish(apiEvent(call, [], null, true));
  await until(() => rec.events.length === 3);
  assert.deepEqual(rec.events.map((e) => e.key), ['EVENT API a.first 1', 'EVENT API b.second 1', 'EVENT API c.third 1']);
  assert.equal(rec.source.stats.failed, 1);
  assert.ok(log.has('EVENTS_SOURCE_HANDLER_FAILED'));
  await rec.source.close();
  pub.close();
});

test('a source subscribed to one prefix receives only those keys', async () => {
  const pub = await BusPublisher.open({ bind: 'tcp://127.0.0.1:0' });
  const events: HooklineEvent[] = [];
  let probes = 0;
  const source = BusSource.open({
    connect: pub.endpoint,
    subscriptions: ['EVENT STATE HOST/', PROBE_KEY],
    onEvent: (e) => { if (e.key === PROBE_KEY) probes++; else events.push(e); },
  });
  await probeUntil(() => pub.publish(apiEvent('hookline.probe', [], null, true)), () => probes > 0);
  await pub.publish(stateEvent('VM', 1, 'ACTIVE', 'RUNNING'));
  await pub.publish(apiEvent('one.host.allocate', [], 1, true));
  await pub.publish(stateEvent('HOST', 1, 'ERROR', ''));
  await until(() => events.length === 1);
  assert.equal(events[0]!.key, 'EVENT STATE HOST/ERROR/');
  await source.close();
  pub.close();
});

test('a source pointed at a publisher that is not there yet connects once it starts', async () => {
  const placeholder = new Publisher();
  await placeholder.bind('tcp://127.0.0.1:0');
  const endpoint = placeholder.lastEndpoint!;
  placeholder.close();
  const rec = recordingSource(endpoint);
  await new Promise((r) => setTimeout(r, 50));
  const pub = await BusPublisher.open({ bind: endpoint });
  await probeUntil(() => pub.publish(apiEvent('hookline.probe', [], null, true)), rec.connected);
  await pub.publish(apiEvent('late.call', [], null, true));
  await until(() => rec.events.length === 1);
  await rec.source.close();
  await rec.source.close();
  pub.close();
});

test('a source with an empty subscription list is refused rather than subscribed to everything', () => {
  assert.throws(() => BusSource.open({ connect: 'tcp://127.0.0.1:1', subscriptions: [], onEvent: () => undefined }),
    { code: 'EVENTS_SOURCE_NO_SUBSCRIPTIONS' });
});
