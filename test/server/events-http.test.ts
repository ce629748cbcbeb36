import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { HooklineClient } from '../../src/events/client.js';
import { fixturesDir } from '../support/paths.js';
import { freePort, startDaemon, type DaemonProcess } from '../support/daemon-process.js';

async function http(port: number, method: string, urlPath: string, body?: unknown, password = 'pw'): Promise<{ status: number; text: string }> {
  const res = await fetch(`http://127.0.0.1:${port}${urlPath}`, {
    method,
    headers: { authorization: `Basic ${Buffer.from(`admin:${password}`).toString('base64')}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, text: await res.text() };
}

async function daemonWithHttp(extra: Record<string, unknown> = {}, libraries: string[] = []): Promise<{ d: DaemonProcess; port: number }> {
  const port = await freePort();
  const d = await startDaemon({
    libraries,
    config: {
      'control-sockets': [
        { 'socket-type': 'unix', 'socket-name': './hookline-data/hookline.sock' },
        { 'socket-type': 'http', 'socket-port': port, authentication: { type: 'basic', clients: [{ user: 'admin', password: 'pw' }] } },
      ],
      ...extra,
    },
  });
  return { d, port };
}

async function until<T>(what: string, fn: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

test('POST /events accepts events behind Basic authentication and answers with their ids', async () => {
  const { d, port } = await daemonWithHttp();
  try {
    const one = await http(port, 'POST', '/events', { key: 'EVENT API one.vm.allocate 1', document: { CALL: 'one.vm.allocate', PARAMETERS: [], SUCCESS: true } });
    assert.equal(one.status, 200, one.text);
    assert.equal(JSON.parse(one.text).arguments.ids.length, 1);
    const many = await http(port, 'POST', '/events', [
      { key: 'EVENT STATE VM/ACTIVE/RUNNING', document: { RESOURCE: 'VM', ID: 1, STATE: 'ACTIVE', LCM_STATE: 'RUNNING' } },
      { key: 'EVENT STATE HOST/ERROR/', document: { RESOURCE: 'HOST', ID: 2, STATE: 'ERROR', LCM_STATE: '' } },
    ]);
    assert.equal(JSON.parse(many.text).arguments.ids.length, 2);
    assert.equal((await http(port, 'POST', '/events', { key: 'EVENT API x 1', document: {} }, 'wrong')).status, 403);
    const bad = await http(port, 'POST', '/events', [{ key: 'EVENT STATE VM/ACTIVE/RUNNING', document: { RESOURCE: 'VM', ID: 1, STATE: 'ACTIVE', LCM_STATE: 'RUNNING' } }, { key: 'NOT A KEY', document: {} }]);
    assert.equal(bad.status, 400);
    assert.match(JSON.parse(bad.text).text, /^event 1: /);
    const client = new HooklineClient({ url: `http://127.0.0.1:${port}`, user: 'admin', password: 'pw' });
    assert.match(await client.publishStateEvent('IMAGE', 4, 'READY'), /^\d+$/);
  } finally {
    await d.stop();
  }
});

test('event_receive callouts can drop an event with a reason, skip its hooks, and a throwing callout drops it', async () => {
  const { d } = await daemonWithHttp({ 'hooks-libraries': [{ library: 'event-filter.mjs' }] }, ['event-filter.mjs']);
  try {
    const commands = path.join(d.dir, 'hooks', 'commands');
    fs.mkdirSync(commands, { recursive: true });
    fs.copyFileSync(path.join(fixturesDir, 'daemon-commands', 'record.sh'), path.join(commands, 'record.sh'));
    fs.chmodSync(path.join(commands, 'record.sh'), 0o755);
    for (const call of ['one.quiet.ping', 'one.loud.ping']) {
      await d.command({ command: 'hook-create', arguments: { template: `NAME = ${call}\nTYPE = api\nCOMMAND = record.sh\nCALL = ${call}\n` } });
    }
    const client = new HooklineClient({ socket: d.socket });
    await assert.rejects(client.publishApiEvent('one.secret.read', [], null, true), /secret calls are not accepted/);
    await assert.rejects(client.publishApiEvent('one.buggy.call', [], null, true), /rejected by a hook library/);
    await client.publishApiEvent('one.quiet.ping', [], null, true);
    const loud = await client.publishApiEvent('one.loud.ping', [], null, true);
    await until('the loud hook to run', async () => {
      const r = await d.command({ command: 'hook-log', arguments: {} });
      const execs = (r.arguments as { executions: Array<{ eventId: string; status: string }> }).executions;
      return execs.some((e) => e.eventId === loud && e.status === 'SUCCESS') ? true : undefined;
    });
    const quiet = await d.command({ command: 'hook-show', arguments: { id: 'one.quiet.ping' } });
    assert.deepEqual((quiet.arguments as { executions: unknown[] }).executions, []);
  } finally {
    await d.stop();
  }
});

test('GET /metrics reports events, executions, queue depth and callout errors in Prometheus format', async () => {
  const { d, port } = await daemonWithHttp({ 'hooks-libraries': [{ library: 'event-filter.mjs' }] }, ['event-filter.mjs']);
  try {
    const client = new HooklineClient({ socket: d.socket });
    await client.publishApiEvent('one.vm.allocate', [], 1, true);
    await client.publishStateEvent('VM', 1, 'ACTIVE', 'RUNNING');
    await assert.rejects(client.publishApiEvent('one.buggy.call', [], null, true));
    const m = await http(port, 'GET', '/metrics');
    assert.equal(m.status, 200);
    assert.match(m.text, /^hookline_events_accepted_total\{kind="api"\} 1$/m);
    assert.match(m.text, /^hookline_events_accepted_total\{kind="state"\} 1$/m);
    assert.match(m.text, /^hookline_events_rejected_total 1$/m);
    assert.match(m.text, /^hookline_queue_depth \d+$/m);
    assert.match(m.text, /^hookline_callout_errors_total\{library="event-filter\.mjs",hook="event_receive",kind="exception"\} 1$/m);
    assert.match(m.text, /^# TYPE hookline_execution_duration_seconds histogram$/m);
    assert.equal((await http(port, 'GET', '/metrics', undefined, 'nope')).status, 403);
  } finally {
    await d.stop();
  }
});
