import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Subscriber } from 'zeromq';
import { HooklineClient, ClientError } from '../../src/events/client.js';
import { fixturesDir } from '../support/paths.js';
import { startDaemon, type DaemonProcess } from '../support/daemon-process.js';

const record = path.join(fixturesDir, 'daemon-commands', 'record.sh');

async function withCommand(d: DaemonProcess): Promise<string> {
  const dir = path.join(d.dir, 'hooks', 'commands');
  fs.mkdirSync(dir, { recursive: true });
  fs.copyFileSync(record, path.join(dir, 'record.sh'));
  fs.chmodSync(path.join(dir, 'record.sh'), 0o755);
  return dir;
}

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

interface Exec { executionId: number; eventId: string; status: string; rc: number; stdout: string; stderr: string; retry: boolean; interrupted: boolean; arguments: string[]; stdin: string | null }

async function executions(d: DaemonProcess, id: number): Promise<Exec[]> {
  const r = await d.command({ command: 'hook-show', arguments: { id } });
  return (r.arguments as { executions: Exec[] }).executions;
}

const apiHook = (args = '$API') => `NAME = on-allocate\nTYPE = api\nCOMMAND = record.sh\nARGUMENTS = "${args}"\nCALL = "one.vm.allocate"\n`;

test('an API event published through the client runs the matching hook, and the execution is logged', async () => {
  const d = await startDaemon({ config: {} });
  try {
    await withCommand(d);
    const created = await d.command({ command: 'hook-create', arguments: { template: apiHook('alloc $API') } });
    assert.equal(created.result, 0, created.text);
    assert.equal(created.text, 'ID: 0');
    const client = new HooklineClient({ socket: d.socket });
    const id = await client.publishApiEvent('one.vm.allocate', ['session-secret', 'NAME=vm1', false], 7, true, { ID: 7 });
    const [exec] = await until('the execution', async () => { const e = await executions(d, 0); return e.length > 0 && e[0]!.status !== 'RUNNING' ? e : undefined; });
    assert.equal(exec!.status, 'SUCCESS');
    assert.equal(exec!.eventId, id);
    assert.equal(exec!.rc, 0);
    assert.equal(exec!.stdout.trim(), `recorded ${id}`);
    assert.equal(exec!.arguments[0], 'alloc');
    const doc = JSON.parse(Buffer.from(exec!.arguments[1]!, 'base64').toString());
    assert.equal(doc.CALL, 'one.vm.allocate');
    assert.equal(doc.SUCCESS, true);
    assert.doesNotMatch(JSON.stringify(doc), /session-secret/);
  } finally {
    await d.stop();
  }
});

test('ARGUMENTS_STDIN sends the expanded arguments on stdin instead of argv', async () => {
  const d = await startDaemon({ config: {} });
  try {
    const dir = await withCommand(d);
    await d.command({ command: 'hook-create', arguments: { template: apiHook() + 'ARGUMENTS_STDIN = yes\n' } });
    await new HooklineClient({ socket: d.socket }).publishApiEvent('one.vm.allocate', [], 1, true);
    const [exec] = await until('the execution', async () => { const e = await executions(d, 0); return e[0]?.status === 'SUCCESS' ? e : undefined; });
    assert.deepEqual(exec!.arguments, []);
    assert.ok(exec!.stdin && exec!.stdin.length > 10);
    assert.match(fs.readFileSync(path.join(dir, 'ran.txt'), 'utf8'), /stdin=\S+/);
  } finally {
    await d.stop();
  }
});

test('state hooks match the state triple exactly: PROLOG does not fire for PROLOG_MIGRATE', async () => {
  const d = await startDaemon({ config: {} });
  try {
    await withCommand(d);
    await d.command({ command: 'hook-create', arguments: { template: 'NAME = prolog\nTYPE = state\nCOMMAND = record.sh\nRESOURCE = VM\nSTATE = ACTIVE\nLCM_STATE = PROLOG\n' } });
    const client = new HooklineClient({ socket: d.socket });
    await client.publishStateEvent('VM', 3, 'ACTIVE', 'PROLOG_MIGRATE');
    const id = await client.publishStateEvent('VM', 3, 'ACTIVE', 'PROLOG');
    const execs = await until('the execution', async () => { const e = await executions(d, 0); return e[0]?.status === 'SUCCESS' ? e : undefined; });
    assert.equal(execs.length, 1);
    assert.equal(execs[0]!.eventId, id);
  } finally {
    await d.stop();
  }
});

test('a bad event is rejected with a reason and nothing is stored', async () => {
  const d = await startDaemon({ config: {} });
  try {
    const client = new HooklineClient({ socket: d.socket });
    await assert.rejects(client.publish('EVENT API one.vm.allocate maybe', {}), (e: ClientError) => e.code === 'CLIENT_INVALID_EVENT' && /maybe/.test(e.message));
    const r = await d.command({ command: 'event-publish', arguments: { key: 'EVENT STATE VM/ACTIVE/RUNNING', document: [] } });
    assert.equal(r.result, 1);
    assert.match(r.text!, /document/);
    assert.equal((await d.command({ command: 'status-get' }) as { arguments: { 'queue-depth': number } }).arguments['queue-depth'], 0);
  } finally {
    await d.stop();
  }
});

