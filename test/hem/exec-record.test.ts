/** The executor and the store together, as the daemon uses them: plan, begin, run, finish; retry; a crash mid-execution. */
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Executor, type ExecutionEvent } from '../../src/hem/executor.js';
import type { Hook } from '../../src/hem/hook.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import type { Store } from '../../src/store/store.js';
import { fixturesDir, tempDir } from '../support/paths.js';

const commandsDir = path.join(fixturesDir, 'commands');
const dir = tempDir();
let files = 0;
const dbFile = (): string => path.join(dir, `db-${files++}.db`);

const event: ExecutionEvent = { id: '17', key: 'EVENT STATE VM/PENDING/LCM_INIT', document: { RESOURCE: 'VM', ID: 0, STATE: 'PENDING', LCM_STATE: 'LCM_INIT' } };

/** What the daemon does for one (hook, event): the record exists before the command starts. */
async function execute(store: Store, executor: Executor, hook: Hook, ev: ExecutionEvent, retry = false) {
  const plan = await executor.plan(hook, ev);
  const begun = await store.beginExecution({
    hookId: hook.id, eventId: ev.id, eventKey: ev.key, eventDocument: ev.document,
    command: plan.command, arguments: plan.arguments, stdin: plan.stdin, startTime: Date.now(), retry,
  });
  if (begun.state === 'finished') return begun.record;
  const outcome = await executor.run(plan);
  return store.finishExecution(hook.id, begun.record.executionId, outcome);
}

function hookSpec(name: string, command: string, args: string) {
  return {
    name, type: 'state' as const, command, arguments: args, argumentsStdin: false, remote: false, resource: 'VM', state: 'PENDING', lcmState: 'LCM_INIT',
    template: { NAME: name, TYPE: 'state', COMMAND: command, ARGUMENTS: args, RESOURCE: 'VM', STATE: 'PENDING', LCM_STATE: 'LCM_INIT' },
  };
}

describe('execution records', () => {
  before(() => {
    for (const f of fs.readdirSync(commandsDir)) if (f.endsWith('.sh')) fs.chmodSync(path.join(commandsDir, f), 0o755);
  });

  it('records a finished execution with its command, arguments, output, rc and status', async () => {
    const store = SqliteStore.open({ path: dbFile() });
    const executor = new Executor({ hookBasePath: commandsDir });
    const hook = await store.createHook(hookSpec('hook-vm', 'print-args.sh', '$TEMPLATE pending'));
    const record = await execute(store, executor, hook, event);
    assert.equal(record.executionId, 0);
    assert.equal(record.status, 'SUCCESS');
    assert.equal(record.rc, 0);
    assert.equal(record.command, fs.realpathSync(path.join(commandsDir, 'print-args.sh')));
    assert.equal(record.arguments[1], 'pending');
    assert.match(record.stdout, /\[pending\]/);
    assert.equal(record.eventKey, event.key);
    assert.deepEqual(await store.getExecution(hook.id, 0), record);
    await store.close();
  });

  it('retries a failed execution with the stored event once the script exists, as a new record flagged retry', async () => {
    const base = tempDir();
    const store = SqliteStore.open({ path: dbFile() });
    const executor = new Executor({ hookBasePath: base });
    const hook = await store.createHook(hookSpec('hook-vm', 'vm-pending.sh', '$TEMPLATE pending'));
    const failed = await execute(store, executor, hook, event);
    assert.equal(failed.status, 'ERROR');
    assert.equal(failed.rc, 255);
    assert.match(failed.stderr, /does not exist/);

    fs.writeFileSync(path.join(base, 'vm-pending.sh'), '#!/bin/sh\necho "Executed! $2"\n', { mode: 0o755 });
    const stored = (await store.getExecution(hook.id, failed.executionId))!;
    const retried = await execute(store, executor, hook, { id: stored.eventId, key: stored.eventKey, document: stored.eventDocument }, true);
    assert.equal(retried.executionId, 1);
    assert.equal(retried.status, 'SUCCESS');
    assert.equal(retried.retry, true);
    assert.equal(retried.stdout, 'Executed! pending\n');
    assert.deepEqual(retried.arguments, failed.arguments);
    await store.close();
  });

  it('leaves a RUNNING record when the process dies mid-execution, and runs it again flagged interrupted on redelivery', async () => {
    const file = dbFile();
    const script = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'store', 'crash-begin.js');
    const child = spawn(process.execPath, [script, file], { stdio: ['ignore', 'pipe', 'inherit'] });
    const line = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (c: Buffer) => { out += c.toString(); if (out.includes('\n')) resolve(out.trim()); });
      child.on('exit', (code) => reject(new Error(`child exited with ${code} before beginning`)));
    });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    const [, hookId, executionId] = line.split(' ').map(Number);

    const store = SqliteStore.open({ path: file });
    const interrupted = await store.listInterrupted();
    assert.deepEqual(interrupted.map((r) => [r.hookId, r.executionId, r.status, r.eventId]), [[hookId, executionId, 'RUNNING', 'e1']]);

    const hook = (await store.getHook(hookId!))!;
    const executor = new Executor({ hookBasePath: commandsDir });
    const record = await execute(store, executor, hook, { id: 'e1', key: interrupted[0]!.eventKey, document: interrupted[0]!.eventDocument });
    assert.equal(record.executionId, executionId);
    assert.equal(record.status, 'SUCCESS');
    assert.equal(record.interrupted, true);
    assert.deepEqual(await store.listInterrupted(), []);
    assert.equal((await store.queryExecutions({ hookId })).length, 1);
    await store.close();
  });
});
