import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ExecutionPool } from '../../src/hem/execution-pool.js';
import { Executor, type ExecutableHook } from '../../src/hem/executor.js';
import { fixturesDir, tempDir } from '../support/paths.js';

const commandsDir = path.join(fixturesDir, 'commands');
const executor = new Executor({ hookBasePath: commandsDir });
const scratch = tempDir();
let dirs = 0;
const freshDir = (): string => fs.mkdtempSync(path.join(scratch, `${dirs++}-`));

function runCommand(command: string, args: string) {
  const hook: ExecutableHook = { id: 0, name: 'pool-test', command, arguments: args, argumentsStdin: false, remote: false };
  return async () => executor.run(await executor.plan(hook, { id: '1', key: 'EVENT API test 1', document: {} }));
}

/** A promise with its settle functions, to hold a task open until the test lets it go. */
function deferred<T = void>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => { resolve = res; reject = rej; });
  return { promise, resolve, reject };
}

describe('ExecutionPool', () => {
  before(() => {
    for (const f of fs.readdirSync(commandsDir)) if (f.endsWith('.sh')) fs.chmodSync(path.join(commandsDir, f), 0o755);
  });

  it('runs as many commands at once as its concurrency and never more', async () => {
    const dir = freshDir();
    const pool = new ExecutionPool({ concurrency: 3 });
    // The first three wait until three are running at once (they fail if that never happens);
    // every command records how many were running when it started and a moment later.
    const outcomes = await Promise.all([
      ...[0, 1, 2].map((i) => pool.submit(`barrier-${i}`, runCommand('slot.sh', `${dir} 3`))),
      ...Array.from({ length: 9 }, (_, i) => pool.submit(`free-${i}`, runCommand('slot.sh', `${dir} 0`))),
    ]);
    assert.deepEqual(outcomes.map((o) => o.status), Array(12).fill('SUCCESS'), outcomes.map((o) => o.stderr).join(''));
    const observed = fs.readdirSync(dir).filter((f) => f.startsWith('observed.'))
      .flatMap((f) => fs.readFileSync(path.join(dir, f), 'utf8').trim().split('\n').map(Number));
    assert.equal(observed.length, 24);
    assert.equal(Math.max(...observed), 3);
  });

  it('runs the executions of one key in submission order, one at a time, while other keys proceed', async () => {
    const dir = freshDir();
    const pool = new ExecutionPool({ concurrency: 4 });
    const submitted: Promise<unknown>[] = [];
    for (let i = 0; i < 8; i++) {
      for (const key of ['hook0/VM/1', 'hook0/VM/2', 'hook1/VM/1']) {
        submitted.push(pool.submit(key, runCommand('append-in-order.sh', `${path.join(dir, key.replace(/\//g, '_'))} ${i}`)));
      }
    }
    await Promise.all(submitted);
    for (const key of ['hook0_VM_1', 'hook0_VM_2', 'hook1_VM_1']) {
      assert.equal(fs.readFileSync(path.join(dir, key), 'utf8'), '0\n1\n2\n3\n4\n5\n6\n7\n');
    }
  });

  it('holds a later task of a key back while an earlier one runs, even with free slots', async () => {
    const pool = new ExecutionPool({ concurrency: 4 });
    const gate = deferred();
    const order: string[] = [];
    const first = pool.submit('k', async () => { await gate.promise; order.push('first'); });
    const second = pool.submit('k', async () => { order.push('second'); });
    const other = pool.submit('other', async () => { order.push('other'); });
    await other;
    assert.equal(pool.running, 1);
    assert.equal(pool.queued, 1);
    gate.resolve();
    await Promise.all([first, second]);
    assert.deepEqual(order, ['other', 'first', 'second']);
  });

  it('rejects only the submit of a failing task and runs the next task of its key', async () => {
    const pool = new ExecutionPool({ concurrency: 1 });
    const failing = pool.submit('k', async () => { throw new Error('boom'); });
    const throwing = pool.submit('k', () => { throw new Error('sync boom'); });
    const next = pool.submit('k', async () => 'ran');
    await assert.rejects(failing, /boom/);
    await assert.rejects(throwing, /sync boom/);
    assert.equal(await next, 'ran');
  });

  it('reports saturation at maxQueued waiting tasks and releases whenAvailable once one starts', async () => {
    const pool = new ExecutionPool({ concurrency: 1, maxQueued: 2 });
    const gates = [deferred(), deferred(), deferred()];
    const tasks = gates.map((g, i) => pool.submit(`k${i}`, () => g.promise));
    assert.equal(pool.running, 1);
    assert.equal(pool.queued, 2);
    assert.equal(pool.saturated, true);
    let released = false;
    const available = pool.whenAvailable().then(() => { released = true; });
    await Promise.resolve();
    assert.equal(released, false);
    gates[0]!.resolve();
    await available;
    assert.equal(pool.saturated, false);
    gates[1]!.resolve();
    gates[2]!.resolve();
    await Promise.all(tasks);
  });

  it('drains when every submitted task has settled, and refuses tasks after close', async () => {
    const pool = new ExecutionPool({ concurrency: 2 });
    const gate = deferred();
    let finished = 0;
    for (let i = 0; i < 5; i++) void pool.submit(`k${i % 2}`, async () => { await gate.promise; finished++; });
    const closed = pool.close();
    await assert.rejects(pool.submit('late', async () => 1), { code: 'HEM_POOL_CLOSED' });
    gate.resolve();
    await closed;
    assert.equal(finished, 5);
    assert.equal(pool.running + pool.queued, 0);
  });

  it('refuses a concurrency below 1', () => {
    assert.throws(() => new ExecutionPool({ concurrency: 0 }), RangeError);
  });
});
