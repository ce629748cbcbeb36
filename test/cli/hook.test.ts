/**
 * `hookline hook …` against the real daemon: the CLI runs as a child process,
 * finds the daemon's socket from its working directory (or --socket,
 * --config), and hook commands run as real processes under
 * <dir>/hooks/commands.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { ExecutionRecord } from '../../src/hem/hook.js';
import { runCli, startDaemon, type DaemonProcess } from '../support/daemon-process.js';
import { fixturesDir } from '../support/paths.js';

const templates = path.join(fixturesDir, 'templates');
let daemon: DaemonProcess;

/** Runs `hookline ARGS` in the daemon's directory, where the default socket lookup finds it. */
const hl = (args: string[], input?: string) => runCli(args, { cwd: daemon.dir, ...(input === undefined ? {} : { input }) });

/** Copies a fixture script to <dir>/hooks/commands/NAME, executable. */
function installCommand(fixture: string, name: string): void {
  const dir = path.join(daemon.dir, 'hooks', 'commands');
  fs.mkdirSync(dir, { recursive: true });
  const target = path.join(dir, name);
  fs.copyFileSync(path.join(fixturesDir, 'commands', fixture), target);
  fs.chmodSync(target, 0o755);
}

async function created(args: string[], input?: string): Promise<number> {
  const r = await hl(args, input);
  assert.equal(r.code, 0, r.stderr);
  const m = /^ID: (\d+)\n$/.exec(r.stdout);
  assert.ok(m, `expected "ID: N", got ${JSON.stringify(r.stdout)}`);
  return Number(m[1]);
}

async function json<T>(args: string[]): Promise<T> {
  const r = await hl([...args, '--json']);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as T;
}

