/**
 * Stopping the Hook Execution Manager: nothing more starts, running commands
 * are cut short after the grace period, and their events stay queued to run
 * again (marked interrupted) instead of being recorded as failures and acked.
 * Real SQLite, real child processes.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { HookExecutionManager } from '../../src/hem/hook-execution-manager.js';
import { Executor } from '../../src/hem/executor.js';
import { parseHookTemplate } from '../../src/hem/template-validator.js';
import { eventually } from '../support/nats.js';
import { localSetup, stateHook, vmEvent, readLog, recorder } from '../support/hem-recorder.js';

describe('HookExecutionManager.close', () => {
  it('starts nothing more, cuts a running command short after the grace, and leaves both events queued to run again', async () => {
    const { store, queue, dir, log } = localSetup(30);
    const start = (): Promise<HookExecutionManager> => HookExecutionManager.start({
      store, queue, executor: new Executor({ hookBasePath: dir, killGraceMs: 500 }), concurrency: 1, workerId: 'w', pollMs: 20,
    });
    try {
      const hook = await store.createHook(parseHookTemplate(stateHook('p', 'PENDING')));
      const [first, second] = await queue.enqueueMany([vmEvent(1, 'PENDING', 0), vmEvent(2, 'PENDING', 1)]);
      const hem = await start();
      await eventually('the first command to start', async () => (readLog(log).length > 0 ? true : undefined));
      // The pool is full (one slot, one running, one waiting): close must not wait for the 30 s command.
      await hem.close(200);
      assert.deepEqual(readLog(log).map((l) => `${l.phase} ${l.eventId}`), [`start ${first!.id}`], 'the second never started, the first never ended');
      assert.equal(await queue.depth(), 2, 'both events are still queued');
      assert.deepEqual((await store.listInterrupted()).map((r) => r.eventId), [first!.id], 'the cut-short record stays RUNNING');

      recorder(dir, log, 0.01);
      const again = await start();
      await eventually('both events to run', async () => ((await queue.depth()) === 0 ? true : undefined));
      await again.close();
      const records = await store.queryExecutions({ hookId: hook.id });
      assert.deepEqual(records.map((r) => [r.eventId, r.status, r.interrupted]).sort(), [[first!.id, 'SUCCESS', true], [second!.id, 'SUCCESS', false]].sort());
    } finally {
      await queue.close();
      await store.close();
    }
  });
});
