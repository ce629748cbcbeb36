import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeBusMessage, encodeBusMessages } from '../../src/events/bus-framing.js';
import { TwinFilter } from '../../src/events/bus-twins.js';
import { serviceEvent, stateEvent, validateEvent } from '../../src/events/documents.js';

const frames = (key: string, content: string): Buffer[] => [Buffer.from(key), Buffer.from(content)];

test('service, retry and raw events go out under their key, the service key with one_hm\'s trailing space', () => {
  assert.deepEqual(encodeBusMessages(serviceEvent(4)).map((m) => m[0]), ['EVENT SERVICE 4 ']);
  assert.deepEqual(encodeBusMessages(validateEvent('RETRY', { HOOK: 1 })).map((m) => m[0]), ['RETRY']);
  assert.deepEqual(encodeBusMessages(validateEvent('EVENT APP x', {}, { raw: true })).map((m) => m[0]), ['EVENT APP x']);
});

test('a decoded message says which key form it used and which change it describes', () => {
  const [[byId, content], [byState]] = encodeBusMessages(stateEvent('VM', 9, 'ACTIVE', 'RUNNING'));
  const a = decodeBusMessage(frames(byId, content));
  const b = decodeBusMessage(frames(byState, content));
  assert.deepEqual([a.form, b.form], ['by-id', 'by-state']);
  assert.equal(a.identity, b.identity);
  assert.deepEqual(a.event, b.event);
});

test('Ruby-style base64 with line breaks is accepted', () => {
  const doc = JSON.stringify({ CALL: 'x', SUCCESS: true, PARAMETERS: ['y'.repeat(100)] });
  const wrapped = Buffer.from(doc).toString('base64').replace(/(.{60})/g, '$1\n');
  assert.equal(decodeBusMessage(frames('EVENT API x 1', wrapped)).event.key, 'EVENT API x 1');
});

test('a RETRY message whose content is not JSON keeps it as CONTENT', () => {
  const ev = decodeBusMessage(frames('RETRY', Buffer.from('/path/cmd 3 args').toString('base64'))).event;
  assert.deepEqual(ev, { key: 'RETRY', kind: 'retry', document: { CONTENT: '/path/cmd 3 args' } });
});

test('the twin filter folds the forms of one change and nothing else', () => {
  const f = new TwinFilter();
  const c = Buffer.from('same');
  assert.equal(f.isTwin('by-id', 'VM/A/B/1', c), false);
  assert.equal(f.isTwin('by-state', 'VM/A/B/1', c), true);
  assert.equal(f.isTwin('service', '', c), true);
  // The same change again: a new group.
  assert.equal(f.isTwin('by-id', 'VM/A/B/1', c), false);
  assert.equal(f.isTwin('by-id', 'VM/A/B/1', c), false);
  // Another change with the same content, or the same change with other content, is not a twin.
  assert.equal(f.isTwin('by-state', 'VM/A/B/2', c), false);
  assert.equal(f.isTwin('by-id', 'VM/A/B/2', Buffer.from('other')), false);
  // A service-only subscriber gets every service message.
  const s = new TwinFilter();
  assert.equal(s.isTwin('service', '', c), false);
  assert.equal(s.isTwin('service', '', c), false);
});
