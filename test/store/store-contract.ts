/**
 * The `Store` contract: every implementation (SQLite here, PostgreSQL in the
 * scale-out issue) runs exactly these tests through `storeContract`.
 */
import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import type { Store, NewExecution, ExecutionResult } from '../../src/store/store.js';
import type { HookSpec } from '../../src/hem/hook.js';

export interface StoreFactoryOptions {
  /** The global LOG_RETENTION default the store must apply. */
  defaultLogRetention: number;
}

export type StoreFactory = (options: StoreFactoryOptions) => Promise<Store>;

export function hookSpec(name: string, extra: Partial<HookSpec> = {}): HookSpec {
  return {
    name,
    type: 'api',
    command: 'log_new_user.rb',
    arguments: '$API',
    argumentsStdin: true,
    remote: false,
    call: 'one.user.allocate',
    template: { NAME: name, TYPE: 'api', COMMAND: 'log_new_user.rb', ARGUMENTS: '$API', CALL: 'one.user.allocate', ARGUMENTS_STDIN: 'yes' },
    ...extra,
  };
}

export function newExecution(hookId: number, eventId: string, extra: Partial<NewExecution> = {}): NewExecution {
  return {
    hookId,
    eventId,
    eventKey: 'EVENT API one.user.allocate 1',
    eventDocument: { CALL: 'one.user.allocate', PARAMETERS: [], SUCCESS: true },
    command: '/hooks/log_new_user.rb',
    arguments: ['ZXZlbnQ='],
    stdin: null,
    startTime: 1_700_000_000_000,
    retry: false,
    ...extra,
  };
}

export function result(extra: Partial<ExecutionResult> = {}): ExecutionResult {
  return { status: 'SUCCESS', rc: 0, stdout: 'ok\n', stderr: '', truncated: false, signal: null, endTime: 1_700_000_000_500, ...extra };
}

async function rejectsWithCode(promise: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.equal((err as { code?: string }).code, code);
    return true;
  });
}