test('every accepted event is republished on the ZeroMQ bus in OpenNebula framing', async () => {
  const d = await startDaemon({ config: {} });
  const sub = new Subscriber();
  try {
    const endpoint = ((await d.command({ command: 'status-get' })).arguments as { bus: { endpoint: string } }).bus.endpoint;
    sub.connect(endpoint);
    sub.subscribe('EVENT');
    const client = new HooklineClient({ socket: d.socket });
    const received: string[][] = [];
    const reading = (async () => {
      for await (const frames of sub) {
        received.push(frames.map((f) => f.toString()));
        if (received.some((r) => r[0] === 'EVENT STATE VM/RUNNING/LCM_INIT/5 ')) return;
      }
    })();
    // The subscription takes a moment to reach the publisher (ZeroMQ's slow joiner): publish until one arrives.
    await until('the subscriber to receive events', async () => {
      await client.publishStateEvent('VM', 5, 'RUNNING', 'LCM_INIT');
      return received.length > 0 ? true : undefined;
    });
    await reading;
    const state = received.find((r) => r[0] === 'EVENT VM 5/RUNNING/LCM_INIT ')!;
    assert.ok(received.some((r) => r[0] === 'EVENT STATE VM/RUNNING/LCM_INIT/5 '));
    const doc = JSON.parse(Buffer.from(state[1]!, 'base64').toString());
    assert.equal(doc.RESOURCE, 'VM');
    assert.equal(String(doc.ID), '5');
  } finally {
    sub.close();
    await d.stop();
  }
});

test('kill -9 at any moment loses no accepted event: after restart every acknowledged event runs, interrupted ones marked', async () => {
  const config = { 'hook-execution': { concurrency: 2, 'log-retention': 100 } };
  const first = await startDaemon({ config });
  const dir = await withCommand(first);
  await first.command({ command: 'hook-create', arguments: { template: apiHook() } });
  fs.writeFileSync(path.join(dir, 'slow'), '');
  const client = new HooklineClient({ socket: first.socket });
  const acked: string[] = [];
  const publishes = Array.from({ length: 40 }, (_, i) => client.publishApiEvent('one.vm.allocate', [i], i, true).then((id) => { acked.push(id); }, () => undefined));
  // Kill once some events are acknowledged and an execution is running (the slow file holds it).
  await until('acknowledged events and a running execution', async () =>
    (acked.length >= 5 && fs.existsSync(path.join(dir, 'ran.txt')) ? true : undefined));
  first.child.kill('SIGKILL');
  await first.exited;
  await Promise.all(publishes);
  assert.ok(acked.length >= 5);
  fs.rmSync(path.join(dir, 'slow'));

  const second = await startDaemon({ config, dir: first.dir });
  try {
    const done = await until('every acknowledged event to have run', async () => {
      const e = await executions(second, 0);
      const ok = new Set(e.filter((x) => x.status === 'SUCCESS').map((x) => x.eventId));
      return acked.every((id) => ok.has(id)) ? e : undefined;
    }, 60_000);
    assert.ok(done.some((x) => x.interrupted), 'the execution running at the kill is marked interrupted');
    const perEvent = new Map<string, number>();
    for (const x of done.filter((r) => r.status === 'SUCCESS')) perEvent.set(x.eventId, (perEvent.get(x.eventId) ?? 0) + 1);
    assert.ok([...perEvent.values()].every((n) => n === 1), 'no event has two finished records');
  } finally {
    await second.stop();
  }
});

test('execution_start callouts can rewrite the environment of a command, or SKIP it so it is recorded without running', async () => {
  const d = await startDaemon({ config: { 'hooks-libraries': [{ library: 'execution-rewrite.mjs' }] }, libraries: ['execution-rewrite.mjs'] });
  try {
    const dir = path.join(d.dir, 'hooks', 'commands');
    fs.mkdirSync(dir, { recursive: true });
    fs.copyFileSync(path.join(fixturesDir, 'daemon-commands', 'print-env.sh'), path.join(dir, 'print-env.sh'));
    fs.chmodSync(path.join(dir, 'print-env.sh'), 0o755);
    await d.command({ command: 'hook-create', arguments: { template: 'NAME = env-shown\nTYPE = api\nCOMMAND = print-env.sh\nCALL = one.vm.allocate\n' } });
    await d.command({ command: 'hook-create', arguments: { template: 'NAME = skip-me\nTYPE = api\nCOMMAND = print-env.sh\nCALL = one.vm.allocate\n' } });
    await new HooklineClient({ socket: d.socket }).publishApiEvent('one.vm.allocate', [], 1, true);
    const [shown] = await until('the first hook to run', async () => { const e = await executions(d, 0); return e[0]?.status === 'SUCCESS' ? e : undefined; });
    assert.equal(shown!.stdout.trim(), 'GREETING=set by execution_start HOOK=env-shown');
    const [skipped] = await until('the second hook to be recorded', async () => { const e = await executions(d, 1); return e[0] && e[0].status !== 'RUNNING' ? e : undefined; });
    assert.equal(skipped!.status, 'SKIPPED');
    assert.equal(skipped!.stdout, '');
  } finally {
    await d.stop();
  }
});