/** Polls `hook show ID --json` until the hook has `count` executions none of which is RUNNING. */
async function executions(id: number, count: number): Promise<ExecutionRecord[]> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const shown = await json<{ executions: ExecutionRecord[] }>(['hook', 'show', String(id)]);
    if (shown.executions.length >= count && shown.executions.every((e) => e.status !== 'RUNNING')) return shown.executions;
    if (Date.now() > deadline) throw new Error(`hook ${id} has ${shown.executions.length} finished executions, expected ${count}:\n${daemon.output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Lines of a table as arrays of cells. */
const rows = (table: string): string[][] => table.trimEnd().split('\n').map((l) => l.trim().split(/\s+/));

before(async () => {
  daemon = await startDaemon({ config: {} });
});

after(async () => {
  await daemon.stop();
});

test('hook create reads a seed template from a file and prints "ID: N" as onehook does', async () => {
  const id = await created(['hook', 'create', path.join(templates, 'hook-vm-pending.tmpl')]);
  const shown = await json<{ hook: { name: string; type: string; trigger: string } }>(['hook', 'show', String(id)]);
  assert.equal(shown.hook.name, 'hook-vm');
  assert.equal(shown.hook.trigger, 'VM/PENDING/LCM_INIT');
});

test('hook create - reads the template from stdin', async () => {
  const id = await created(['hook', 'create', '-'], fs.readFileSync(path.join(templates, 'hook-api.tmpl'), 'utf8'));
  const shown = await json<{ hook: { name: string; call: string; argumentsStdin: boolean } }>(['hook', 'show', 'hook-API']);
  assert.equal(shown.hook.call, 'one.user.allocate');
  assert.equal(shown.hook.argumentsStdin, true);
  assert.equal((await json<{ hook: { id: number } }>(['hook', 'show', String(id)])).hook.id, id);
});

test('hook list prints a table with ID, NAME, TYPE, TRIGGER and LOCK, one row per hook', async () => {
  await created(['hook', 'create', path.join(templates, 'hook-host.tmpl')]);
  const r = await hl(['hook', 'list']);
  assert.equal(r.code, 0, r.stderr);
  const table = rows(r.stdout);
  assert.deepEqual(table[0], ['ID', 'NAME', 'TYPE', 'TRIGGER', 'LOCK']);
  const byName = new Map(table.slice(1).map((cells) => [cells[1], cells]));
  assert.deepEqual(byName.get('hook-vm')?.slice(2), ['state', 'VM/PENDING/LCM_INIT', 'None']);
  assert.deepEqual(byName.get('hook-API')?.slice(2), ['api', 'one.user.allocate', 'None']);
  assert.deepEqual(byName.get('hook-host')?.slice(2), ['state', 'HOST/DISABLED/', 'None']);
});

test('hook show prints the information block, the template in NAME="value" lines and the execution log header', async () => {
  const r = await hl(['hook', 'show', 'hook-vm']);
  assert.equal(r.code, 0, r.stderr);
  const [info, template, log] = r.stdout.split('\n\n');
  assert.match(info!, /^HOOK \d+ INFORMATION\nID {16}: \d+\nNAME {14}: hook-vm\nTYPE {14}: state\nLOCK {14}: None$/);
  assert.ok(template!.startsWith('HOOK TEMPLATE\n'));
  for (const line of ['ARGUMENTS="$TEMPLATE pending"', 'COMMAND="vm-pending.rb"', 'LCM_STATE="LCM_INIT"', 'RESOURCE="VM"', 'STATE="PENDING"']) {
    assert.ok(template!.split('\n').includes(line), `${line} in\n${template}`);
  }
  assert.deepEqual(rows(log!), [['EXECUTION', 'LOG'], ['ID', 'TIMESTAMP', 'RC', 'EXECUTION']]);
});

test('--json prints the arguments of the control command\'s response unchanged', async () => {
  for (const [args, request] of [
    [['hook', 'list'], { command: 'hook-list' }],
    [['hook', 'show', 'hook-vm'], { command: 'hook-show', arguments: { id: 'hook-vm' } }],
    [['hook', 'log'], { command: 'hook-log' }],
  ] as const) {
    const direct = await daemon.command(request);
    assert.deepEqual(await json(args as unknown as string[]), direct.arguments, args.join(' '));
  }
});

test('hook update replaces the template, and with --append keeps it and adds to it', async () => {
  const id = await created(['hook', 'create', '-'], 'NAME = updatable\nTYPE = api\nCOMMAND = a.sh\nCALL = one.vm.allocate\n');
  let r = await hl(['hook', 'update', String(id), '-'], 'NAME = updatable\nTYPE = state\nCOMMAND = b.sh\nRESOURCE = HOST\nSTATE = ERROR\n');
  assert.equal(r.code, 0, r.stderr);
  let shown = await json<{ hook: { type: string; trigger: string; command: string; template: Record<string, string> } }>(['hook', 'show', String(id)]);
  assert.deepEqual([shown.hook.type, shown.hook.trigger, shown.hook.command], ['state', 'HOST/ERROR/', 'b.sh']);
  assert.equal(shown.hook.template.CALL, undefined);

  const file = path.join(daemon.dir, 'append.tmpl');
  fs.writeFileSync(file, 'TIMEOUT = 30\nOWNER = ops\n');
  r = await hl(['hook', 'update', 'updatable', file, '--append']);
  assert.equal(r.code, 0, r.stderr);
  shown = await json(['hook', 'show', String(id)]);
  assert.deepEqual([shown.hook.command, shown.hook.template.STATE, shown.hook.template.TIMEOUT, shown.hook.template.OWNER], ['b.sh', 'ERROR', '30', 'ops']);
  const text = (await hl(['hook', 'show', String(id)])).stdout;
  assert.match(text, /^TIMEOUT="30"$/m);
});

test('hook rename changes the name, and the hook is then found by its new name only', async () => {
  const id = await created(['hook', 'create', '-'], 'NAME = old-name\nTYPE = api\nCOMMAND = a.sh\nCALL = one.vm.rename\n');
  const r = await hl(['hook', 'rename', 'old-name', 'new-name']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal((await json<{ hook: { id: number } }>(['hook', 'show', 'new-name'])).hook.id, id);
  const old = await hl(['hook', 'show', 'old-name']);
  assert.equal(old.code, 1);
  assert.match(old.stderr, /no hook "old-name"/);
});

test('a locked hook refuses delete with exit 1 and the daemon\'s reason; unlocked, it is deleted', async () => {
  const id = await created(['hook', 'create', '-'], 'NAME = guarded\nTYPE = api\nCOMMAND = a.sh\nCALL = one.vm.delete\n');
  assert.equal((await hl(['hook', 'lock', String(id)])).code, 0);
  const listed = rows((await hl(['hook', 'list'])).stdout).find((cells) => cells[1] === 'guarded');
  assert.equal(listed?.at(-1), 'Locked');
  assert.match((await hl(['hook', 'show', String(id)])).stdout, /^LOCK {14}: Locked$/m);

  const refused = await hl(['hook', 'delete', String(id)]);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /locked.*unlock it first.*HOOK_LOCKED/);
  assert.equal((await hl(['hook', 'show', String(id)])).code, 0, 'still there');

  assert.equal((await hl(['hook', 'unlock', String(id)])).code, 0);
  const deleted = await hl(['hook', 'delete', String(id)]);
  assert.equal(deleted.code, 0, deleted.stderr);
  assert.equal((await hl(['hook', 'show', String(id)])).code, 1);
});

test('an API event published with the CLI runs the matching hook; show lists the execution and show -e prints rc, stdout and status', async () => {
  installCommand('cli-report.sh', 'report.sh');
  const id = await created(['hook', 'create', '-'], 'NAME = report\nTYPE = api\nCOMMAND = report.sh\nARGUMENTS = "$API second"\nCALL = one.vm.deploy\n');
  const published = await hl(['event', 'publish', '--api', 'one.vm.deploy', '--success', '--param', 'oneadmin:pw', '--param', '7', '--param', '"host-a"']);
  assert.equal(published.code, 0, published.stderr);

  const [record] = await executions(id, 1);
  assert.equal(record!.status, 'SUCCESS');
  const show = await hl(['hook', 'show', String(id)]);
  const log = rows(show.stdout.split('EXECUTION LOG\n')[1]!);
  assert.deepEqual(log[0], ['ID', 'TIMESTAMP', 'RC', 'EXECUTION']);
  assert.equal(log.length, 2);
  assert.equal(log[1]![0], '0');
  assert.match(`${log[1]![1]} ${log[1]![2]}`, /^\d\d\/\d\d \d\d:\d\d$/);
  assert.deepEqual(log[1]!.slice(3), ['0', 'SUCCESS']);

  const e = await hl(['hook', 'show', String(id), '-e', '0']);
  assert.equal(e.code, 0, e.stderr);
  assert.match(e.stdout, /^HOOK EXECUTION RECORD$/m);
  assert.match(e.stdout, /^EXECUTION ID {6}: 0$/m);
  assert.match(e.stdout, /^TIMESTAMP {9}: \d\d\/\d\d \d\d:\d\d:\d\d$/m);
  assert.match(e.stdout, /^EVENT {13}: EVENT API one\.vm\.deploy 1 \(event \d+\)$/m);
  assert.match(e.stdout, new RegExp(`^COMMAND {11}: ${path.join(daemon.dir, 'hooks', 'commands', 'report.sh')} \\S+ second$`, 'm'));
  assert.match(e.stdout, /^EXIT CODE {9}: 0$/m);
  assert.match(e.stdout, /^STATUS {12}: SUCCESS$/m);
  assert.match(e.stdout, /^RETRY {13}: no$/m);
  assert.match(e.stdout, /\nEXECUTION STDOUT\nExecuted with 2 arguments: second\n\nEXECUTION STDERR\n/);
  // The $API argument is shown decoded, as onehook shows the XML.
  assert.match(e.stdout, /"CALL": "one\.vm\.deploy"/);
  assert.match(e.stdout, /"PARAMETERS": \[\n\s+"\*\*\*\*",\n\s+7,\n\s+"host-a"\n\s+\]/);
});

test('a hook whose command is missing gets an ERROR record with rc 255 that show -e explains, with the ARGUMENTS_STDIN document under STDIN', async () => {
  const id = (await json<{ hook: { id: number } }>(['hook', 'show', 'hook-API'])).hook.id;
  const published = await hl(['event', 'publish', '--api', 'one.user.allocate', '--success', '-p', 'oneadmin:pw', '-p', 'alice', '-p', 'secret', '-p', 'core']);
  assert.equal(published.code, 0, published.stderr);
  const [record] = await executions(id, 1);
  assert.deepEqual([record!.status, record!.rc], ['ERROR', 255]);
  assert.deepEqual(rows((await hl(['hook', 'show', String(id)])).stdout.split('EXECUTION LOG\n')[1]!)[1]!.slice(3), ['255', 'ERROR']);

  const e = await hl(['hook', 'show', String(id), '-e', '0']);
  assert.equal(e.code, 0, e.stderr);
  assert.match(e.stdout, new RegExp(`^COMMAND {11}: ${path.join(daemon.dir, 'hooks', 'commands', 'log_new_user.rb')}$`, 'm'));
  assert.match(e.stdout, /^ARGUMENTS {9}:\nSTDIN {13}:\n\{\n {2}"CALL": "one\.user\.allocate",/m);
  assert.match(e.stdout, /"PARAMETERS": \[\n\s+"\*\*\*\*",\n\s+"alice",\n\s+"\*\*\*\*",\n\s+"core"\n\s+\]/, 'session and password masked');
  assert.match(e.stdout, /^EXIT CODE {9}: 255$/m);
  assert.match(e.stdout, /^STATUS {12}: ERROR$/m);
  assert.match(e.stdout, /\nEXECUTION STDERR\n.*log_new_user\.rb.*\n$/);
});

test('after the command breaks, retry writes a new record flagged retry, and log --error lists only the failures', async () => {
  const id = (await json<{ hook: { id: number } }>(['hook', 'show', 'report'])).hook.id;
  installCommand('cli-fail.sh', 'report.sh');
  const retried = await hl(['hook', 'retry', 'report', '0']);
  assert.equal(retried.code, 0, retried.stderr);
  assert.equal(retried.stdout, 'EXECUTION ID: 1 ERROR (7)\n');

  const records = await executions(id, 2);
  const retry = records.find((r) => r.executionId === 1)!;
  assert.deepEqual([retry.status, retry.rc, retry.retry], ['ERROR', 7, true]);
  const log = rows((await hl(['hook', 'show', String(id)])).stdout.split('EXECUTION LOG\n')[1]!);
  assert.deepEqual(log.slice(1).map((cells) => cells.slice(3)), [['0', 'SUCCESS'], ['7', 'ERROR', '(retry)']]);

  const e = await hl(['hook', 'show', String(id), '-e', '1']);
  assert.match(e.stdout, /^EXIT CODE {9}: 7$/m);
  assert.match(e.stdout, /^STATUS {12}: ERROR$/m);
  assert.match(e.stdout, /^RETRY {13}: yes$/m);
  assert.match(e.stdout, /\nEXECUTION STDERR\ncli-fail: refusing to run\n$/);

  const errors = await hl(['hook', 'log', '--error', '--hook-id', 'report']);
  assert.equal(errors.code, 0, errors.stderr);
  const table = rows(errors.stdout);
  assert.deepEqual(table[0], ['HOOK', 'ID', 'TIMESTAMP', 'RC', 'EXECUTION']);
  assert.deepEqual(table.slice(1).map((cells) => [cells[0], cells[1], cells[4], cells[5]]), [[String(id), '1', '7', 'ERROR']]);
  const successes = rows((await hl(['hook', 'log', '--success', '--hook-id', String(id)])).stdout);
  assert.deepEqual(successes.slice(1).map((cells) => [cells[1], cells[5]]), [['0', 'SUCCESS']]);
});

test('a command that outlives TIMEOUT is recorded as TIMEOUT with its signal, and log --error includes it', async () => {
  installCommand('cli-sleep.sh', 'sleep.sh');
  const id = await created(['hook', 'create', '-'], 'NAME = sleeper\nTYPE = state\nCOMMAND = sleep.sh\nRESOURCE = IMAGE\nSTATE = READY\nTIMEOUT = 1\n');
  assert.equal((await hl(['event', 'publish', '--state', 'IMAGE/READY/', '--id', '12'])).code, 0);
  const [record] = await executions(id, 1);
  assert.equal(record!.status, 'TIMEOUT');
  const e = await hl(['hook', 'show', 'sleeper', '-e', '0']);
  assert.match(e.stdout, new RegExp(`^EXIT CODE {9}: ${record!.rc} \\(${record!.signal}\\)$`, 'm'));
  assert.match(e.stdout, /^STATUS {12}: TIMEOUT$/m);
  assert.match(e.stdout, /\nEXECUTION STDOUT\nsleeping\n/);
  const errors = rows((await hl(['hook', 'log', '--error', '--hook-id', 'sleeper'])).stdout);
  assert.deepEqual(errors.slice(1).map((cells) => cells[5]), ['TIMEOUT']);
});

test('hook log filters by time given as ISO 8601 or epoch seconds, and --limit keeps the most recent', async () => {
  const id = (await json<{ hook: { id: number } }>(['hook', 'show', 'report'])).hook.id;
  const records = await executions(id, 2);
  const first = records.find((r) => r.executionId === 0)!;
  const second = records.find((r) => r.executionId === 1)!;
  const ids = async (args: string[]): Promise<number[]> =>
    (await json<{ executions: ExecutionRecord[] }>(['hook', 'log', '--hook-id', String(id), ...args])).executions.map((r) => r.executionId).sort();

  assert.deepEqual(await ids(['--since', new Date(first.startTime).toISOString()]), [0, 1]);
  assert.deepEqual(await ids(['--since', new Date(second.startTime).toISOString(), '--until', new Date(second.startTime).toISOString()]), [1]);
  assert.deepEqual(await ids(['--until', String((first.startTime - 1000) / 1000)]), []);
  assert.deepEqual(await ids(['--since', '2000-01-01', '--until', String(Math.ceil(second.startTime / 1000))]), [0, 1]);
  assert.deepEqual(await ids(['--limit', '1']), [1]);

  const empty = await hl(['hook', 'log', '--hook-id', String(id), '--until', '2000-01-01T00:00:00Z']);
  assert.equal(empty.code, 0, 'an empty log is not an error');
  assert.deepEqual(rows(empty.stdout), [['HOOK', 'ID', 'TIMESTAMP', 'RC', 'EXECUTION']]);
});

test('a time that is neither ISO 8601 nor epoch seconds is explained, with exit 2', async () => {
  for (const bad of ['yesterday', '2026-13-45', '12:00']) {
    const r = await hl(['hook', 'log', '--since', bad]);
    assert.equal(r.code, 2, bad);
    assert.match(r.stderr, new RegExp(`--since "${bad}" is not a time: give ISO 8601 .* or epoch seconds`));
    assert.equal(r.stdout, '');
  }
});

test('--socket and --config find the daemon from another directory', async () => {
  const bySocket = await runCli(['hook', 'list', '--socket', daemon.socket]);
  assert.equal(bySocket.code, 0, bySocket.stderr);
  assert.match(bySocket.stdout, /^ID NAME/);
  const byConfig = await runCli(['hook', 'show', 'hook-vm', '--config', path.join(daemon.dir, 'hookline.json'), '--json']);
  assert.equal(byConfig.code, 0, byConfig.stderr);
  assert.equal(JSON.parse(byConfig.stdout).hook.name, 'hook-vm');
});