export function storeContract(name: string, makeStore: StoreFactory): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    beforeEach(async () => { store = await makeStore({ defaultLogRetention: 3 }); });
    afterEach(async () => { await store.close(); });

    describe('hooks', () => {
      it('gives the first hook id 0 and the next one id 1, as onehook does', async () => {
        const a = await store.createHook(hookSpec('a'));
        const b = await store.createHook(hookSpec('b'));
        assert.equal(a.id, 0);
        assert.equal(b.id, 1);
        assert.equal(a.locked, false);
      });

      it('never reuses the id of a deleted hook', async () => {
        await store.createHook(hookSpec('a'));
        const b = await store.createHook(hookSpec('b'));
        await store.deleteHook(b.id);
        const c = await store.createHook(hookSpec('c'));
        assert.equal(c.id, 2);
      });

      it('returns a created hook with every spec field and template attribute it was given', async () => {
        const spec = hookSpec('vm', {
          type: 'state', resource: 'VM', state: 'PENDING', lcmState: 'LCM_INIT', timeout: 30, logRetention: 5, remote: true,
          call: undefined, template: { NAME: 'vm', TYPE: 'state', EXTRA: 'kept' },
        });
        const created = await store.createHook(spec);
        const fetched = await store.getHook(created.id);
        assert.ok(fetched);
        assert.equal(fetched.type, 'state');
        assert.equal(fetched.resource, 'VM');
        assert.equal(fetched.lcmState, 'LCM_INIT');
        assert.equal(fetched.timeout, 30);
        assert.equal(fetched.logRetention, 5);
        assert.equal(fetched.remote, true);
        assert.equal(fetched.call, undefined);
        assert.deepEqual(fetched.template, { NAME: 'vm', TYPE: 'state', EXTRA: 'kept' });
        assert.deepEqual(await store.getHookByName('vm'), fetched);
      });

      it('refuses a second hook with the same name with HOOK_NAME_TAKEN', async () => {
        await store.createHook(hookSpec('same'));
        await rejectsWithCode(store.createHook(hookSpec('same')), 'HOOK_NAME_TAKEN');
        assert.equal((await store.listHooks()).length, 1);
      });

      it('refuses an empty hook name with STORE_INVALID_ARGUMENT', async () => {
        await rejectsWithCode(store.createHook(hookSpec('')), 'STORE_INVALID_ARGUMENT');
        const h = await store.createHook(hookSpec('named'));
        await rejectsWithCode(store.renameHook(h.id, '  '), 'STORE_INVALID_ARGUMENT');
        await rejectsWithCode(store.updateHook(h.id, hookSpec('')), 'STORE_INVALID_ARGUMENT');
      });

      it('answers null for a hook id or name that does not exist', async () => {
        assert.equal(await store.getHook(42), null);
        assert.equal(await store.getHookByName('nope'), null);
      });

      it('lists hooks in id order', async () => {
        await store.createHook(hookSpec('z'));
        await store.createHook(hookSpec('a'));
        assert.deepEqual((await store.listHooks()).map((h) => h.name), ['z', 'a']);
      });

      it('replaces the template and derived fields on update and keeps the id', async () => {
        const h = await store.createHook(hookSpec('u'));
        const updated = await store.updateHook(h.id, hookSpec('u', { call: 'one.vm.allocate', template: { NAME: 'u', CALL: 'one.vm.allocate' } }));
        assert.equal(updated.id, h.id);
        assert.equal(updated.call, 'one.vm.allocate');
        assert.deepEqual((await store.getHook(h.id))?.template, { NAME: 'u', CALL: 'one.vm.allocate' });
      });

      it('refuses an update that would take another hook\'s name', async () => {
        await store.createHook(hookSpec('one'));
        const two = await store.createHook(hookSpec('two'));
        await rejectsWithCode(store.updateHook(two.id, hookSpec('one')), 'HOOK_NAME_TAKEN');
        assert.equal((await store.getHook(two.id))?.name, 'two');
      });

      it('renames a hook, its template NAME included', async () => {
        const h = await store.createHook(hookSpec('old'));
        const renamed = await store.renameHook(h.id, 'new');
        assert.equal(renamed.name, 'new');
        assert.equal(renamed.template.NAME, 'new');
        assert.equal(await store.getHookByName('old'), null);
        await store.createHook(hookSpec('taken'));
        await rejectsWithCode(store.renameHook(h.id, 'taken'), 'HOOK_NAME_TAKEN');
      });

      it('reports HOOK_NOT_FOUND for operations on a missing hook', async () => {
        await rejectsWithCode(store.updateHook(7, hookSpec('x')), 'HOOK_NOT_FOUND');
        await rejectsWithCode(store.renameHook(7, 'x'), 'HOOK_NOT_FOUND');
        await rejectsWithCode(store.deleteHook(7), 'HOOK_NOT_FOUND');
        await rejectsWithCode(store.lockHook(7), 'HOOK_NOT_FOUND');
        await rejectsWithCode(store.beginExecution(newExecution(7, 'e1')), 'HOOK_NOT_FOUND');
      });

      it('refuses update, rename and delete of a locked hook until it is unlocked', async () => {
        const h = await store.createHook(hookSpec('locked'));
        assert.equal((await store.lockHook(h.id)).locked, true);
        await rejectsWithCode(store.updateHook(h.id, hookSpec('locked')), 'HOOK_LOCKED');
        await rejectsWithCode(store.renameHook(h.id, 'other'), 'HOOK_LOCKED');
        await rejectsWithCode(store.deleteHook(h.id), 'HOOK_LOCKED');
        assert.equal((await store.unlockHook(h.id)).locked, false);
        await store.deleteHook(h.id);
        assert.equal(await store.getHook(h.id), null);
      });
    });

    describe('execution log', () => {
      it('numbers executions per hook from 0', async () => {
        const a = await store.createHook(hookSpec('a'));
        const b = await store.createHook(hookSpec('b'));
        assert.equal((await store.beginExecution(newExecution(a.id, 'e1'))).record.executionId, 0);
        assert.equal((await store.beginExecution(newExecution(a.id, 'e2'))).record.executionId, 1);
        assert.equal((await store.beginExecution(newExecution(b.id, 'e1'))).record.executionId, 0);
      });

      it('writes a RUNNING record at begin that listInterrupted reports until it is finished', async () => {
        const h = await store.createHook(hookSpec('a'));
        const { record, state } = await store.beginExecution(newExecution(h.id, 'e1', { stdin: 'ZXZlbnQ=\n' }));
        assert.equal(state, 'new');
        assert.equal(record.status, 'RUNNING');
        assert.equal(record.interrupted, false);
        assert.deepEqual((await store.listInterrupted()).map((r) => [r.hookId, r.executionId]), [[h.id, 0]]);
        const done = await store.finishExecution(h.id, record.executionId, result({ status: 'ERROR', rc: 3, stderr: 'boom', truncated: true }));
        assert.equal(done.status, 'ERROR');
        assert.equal(done.rc, 3);
        assert.equal(done.stderr, 'boom');
        assert.equal(done.truncated, true);
        assert.equal(done.stdin, 'ZXZlbnQ=\n');
        assert.deepEqual(done.arguments, ['ZXZlbnQ=']);
        assert.deepEqual(done.eventDocument, { CALL: 'one.user.allocate', PARAMETERS: [], SUCCESS: true });
        assert.deepEqual(await store.getExecution(h.id, 0), done);
        assert.deepEqual(await store.listInterrupted(), []);
      });

      it('refuses to finish a record twice or one that does not exist', async () => {
        const h = await store.createHook(hookSpec('a'));
        const { record } = await store.beginExecution(newExecution(h.id, 'e1'));
        await store.finishExecution(h.id, record.executionId, result());
        await rejectsWithCode(store.finishExecution(h.id, record.executionId, result()), 'EXECUTION_ALREADY_FINISHED');
        await rejectsWithCode(store.finishExecution(h.id, 99, result()), 'EXECUTION_NOT_FOUND');
        assert.equal(await store.getExecution(h.id, 99), null);
      });

      it('resumes a record left RUNNING when the same event is delivered again, flagging it interrupted', async () => {
        const h = await store.createHook(hookSpec('a'));
        await store.beginExecution(newExecution(h.id, 'e1'));
        const again = await store.beginExecution(newExecution(h.id, 'e1', { startTime: 1_700_000_009_000 }));
        assert.equal(again.state, 'resumed');
        assert.equal(again.record.executionId, 0);
        assert.equal(again.record.interrupted, true);
        assert.equal(again.record.startTime, 1_700_000_009_000);
        const done = await store.finishExecution(h.id, 0, result());
        assert.equal(done.interrupted, true);
        assert.equal((await store.queryExecutions({ hookId: h.id })).length, 1);
      });

      it('does not run a hook twice for a redelivered event it already finished', async () => {
        const h = await store.createHook(hookSpec('a'));
        await store.beginExecution(newExecution(h.id, 'e1'));
        await store.finishExecution(h.id, 0, result());
        const again = await store.beginExecution(newExecution(h.id, 'e1'));
        assert.equal(again.state, 'finished');
        assert.equal(again.record.status, 'SUCCESS');
        assert.equal((await store.queryExecutions({ hookId: h.id })).length, 1);
      });

      it('gives a retry a new record flagged as a retry, even for the same event', async () => {
        const h = await store.createHook(hookSpec('a'));
        await store.beginExecution(newExecution(h.id, 'e1'));
        await store.finishExecution(h.id, 0, result({ status: 'ERROR', rc: 255 }));
        const retry = await store.beginExecution(newExecution(h.id, 'e1', { retry: true }));
        assert.equal(retry.state, 'new');
        assert.equal(retry.record.executionId, 1);
        assert.equal(retry.record.retry, true);
      });

      it('keeps only the newest LOG_RETENTION finished records of a hook, defaulting to the global value', async () => {
        const byDefault = await store.createHook(hookSpec('default'));
        const own = await store.createHook(hookSpec('own', { logRetention: 1 }));
        for (let i = 0; i < 5; i++) {
          for (const h of [byDefault, own]) {
            const { record } = await store.beginExecution(newExecution(h.id, `e${i}`));
            await store.finishExecution(h.id, record.executionId, result());
          }
        }
        assert.deepEqual((await store.queryExecutions({ hookId: byDefault.id })).map((r) => r.executionId), [4, 3, 2]);
        assert.deepEqual((await store.queryExecutions({ hookId: own.id })).map((r) => r.executionId), [4]);
      });

      it('applies a lowered LOG_RETENTION at the next finished record, and a raised one keeps what is there', async () => {
        const h = await store.createHook(hookSpec('a', { logRetention: 5 }));
        const run = async (e: string): Promise<void> => {
          const { record } = await store.beginExecution(newExecution(h.id, e));
          await store.finishExecution(h.id, record.executionId, result());
        };
        for (let i = 0; i < 5; i++) await run(`e${i}`);
        await store.updateHook(h.id, hookSpec('a', { logRetention: 2 }));
        await run('e5');
        assert.deepEqual((await store.queryExecutions({ hookId: h.id })).map((r) => r.executionId), [5, 4]);
        await store.updateHook(h.id, hookSpec('a', { logRetention: 4 }));
        await run('e6');
        await run('e7');
        assert.deepEqual((await store.queryExecutions({ hookId: h.id })).map((r) => r.executionId), [7, 6, 5, 4]);
        await run('e8');
        assert.deepEqual((await store.queryExecutions({ hookId: h.id })).map((r) => r.executionId), [8, 7, 6, 5]);
      });

      it('never removes a RUNNING record to honour retention', async () => {
        const h = await store.createHook(hookSpec('a', { logRetention: 1 }));
        await store.beginExecution(newExecution(h.id, 'slow'));
        for (const e of ['e1', 'e2']) {
          const { record } = await store.beginExecution(newExecution(h.id, e));
          await store.finishExecution(h.id, record.executionId, result());
        }
        assert.deepEqual((await store.queryExecutions({ hookId: h.id })).map((r) => r.executionId).sort(), [0, 2]);
      });

      it('deletes the execution log with its hook', async () => {
        const h = await store.createHook(hookSpec('a'));
        await store.beginExecution(newExecution(h.id, 'e1'));
        await store.finishExecution(h.id, 0, result());
        await store.beginExecution(newExecution(h.id, 'e2'));
        await store.deleteHook(h.id);
        assert.deepEqual(await store.queryExecutions({}), []);
        assert.deepEqual(await store.listInterrupted(), []);
        const again = await store.createHook(hookSpec('a'));
        assert.deepEqual(await store.queryExecutions({ hookId: again.id }), []);
      });

      it('filters the log by hook, time range and success or error, newest first, with a limit', async () => {
        const a = await store.createHook(hookSpec('a', { logRetention: 100 }));
        const b = await store.createHook(hookSpec('b', { logRetention: 100 }));
        const runs: Array<[number, string, number, ExecutionResult['status']]> = [
          [a.id, 'e1', 1000, 'SUCCESS'], [a.id, 'e2', 2000, 'ERROR'], [b.id, 'e3', 3000, 'TIMEOUT'],
          [a.id, 'e4', 4000, 'SUCCESS'], [b.id, 'e5', 5000, 'SKIPPED'],
        ];
        for (const [hookId, eventId, startTime, status] of runs) {
          const { record } = await store.beginExecution(newExecution(hookId, eventId, { startTime }));
          await store.finishExecution(hookId, record.executionId, result({ status, rc: status === 'SUCCESS' ? 0 : 1, endTime: startTime + 1 }));
        }
        await store.beginExecution(newExecution(b.id, 'e6', { startTime: 6000 }));
        const events = async (q: Parameters<Store['queryExecutions']>[0]) => (await store.queryExecutions(q)).map((r) => r.eventId);
        assert.deepEqual(await events({}), ['e6', 'e5', 'e4', 'e3', 'e2', 'e1']);
        assert.deepEqual(await events({ hookId: a.id }), ['e4', 'e2', 'e1']);
        assert.deepEqual(await events({ since: 2000, until: 4000 }), ['e4', 'e3', 'e2']);
        assert.deepEqual(await events({ status: 'success' }), ['e4', 'e1']);
        assert.deepEqual(await events({ status: 'error' }), ['e3', 'e2']);
        assert.deepEqual(await events({ hookId: b.id, status: 'error' }), ['e3']);
        assert.deepEqual(await events({ limit: 2 }), ['e6', 'e5']);
      });

      it('keeps the numbering going after retention removed old records', async () => {
        const h = await store.createHook(hookSpec('a', { logRetention: 1 }));
        for (const e of ['e1', 'e2', 'e3']) {
          const { record } = await store.beginExecution(newExecution(h.id, e));
          await store.finishExecution(h.id, record.executionId, result());
        }
        assert.equal(await store.getExecution(h.id, 0), null);
        assert.equal((await store.beginExecution(newExecution(h.id, 'e4'))).record.executionId, 3);
      });

      it('records a signal and a SKIPPED status as given', async () => {
        const h = await store.createHook(hookSpec('a'));
        await store.beginExecution(newExecution(h.id, 'e1'));
        const killed = await store.finishExecution(h.id, 0, result({ status: 'TIMEOUT', rc: 143, signal: 'SIGTERM' }));
        assert.equal(killed.signal, 'SIGTERM');
        await store.beginExecution(newExecution(h.id, 'e2'));
        assert.equal((await store.finishExecution(h.id, 1, result({ status: 'SKIPPED', rc: 0 }))).status, 'SKIPPED');
      });

      it('finishes an older execution even when retention then removes it for newer finished ones', async () => {
        const h = await store.createHook(hookSpec('slow-first', { logRetention: 1 }));
        await store.beginExecution(newExecution(h.id, 'slow'));
        await store.beginExecution(newExecution(h.id, 'fast'));
        await store.finishExecution(h.id, 1, result());
        const slow = await store.finishExecution(h.id, 0, result({ status: 'ERROR', rc: 1 }));
        assert.equal(slow.status, 'ERROR');
        assert.deepEqual(await store.listInterrupted(), []);
        assert.deepEqual((await store.queryExecutions({ hookId: h.id })).map((r) => r.executionId), [1]);
      });
    });
  });
}
