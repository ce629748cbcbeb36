import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter, once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { DynamicHooks } from '../../src/dynamic/index.js';

function withGroups(...groups: string[]): DynamicHooks {
  const dyn = new DynamicHooks();
  for (const g of groups) dyn.hook(g, 'noop', () => {});
  return dyn;
}

test('outside any request only groups enabled by default count', () => {
  const dyn = withGroups('a', 'b');
  dyn.enableByDefault('a');
  assert.equal(dyn.isGroupEnabled('a'), true);
  assert.equal(dyn.isGroupEnabled('b'), false);
  assert.equal(dyn.isGroupEnabled('never-declared'), false);
  dyn.disableByDefault('a');
  assert.equal(dyn.isGroupEnabled('a'), false);
});

test('a group enabled on a request is enabled there and nowhere else', async () => {
  const dyn = withGroups('a');
  await dyn.runInRequest(async () => {
    assert.equal(dyn.isGroupEnabled('a'), false);
    dyn.enableOnThisRequest('a');
    assert.equal(dyn.isGroupEnabled('a'), true);
  });
  assert.equal(dyn.isGroupEnabled('a'), false);
  await dyn.runInRequest(async () => assert.equal(dyn.isGroupEnabled('a'), false));
});

test('the request context follows await, timers, immediates and event emitters', async () => {
  const dyn = withGroups('a');
  const seen: Record<string, boolean> = {};
  const emitter = new EventEmitter();
  await dyn.runInRequest(async () => {
    dyn.enableOnThisRequest('a');
    await sleep(1);
    seen.afterAwait = dyn.isGroupEnabled('a');
    await new Promise<void>((resolve) => setTimeout(() => {
      seen.inTimer = dyn.isGroupEnabled('a');
      resolve();
    }, 1));
    await new Promise<void>((resolve) => setImmediate(() => {
      seen.inImmediate = dyn.isGroupEnabled('a');
      resolve();
    }));
    emitter.on('ping', () => (seen.inListener = dyn.isGroupEnabled('a')));
    const pong = once(emitter, 'ping');
    setTimeout(() => emitter.emit('ping'), 1);
    await pong;
  });
  assert.deepEqual(seen, { afterAwait: true, inTimer: true, inImmediate: true, inListener: true });
});

test('concurrent requests keep their enabled groups apart', async () => {
  const dyn = withGroups('a', 'b');
  let release!: () => void;
  const both = new Promise<void>((r) => (release = r));
  let started = 0;
  const view = (own: string) => dyn.runInRequest(async () => {
    dyn.enableOnThisRequest(own);
    if (++started === 2) release();
    await both;
    return { a: dyn.isGroupEnabled('a'), b: dyn.isGroupEnabled('b') };
  });
  const [first, second] = await Promise.all([view('a'), view('b')]);
  assert.deepEqual(first, { a: true, b: false });
  assert.deepEqual(second, { a: false, b: true });
});

test('a nested runInRequest opens a fresh request that does not leak its groups outward', () => {
  const dyn = withGroups('a', 'b');
  dyn.runInRequest(() => {
    dyn.enableOnThisRequest('a');
    dyn.runInRequest(() => {
      assert.equal(dyn.isGroupEnabled('a'), false);
      dyn.enableOnThisRequest('b');
    });
    assert.equal(dyn.isGroupEnabled('a'), true);
    assert.equal(dyn.isGroupEnabled('b'), false);
  });
});

test('the request scope closes when its function settles, so work left behind runs with its groups off', async () => {
  const dyn = withGroups('a');
  let late!: Promise<boolean>;
  await dyn.runInRequest(async () => {
    dyn.enableOnThisRequest('a');
    late = new Promise((resolve) => setTimeout(() => resolve(dyn.isGroupEnabled('a')), 5));
  });
  assert.equal(await late, false);
});

test('runInRequest returns the function result and passes its error through unchanged', async () => {
  const dyn = new DynamicHooks();
  assert.equal(dyn.runInRequest(() => 42), 42);
  assert.equal(await dyn.runInRequest(async () => 'done'), 'done');
  const boom = new Error('boom');
  assert.throws(() => dyn.runInRequest(() => { throw boom; }), (e) => e === boom);
  await assert.rejects(dyn.runInRequest(async () => { throw boom; }), (e) => e === boom);
});

test('enableOnThisRequest refuses an unknown group, naming it', () => {
  const dyn = withGroups('known');
  dyn.runInRequest(() => {
    assert.throws(() => dyn.enableOnThisRequest('typo'), (e: Error & { code?: string }) =>
      e.code === 'HOOKLINE_DYNAMIC_UNKNOWN_GROUP' && e.message.includes('"typo"') && e.message.includes('"known"'));
    assert.equal(dyn.isGroupEnabled('typo'), false);
  });
});

test('enableOnThisRequest outside a request, or after its scope closed, is an error', async () => {
  const dyn = withGroups('a');
  assert.throws(() => dyn.enableOnThisRequest('a'), { code: 'HOOKLINE_DYNAMIC_NO_REQUEST_SCOPE' });
  let later!: Promise<unknown>;
  dyn.runInRequest(() => {
    later = new Promise((resolve) => setImmediate(() => {
      try {
        dyn.enableOnThisRequest('a');
        resolve(undefined);
      } catch (e) {
        resolve(e);
      }
    }));
  });
  assert.equal(((await later) as { code?: string }).code, 'HOOKLINE_DYNAMIC_NO_REQUEST_SCOPE');
});

test('a group enabled by default before anything hooks into it can be enabled per request too', () => {
  const dyn = new DynamicHooks();
  dyn.enableByDefault('early');
  dyn.disableByDefault('early');
  dyn.runInRequest(() => {
    dyn.enableOnThisRequest('early');
    assert.equal(dyn.isGroupEnabled('early'), true);
  });
});
