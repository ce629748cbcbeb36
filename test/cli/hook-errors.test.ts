/**
 * Bad input to `hookline hook …`: what reaches the daemon and is refused
 * exits 1 with the daemon's text, what never could (a missing file, a bad
 * argument, no daemon) exits 2. Either way nothing changes.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { runCli, startDaemon, type DaemonProcess } from '../support/daemon-process.js';
import { fixturesDir, tempDir } from '../support/paths.js';

let daemon: DaemonProcess;
const hl = (args: string[], input?: string) => runCli(args, { cwd: daemon.dir, ...(input === undefined ? {} : { input }) });

async function hookCount(): Promise<number> {
  const r = await hl(['hook', 'list', '--json']);
  assert.equal(r.code, 0, r.stderr);
  return (JSON.parse(r.stdout) as { hooks: unknown[] }).hooks.length;
}

before(async () => {
  daemon = await startDaemon({ config: {} });
});

after(async () => {
  await daemon.stop();
});

test('with no hooks, list prints only the header and exits 0', async () => {
  const r = await hl(['hook', 'list']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'ID NAME TYPE TRIGGER LOCK\n');
  assert.deepEqual(JSON.parse((await hl(['hook', 'list', '--json'])).stdout), { hooks: [] });
});

test('a missing template file exits 2 naming the file, and nothing is created', async () => {
  const file = path.join(daemon.dir, 'no-such.tmpl');
  const r = await hl(['hook', 'create', file]);
  assert.equal(r.code, 2);
  assert.equal(r.stderr, `hookline: cannot read the template ${file}: no such file\n`);
  assert.equal(r.stdout, '');
  assert.equal(await hookCount(), 0);
});

test('a template syntax error exits 1 with the file, line, column and attribute the daemon names', async () => {
  const file = path.join(daemon.dir, 'syntax.tmpl');
  fs.writeFileSync(file, 'NAME = broken\nTYPE = api\nCOMMAND = "unterminated\nCALL = one.vm.allocate\n');
  const r = await hl(['hook', 'create', file]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, new RegExp(`^hookline: ${file.replace(/\./g, '\\.')}:3:\\d+: unterminated quoted value of COMMAND.*\\(HEM_TEMPLATE_SYNTAX\\)\\n$`));
  const stdin = await hl(['hook', 'create', '-'], 'NAME = broken\nTYPE = "api\n');
  assert.match(stdin.stderr, /^hookline: <stdin>:2:\d+: unterminated quoted value of TYPE/);
  assert.equal(await hookCount(), 0);
});

test('an invalid template exits 1 naming each attribute at fault, and --json adds the daemon\'s problems', async () => {
  const r = await hl(['hook', 'create', '-'], 'NAME = bad\nTYPE = api\nCOMMAND = x.sh\nTIMEOUT = soon\n');
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^hookline: <stdin>: invalid hook template: .*TIMEOUT must be a positive whole number of seconds, got "soon".*CALL missing.*\(HEM_TEMPLATE_INVALID\)\n$/);
  const j = await hl(['hook', 'create', '-', '--json'], 'NAME = bad\nTYPE = state\nCOMMAND = x.sh\n');
  assert.equal(j.code, 1);
  const problems = (JSON.parse(j.stdout) as { code: string; problems: Array<{ attribute: string }> });
  assert.equal(problems.code, 'HEM_TEMPLATE_INVALID');
  assert.ok(problems.problems.some((p) => p.attribute === 'RESOURCE'));
  assert.equal(await hookCount(), 0);
});

test('every seed template the documentation shows is accepted as it is', async () => {
  // hook-vm-pending.tmpl reuses the name hook-vm; test/cli/hook.test.ts creates it.
  const seed = ['hook-api.tmpl', 'hook-vm.tmpl', 'hook-host.tmpl', 'hook-image.tmpl', 'autostart-host.tmpl', 'autostart-vm.tmpl',
    'host-error.tmpl', 'image-ready.tmpl', 'vm-prolog.tmpl', 'user-create.tmpl'];
  for (const name of seed) {
    const r = await hl(['hook', 'create', path.join(fixturesDir, 'templates', name)]);
    assert.equal(r.code, 0, `${name}: ${r.stderr}`);
    assert.match(r.stdout, /^ID: \d+\n$/);
  }
  assert.equal(await hookCount(), seed.length);
});

test('a second hook with a name already taken is refused with exit 1', async () => {
  const r = await hl(['hook', 'create', path.join(fixturesDir, 'templates', 'hook-api.tmpl')]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /hook-API/);
});

test('an unknown hook id or name exits 1 with the daemon\'s "no hook" for every verb that takes one', async () => {
  const template = path.join(fixturesDir, 'templates', 'hook-image.tmpl');
  for (const args of [['show', '42'], ['show', 'nobody', '-e', '0'], ['update', '42', template], ['rename', '42', 'x'], ['delete', '42'],
    ['lock', 'nobody'], ['unlock', '42'], ['retry', '42', '0'], ['log', '--hook-id', '42']]) {
    const r = await hl(['hook', ...args]);
    assert.equal(r.code, 1, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, /^hookline: no hook (42|"nobody")\n$/, args.join(' '));
    assert.equal(r.stdout, '');
  }
});

test('an execution the hook does not have exits 1 for show -e and retry', async () => {
  const show = await hl(['hook', 'show', 'hook-API', '-e', '5']);
  assert.equal(show.code, 1);
  assert.match(show.stderr, /has no execution 5/);
  const retry = await hl(['hook', 'retry', 'hook-API', '5']);
  assert.equal(retry.code, 1);
  assert.match(retry.stderr, /has no execution 5/);
});

test('retry of an execution the hook does not have is answered as a bad argument, not as a failed command', async () => {
  const retry = await hl(['hook', 'retry', 'hook-API', '6']);
  assert.equal(retry.code, 1);
  assert.doesNotMatch(retry.stderr, /command 'hook-retry' failed/);
  assert.equal(daemon.records.filter((r) => r.msgId === 'CTRL_DISPATCH_FAILED').length, 0, 'the daemon logged a dispatch failure');
});

test('a locked hook refuses update and rename with exit 1 and stays as it was', async () => {
  assert.equal((await hl(['hook', 'lock', 'hook-image'])).code, 0);
  const update = await hl(['hook', 'update', 'hook-image', '-', '--append'], 'TIMEOUT = 5\n');
  assert.equal(update.code, 1);
  assert.match(update.stderr, /locked.*\(HOOK_LOCKED\)/);
  const rename = await hl(['hook', 'rename', 'hook-image', 'other']);
  assert.equal(rename.code, 1);
  assert.match(rename.stderr, /locked.*\(HOOK_LOCKED\)/);
  const shown = JSON.parse((await hl(['hook', 'show', 'hook-image', '--json'])).stdout) as { hook: { template: Record<string, string> } };
  assert.equal(shown.hook.template.TIMEOUT, undefined);
  assert.equal((await hl(['hook', 'unlock', 'hook-image'])).code, 0);
});

test('arguments that are not numbers where numbers are due, and missing arguments, exit 2 before anything is sent', async () => {
  const cases: Array<[string[], RegExp]> = [
    [['show', '0', '-e', 'first'], /-e must be an execution id \(a whole number\), got "first"/],
    [['retry', '0', 'last'], /EXEC must be an execution id/],
    [['log', '--limit', 'ten'], /--limit must be a whole number/],
    [['log', '--success', '--error'], /cannot be used with option/],
    [['show'], /missing required argument 'id'/],
    [['update', '0'], /missing required argument 'file'/],
    [['frobnicate'], /unknown command 'frobnicate'/],
  ];
  for (const [args, message] of cases) {
    const r = await hl(['hook', ...args]);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
  }
});

test('with no daemon at the socket, a verb exits 2 and says how to start one', async () => {
  const empty = tempDir('hl-cli-nodaemon-');
  const r = await runCli(['hook', 'list'], { cwd: empty });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /Is the daemon running\?/);
  const published = await runCli(['event', 'publish', '--state', 'HOST/ERROR/', '--id', '1', '--socket', path.join(empty, 'x.sock')]);
  assert.equal(published.code, 2);
});
