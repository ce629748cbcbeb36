import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Subscriptions, keyMatchesPrefix } from '../../src/events/subscription.js';

test('a subscription is a key prefix, as ZeroMQ filters it', () => {
  const subs = new Subscriptions(['EVENT STATE HOST/ERROR/']);
  assert.equal(subs.matches('EVENT STATE HOST/ERROR//5 '), true);
  assert.equal(subs.matches('EVENT STATE HOST/INIT//5 '), false);
  assert.equal(keyMatchesPrefix('EVENT API one.vm.allocate 1', 'EVENT API'), true);
});

test('the empty prefix subscribes to everything, and covered prefixes are dropped', () => {
  assert.equal(new Subscriptions(['']).matches('RETRY'), true);
  assert.deepEqual(new Subscriptions(['EVENT STATE', 'EVENT', 'EVENT']).prefixes, ['EVENT']);
});

test('no prefixes means nothing is subscribed', () => {
  assert.equal(new Subscriptions([]).matches('EVENT API x 1'), false);
});
