import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  apiKey, canonicalKey, parseKey, RETRY_KEY, serviceBusKey, serviceKey, stateBusKeys, stateKey,
} from '../../src/events/keys.js';
import { EventKeyError } from '../../src/events/errors.js';

function keyError(key: string): EventKeyError {
  try {
    parseKey(key);
  } catch (err) {
    assert.ok(err instanceof EventKeyError, `expected EventKeyError, got ${String(err)}`);
    assert.equal(err.code, 'EVENTS_KEY_INVALID');
    return err;
  }
  assert.fail(`key ${JSON.stringify(key)} parsed but should not have`);
}

test('apiKey builds EVENT API <call> <1|0> without a trailing space, as one_hm sends it', () => {
  assert.equal(apiKey('one.user.allocate', true), 'EVENT API one.user.allocate 1');
  assert.equal(apiKey('one.hook.info', false), 'EVENT API one.hook.info 0');
});

test('stateKey builds the canonical key and leaves an absent LCM state empty', () => {
  assert.equal(stateKey('VM', 'PENDING', 'LCM_INIT'), 'EVENT STATE VM/PENDING/LCM_INIT');
  assert.equal(stateKey('HOST', 'INIT'), 'EVENT STATE HOST/INIT/');
});

test('a state change goes on the bus under both of one_hm\'s keys, each ending in a space, by id first', () => {
  assert.deepEqual(stateBusKeys('VM', 0, 'PENDING', 'LCM_INIT'), ['EVENT VM 0/PENDING/LCM_INIT ', 'EVENT STATE VM/PENDING/LCM_INIT/0 ']);
  assert.deepEqual(stateBusKeys('HOST', 5, 'ERROR'), ['EVENT HOST 5/ERROR/ ', 'EVENT STATE HOST/ERROR//5 ']);
});

test('service and retry keys follow the grammar', () => {
  assert.equal(serviceKey(3), 'EVENT SERVICE 3');
  assert.equal(serviceBusKey(3), 'EVENT SERVICE 3 ');
  assert.deepEqual(parseKey(RETRY_KEY), { kind: 'retry' });
});

test('every key form parses to its parts', () => {
  assert.deepEqual(parseKey('EVENT API one.vm.allocate 0'), { kind: 'api', call: 'one.vm.allocate', success: false });
  assert.deepEqual(parseKey('EVENT STATE VM/PENDING/LCM_INIT'), { kind: 'state', resource: 'VM', state: 'PENDING', lcmState: 'LCM_INIT' });
  assert.deepEqual(parseKey('EVENT STATE HOST/ERROR//5 '), { kind: 'state', resource: 'HOST', state: 'ERROR', lcmState: '', id: '5' });
  assert.deepEqual(parseKey('EVENT VM 12/ACTIVE/RUNNING '), { kind: 'state', resource: 'VM', state: 'ACTIVE', lcmState: 'RUNNING', id: '12' });
  assert.deepEqual(parseKey('EVENT HOST 0/INIT/'), { kind: 'state', resource: 'HOST', state: 'INIT', lcmState: '', id: '0' });
  assert.deepEqual(parseKey('EVENT SERVICE 4 '), { kind: 'service', id: '4' });
});

test('bus forms canonicalise to the key without id or trailing space', () => {
  assert.equal(canonicalKey('EVENT VM 12/ACTIVE/RUNNING '), 'EVENT STATE VM/ACTIVE/RUNNING');
  assert.equal(canonicalKey('EVENT STATE HOST/ERROR//5 '), 'EVENT STATE HOST/ERROR/');
  assert.equal(canonicalKey('EVENT SERVICE 4 '), 'EVENT SERVICE 4');
  assert.equal(canonicalKey('EVENT API one.vm.allocate 1'), 'EVENT API one.vm.allocate 1');
});

test('a bad success flag is named', () => {
  const err = keyError('EVENT API one.vm.allocate yes');
  assert.equal(err.part, 'success flag "yes"');
  assert.match(err.message, /must be 1 or 0/);
});

test('a state key with two parts is refused, naming the triple', () => {
  assert.match(keyError('EVENT STATE HOST/ERROR').message, /state triple "HOST\/ERROR" must be <RESOURCE>\/<STATE>\/<LCM_STATE>/);
});

test('an empty state is refused, naming the state', () => {
  assert.equal(keyError('EVENT STATE VM//LCM_INIT').part, 'state ""');
});

test('a key that does not start with EVENT names its first word', () => {
  assert.match(keyError('HELLO API x 1').message, /first word "HELLO" must be EVENT/);
});

test('double spaces and control characters are refused', () => {
  assert.equal(keyError('EVENT  API x 1').part, 'spacing');
  assert.match(keyError('EVENT API x\n 1').message, /control characters/);
});

test('a by-id key with a bad id part is refused, naming it', () => {
  assert.match(keyError('EVENT VM 12/ACTIVE').message, /"12\/ACTIVE" must be <id>\/<STATE>\/<LCM_STATE>/);
  assert.match(keyError('EVENT VM /ACTIVE/RUNNING').message, /id "" must be a non-empty identifier/);
});

test('builders refuse parts that would break the grammar', () => {
  assert.throws(() => apiKey('one user', true), { code: 'EVENTS_KEY_INVALID' });
  assert.throws(() => stateKey('VM', 'A/B', ''), { code: 'EVENTS_KEY_INVALID' });
  assert.throws(() => stateBusKeys('VM', '1 2', 'A', ''), { code: 'EVENTS_KEY_INVALID' });
});

test('keys outside the grammar are accepted as raw only when asked', () => {
  assert.deepEqual(parseKey('EVENT CUSTOM thing happened', { raw: true }), { kind: 'raw', key: 'EVENT CUSTOM thing happened' });
  keyError('EVENT CUSTOM thing happened');
});
