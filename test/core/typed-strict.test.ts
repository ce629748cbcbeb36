import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HooksManager, NextStep, argument, defineHookPoint, type CalloutHandle } from '../../src/index.js';
import { captureLog } from '../support/log-capture.js';

interface Query { id: number; name: string }

const pktReceive = defineHookPoint({
  description: 'A query was received.',
  arguments: {
    query: argument<Query>('in', 'Query', 'the query'),
    answer: argument<string>('out', 'string', 'the answer, if a callout has one'),
    ttl: argument<number>('in/out', 'number', 'time to live'),
  },
  statuses: { SKIP: 'the server does not answer the query itself', DROP: 'the query is dropped' },
});

type DemoHooks = { pkt_receive: { query: Query; answer: string; ttl: number } };

test('argument types are inferred from a declared spec', () => {
  const hooks = new HooksManager<DemoHooks>();
  const idx = hooks.registerHook('pkt_receive', pktReceive);
  const h = hooks.createCalloutHandle<{ query: Query; answer: string; ttl: number }>();
  h.setArgument('query', { id: 1, name: 'a' });
  h.setArgument('ttl', 60);
  const compileTimeOnly = (): void => {
    // @ts-expect-error: ttl is a number
    h.setArgument('ttl', 'sixty');
    // @ts-expect-error: no such argument on this hook point
    h.getArgument('nope');
  };
  void compileTimeOnly;
  hooks.preCalloutsLibraryHandle().registerCallout('pkt_receive', (ch) => {
    const q: Query = ch.getArgument('query');
    ch.setArgument('answer', q.name.toUpperCase());
  });
  h.setArgument('ttl', 60);
  hooks.callCalloutsSync(idx, h);
  const answer: string = h.getArgument('answer');
  assert.equal(answer, 'A');
});

test('a callout registered on a typed hook point gets a typed handle', () => {
  const hooks = new HooksManager<DemoHooks>();
  hooks.registerHook('pkt_receive', pktReceive);
  hooks.preCalloutsLibraryHandle().registerCallout('pkt_receive', (h: CalloutHandle<DemoHooks['pkt_receive']>) => {
    // @ts-expect-error: "query" is a Query, not a string
    const wrong: string = h.getArgument('query');
    void wrong;
  });
  assert.ok(true, 'compile-time assertions above');
});

test('in strict mode, a missing input argument is refused before any callout runs', () => {
  const hooks = new HooksManager({ strict: true });
  const idx = hooks.registerHook('pkt_receive', pktReceive);
  let ran = false;
  hooks.preCalloutsLibraryHandle().registerCallout('pkt_receive', () => { ran = true; });
  const h = hooks.createCalloutHandle();
  h.setArgument('query', { id: 1, name: 'a' });
  assert.throws(() => hooks.callCalloutsSync(idx, h), { code: 'HOOKS_NO_SUCH_ARGUMENT', message: /ttl/ });
  assert.equal(ran, false);
});

test('in strict mode, an input argument of the wrong type is refused with the hook and argument named', () => {
  const hooks = new HooksManager({ strict: true });
  const idx = hooks.registerHook('pkt_receive', pktReceive);
  hooks.preCalloutsLibraryHandle().registerCallout('pkt_receive', () => undefined);
  const h = hooks.createCalloutHandle();
  h.setArgument('query', 'not an object');
  h.setArgument('ttl', 1);
  assert.throws(() => hooks.callCalloutsSync(idx, h), { code: 'HOOKS_ARGUMENT_TYPE', message: /argument "query" of hook "pkt_receive" must be Query, got string/ });
});

test('in strict mode, a callout setting an argument of the wrong type is a callout error that forces DROP', () => {
  const log = captureLog();
  const hooks = new HooksManager({ strict: true, logger: log.logger });
  const idx = hooks.registerHook('pkt_receive', pktReceive);
  hooks.preCalloutsLibraryHandle().registerCallout('pkt_receive', (h) => { h.setArgument('answer', 42); });
  const h = hooks.createCalloutHandle();
  h.setArgument('query', { id: 1, name: 'a' });
  h.setArgument('ttl', 1);
  hooks.callCalloutsSync(idx, h);
  assert.equal(h.getStatus(), NextStep.DROP);
  const rec = log.records.find((r) => r.msgId === 'HOOKS_CALLOUT_EXCEPTION');
  assert.equal((rec?.error as { code?: string })?.code, 'HOOKS_ARGUMENT_TYPE');
  assert.equal(h.hasArgument('answer'), false);
});

test('without strict mode, arguments are not checked at run time', () => {
  const hooks = new HooksManager();
  const idx = hooks.registerHook('pkt_receive', pktReceive);
  hooks.preCalloutsLibraryHandle().registerCallout('pkt_receive', () => undefined);
  const h = hooks.createCalloutHandle();
  hooks.callCalloutsSync(idx, h);
  assert.equal(h.getStatus(), NextStep.CONTINUE);
});
