import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DynamicHooks, Timing, TimingContext } from '../../src/dynamic/index.js';

/** A clock the test moves by hand, so durations are exact without timing anything. */
function manualClock(): { now: () => number; advance: (ms: number) => void } {
  let t = 1000;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

test('phases nest under the innermost open phase and report their durations', () => {
  const clock = manualClock();
  const ctx = new TimingContext('req-1', clock.now, 100);
  ctx.enter('access');
  clock.advance(2);
  ctx.enter('router');
  clock.advance(3);
  ctx.leave('router');
  ctx.setProp('route', '/users');
  ctx.leave('access');
  clock.advance(1);
  assert.deepEqual(ctx.report(), {
    requestId: 'req-1', ms: 6, count: 1,
    children: { access: { ms: 5, count: 1, props: { route: '/users' }, children: { router: { ms: 3, count: 1 } } } },
  });
});

test('repeated phases of the same name merge their count and time', () => {
  const clock = manualClock();
  const ctx = new TimingContext('r', clock.now, 100);
  for (let i = 1; i <= 3; i++) {
    ctx.enter('db');
    clock.advance(i);
    ctx.leave('db');
  }
  assert.deepEqual(ctx.report().children, { db: { ms: 6, count: 3 } });
});

test('overlapping phases of the same name still add up to the right total', () => {
  const clock = manualClock();
  const ctx = new TimingContext('r', clock.now, 100);
  ctx.enter('query'); // first starts at 0
  clock.advance(1);
  ctx.enter('query'); // second starts at 1, nested under the first
  clock.advance(1);
  ctx.leave('query'); // first call ends at 2, closing the most recent same-named entry
  clock.advance(3);
  ctx.leave('query'); // second ends at 5
  const total = (ctx.report().children!.query!.ms) + (ctx.report().children!.query!.children?.query?.ms ?? 0);
  assert.equal(total, 2 + 4);
});

test('a phase still open when the report is taken counts up to now and is marked open', () => {
  const clock = manualClock();
  const ctx = new TimingContext('r', clock.now, 100);
  ctx.enter('handler');
  clock.advance(4);
  assert.deepEqual(ctx.report().children, { handler: { ms: 4, count: 1, open: true } });
  assert.equal(ctx.leave('never-entered'), false);
});

test('the report stops growing at its cap and says how much it dropped', () => {
  const clock = manualClock();
  const ctx = new TimingContext('r', clock.now, 3);
  for (const name of ['a', 'b', 'c', 'd']) {
    ctx.enter(name);
    ctx.enter(`${name}-inner`);
    ctx.leave(`${name}-inner`);
    ctx.leave(name);
  }
  ctx.setRootProp('late', true);
  const report = ctx.report();
  assert.deepEqual(Object.keys(report.children!), ['a']);
  assert.deepEqual(Object.keys(report.children!.a!.children!), ['a-inner']);
  assert.deepEqual(report.truncated, { dropped: 7 });
});

test('timing markers and patch points record only on requests that began timing', async () => {
  const dyn = new DynamicHooks();
  const timing = new Timing(dyn);
  const db = { async query(sql: string): Promise<string> { await new Promise((r) => setImmediate(r)); return `rows for ${sql}`; } };
  const undo = timing.patch(db, 'query', 'db.query');

  const untimed = await dyn.runInRequest(async () => {
    timing.enter('work');
    await db.query('select 1');
    timing.leave('work');
    return timing.report();
  });
  assert.equal(untimed, undefined);

  const report = await dyn.runInRequest(async () => {
    timing.begin('timed-1');
    timing.enter('work');
    timing.setProp('user', 7);
    await Promise.all([db.query('a'), db.query('b')]);
    timing.leave('work');
    return timing.report();
  });
  assert.equal(report?.requestId, 'timed-1');
  const work = report!.children!.work!;
  assert.equal(work.count, 1);
  assert.deepEqual(work.props, { user: 7 });
  const queries = work.children!['db.query']!;
  assert.equal(queries.count + (queries.children?.['db.query']?.count ?? 0), 2);
  assert.equal(work.open, undefined);
  undo();
});

test('begin outside a request scope is refused', () => {
  const timing = new Timing(new DynamicHooks());
  assert.throws(() => timing.begin(), { code: 'HOOKLINE_DYNAMIC_NO_REQUEST_SCOPE' });
});
