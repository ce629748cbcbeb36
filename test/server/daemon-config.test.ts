import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { freePort, startDaemon, writeConfig } from '../support/daemon-process.js';

const statsOnly = { 'hooks-libraries': [{ library: 'stats-commands' }] };

test('a reload that fails keeps the old configuration running entirely, and a fixed one applies', async () => {
  const d = await startDaemon({ config: statsOnly });
  try {
    const before = await d.command({ command: 'config-get' });
    const hash = (before.arguments as { hash: string }).hash;
    writeConfig(d.dir, { 'hooks-libraries': [{ library: 'stats-commands' }, { library: 'audit-log' }] });
    const failed = await d.command({ command: 'config-reload' });
    assert.equal(failed.result, 1);
    assert.match(failed.text!, /audit-log/);
    assert.equal((await d.command({ command: 'config-get' }) as { arguments: { hash: string } }).arguments.hash, hash);
    assert.deepEqual((await d.command({ command: 'status-get' }) as { arguments: { 'hooks-libraries': string[] } }).arguments['hooks-libraries'], ['stats-commands']);
    assert.equal((await d.command({ command: 'statistic-get-all' })).result, 0);

    writeConfig(d.dir, { 'hooks-libraries': [{ library: 'stats-commands' }, { library: 'audit-log', parameters: { path: 'audit.jsonl' } }] });
    const ok = await d.command({ command: 'config-reload' });
    assert.equal(ok.result, 0, ok.text);
    await d.command({ command: 'version-get' });
    const lines = fs.readFileSync(path.join(d.dir, 'hookline-data', 'audit.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.ok(lines.some((l) => l.type === 'command' && l.command === 'version-get' && l.result === 0));
  } finally {
    await d.stop();
  }
});

test('SIGHUP reloads the configuration file', async () => {
  const d = await startDaemon({ config: {} });
  try {
    writeConfig(d.dir, statsOnly);
    d.child.kill('SIGHUP');
    await d.waitForLog('SERVER_CONFIG_APPLIED', 2);
    assert.ok(((await d.command({ command: 'list-commands' })).arguments as string[]).includes('statistic-get'));
  } finally {
    await d.stop();
  }
});

test('config-set applies a whole configuration and config-test only checks one', async () => {
  const d = await startDaemon({ config: {} });
  try {
    const tested = await d.command({ command: 'config-test', arguments: { Hookline: statsOnly } });
    assert.equal(tested.result, 0, tested.text);
    assert.ok(!((await d.command({ command: 'list-commands' })).arguments as string[]).includes('statistic-get'));
    const bad = await d.command({ command: 'config-test', arguments: { Hookline: { 'hooks-libraries': [{ library: 'stats-commands', params: {} }] } } });
    assert.equal(bad.result, 1);
    assert.match(bad.text!, /Hookline\/hooks-libraries\/0/);
    const missing = await d.command({ command: 'config-test', arguments: { Hookline: { 'hooks-libraries': [{ library: 'nope.mjs' }] } } });
    assert.equal(missing.result, 1);
    assert.match(missing.text!, /nope\.mjs/);
    const set = await d.command({ command: 'config-set', arguments: { Hookline: statsOnly } });
    assert.equal(set.result, 0, set.text);
    assert.ok(((await d.command({ command: 'list-commands' })).arguments as string[]).includes('statistic-get'));
    const status = await d.command({ command: 'status-get' });
    assert.equal((status.arguments as { 'config-file': string })['config-file'], path.join(d.dir, 'hookline.json'), 'config-set keeps the daemon tied to its file');
    assert.equal((await d.command({ command: 'config-reload' })).result, 0);
    const noDoc = await d.command({ command: 'config-set', arguments: {} });
    assert.equal(noDoc.result, 1);
    assert.match(noDoc.text!, /\{"Hookline"/);
  } finally {
    await d.stop();
  }
});

test('a config_applied callout that sets DROP rejects the configuration with its error, and the old one stays', async () => {
  const d = await startDaemon({ config: statsOnly, libraries: ['reject-config.mjs'] });
  try {
    const r = await d.command({ command: 'config-set', arguments: { Hookline: { 'hooks-libraries': [{ library: 'reject-config.mjs', parameters: { reject: true } }] } } });
    assert.equal(r.result, 1);
    assert.match(r.text!, /refused by reject-config\.mjs/);
    assert.deepEqual((await d.command({ command: 'status-get' }) as { arguments: { 'hooks-libraries': string[] } }).arguments['hooks-libraries'], ['stats-commands']);
    assert.equal((await d.command({ command: 'statistic-get', arguments: { name: 'config-rejected' } })).result, 0);
  } finally {
    await d.stop();
  }
});

test('library commands appear in list-commands, override built-ins, but cannot replace list-commands', async () => {
  const d = await startDaemon({ config: { 'hooks-libraries': [{ library: 'overrides.mjs' }] }, libraries: ['overrides.mjs'] });
  try {
    const list = await d.command({ command: 'list-commands' });
    assert.equal(list.result, 0);
    assert.ok((list.arguments as string[]).includes('hello-world'));
    assert.deepEqual(await d.command({ command: 'hello-world', arguments: { x: 1 } }), { result: 0, text: 'hello', arguments: { x: 1 } });
    assert.equal((await d.command({ command: 'version-get' })).text, 'overridden by overrides.mjs');
  } finally {
    await d.stop();
  }
});

test('command_processed callouts can rewrite any response', async () => {
  const d = await startDaemon({ config: { 'hooks-libraries': [{ library: 'rewrite-response.mjs' }] }, libraries: ['rewrite-response.mjs'] });
  try {
    assert.equal((await d.command({ command: 'status-get' })).text, 'rewritten by rewrite-response.mjs');
    assert.notEqual((await d.command({ command: 'version-get' })).text, 'rewritten by rewrite-response.mjs');
  } finally {
    await d.stop();
  }
});

test('stats-commands reads and resets the daemon counters in Kea format', async () => {
  const d = await startDaemon({ config: statsOnly });
  try {
    await d.command({ command: 'version-get' });
    const got = await d.command({ command: 'statistic-get', arguments: { name: 'commands-received' } });
    assert.equal(got.result, 0);
    const sample = (got.arguments as Record<string, Array<[number, string]>>)['commands-received']![0]!;
    assert.ok(sample[0] >= 2);
    assert.match(sample[1], /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/);
    assert.equal((await d.command({ command: 'statistic-reset', arguments: { name: 'commands-received' } })).result, 0);
    const after = await d.command({ command: 'statistic-get', arguments: { name: 'commands-received' } });
    assert.equal((after.arguments as Record<string, Array<[number, string]>>)['commands-received']![0]![0], 1);
    assert.equal((await d.command({ command: 'statistic-get', arguments: {} })).result, 1);
  } finally {
    await d.stop();
  }
});

test("config-write writes into the configuration file's directory and refuses anywhere else", async () => {
  const d = await startDaemon({ config: statsOnly });
  try {
    const ok = await d.command({ command: 'config-write', arguments: { filename: 'saved.json' } });
    assert.equal(ok.result, 0, ok.text);
    assert.deepEqual(JSON.parse(fs.readFileSync(path.join(d.dir, 'saved.json'), 'utf8')), JSON.parse(fs.readFileSync(path.join(d.dir, 'hookline.json'), 'utf8')));
    for (const filename of ['../escape.json', '/tmp/escape.json', 'sub/dir.json']) {
      const r = await d.command({ command: 'config-write', arguments: { filename } });
      assert.equal(r.result, 1, filename);
      assert.match(r.text!, /only writes into the configuration directory/);
    }
  } finally {
    await d.stop();
  }
});

test('config-get masks passwords and returns the hash', async () => {
  const d = await startDaemon({ config: { 'control-sockets': [
    { 'socket-type': 'unix', 'socket-name': './hookline-data/hookline.sock' },
    { 'socket-type': 'http', 'socket-port': await freePort(), authentication: { type: 'basic', clients: [{ user: 'admin', password: 'secret-pw' }] } },
  ] } });
  try {
    const r = await d.command({ command: 'config-get' });
    assert.equal(r.result, 0);
    assert.doesNotMatch(JSON.stringify(r.arguments), /secret-pw/);
    assert.match((r.arguments as { hash: string }).hash, /^[0-9a-f]{64}$/);
  } finally {
    await d.stop();
  }
});
