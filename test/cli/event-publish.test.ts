/**
 * `hookline event publish` against the real daemon. What the daemon stored is
 * read back from the execution records of hooks that the published events
 * match (their eventKey and eventDocument), so each case goes all the way
 * through intake, queue, matching and a real command.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { ExecutionRecord } from '../../src/hem/hook.js';
import { runCli, startDaemon, type DaemonProcess } from '../support/daemon-process.js';
import { fixturesDir, tempDir } from '../support/paths.js';

let daemon: DaemonProcess;
const hooks: Record<string, number> = {};

const hl = (args: string[], input?: string) => runCli(args, { cwd: daemon.dir, ...(input === undefined ? {} : { input }) });

async function createHook(template: string): Promise<number> {
  const r = await hl(['hook', 'create', '-'], template);
  assert.equal(r.code, 0, r.stderr);
  return Number(/^ID: (\d+)$/m.exec(r.stdout)![1]);
}

/** The hook's finished executions, oldest first, once there are `count` of them. */
async function executions(id: number, count: number): Promise<ExecutionRecord[]> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const r = await hl(['hook', 'show', String(id), '--json']);
    assert.equal(r.code, 0, r.stderr);
    const records = (JSON.parse(r.stdout) as { executions: ExecutionRecord[] }).executions.filter((e) => e.status !== 'RUNNING');
    if (records.length >= count) return records.sort((a, b) => a.executionId - b.executionId);
    if (Date.now() > deadline) throw new Error(`hook ${id} ran ${records.length} times, expected ${count}:\n${daemon.output()}`);
    await new Promise((res) => setTimeout(res, 50));
  }
}

/** Publishes and returns the accepted id printed as `ID: N`. */
async function published(args: string[], input?: string): Promise<string> {
  const r = await hl(['event', 'publish', ...args], input);
  assert.equal(r.code, 0, r.stderr);
  const m = /^ID: (\S+)\n$/.exec(r.stdout);
  assert.ok(m, `expected "ID: N", got ${JSON.stringify(r.stdout)}`);
  return m[1]!;
}

before(async () => {
  const dir = tempDir('hl-cli-event-');
  fs.mkdirSync(path.join(dir, 'hooks', 'commands'), { recursive: true });
  fs.copyFileSync(path.join(fixturesDir, 'commands', 'cli-drop-events.mjs'), path.join(dir, 'hooks', 'cli-drop-events.mjs'));
  const command = path.join(dir, 'hooks', 'commands', 'report.sh');
  fs.copyFileSync(path.join(fixturesDir, 'commands', 'cli-report.sh'), command);
  fs.chmodSync(command, 0o755);
  daemon = await startDaemon({ dir, config: { 'hooks-libraries': [{ library: 'cli-drop-events.mjs' }] } });
  hooks.api = await createHook('NAME = on-deploy\nTYPE = api\nCOMMAND = report.sh\nARGUMENTS = "$API x"\nCALL = one.vm.deploy\n');
  hooks.vm = await createHook('NAME = on-pending\nTYPE = state\nCOMMAND = report.sh\nARGUMENTS = "$TEMPLATE x"\nON = CUSTOM\nRESOURCE = VM\nSTATE = PENDING\nLCM_STATE = LCM_INIT\n');
  hooks.host = await createHook('NAME = on-host-error\nTYPE = state\nCOMMAND = report.sh\nARGUMENTS = $TEMPLATE\nRESOURCE = HOST\nSTATE = ERROR\n');
});

after(async () => {
  await daemon.stop();
});

test('--api CALL --success with --param and --result publishes EVENT API <call> 1 with an API document, the session masked', async () => {
  const id = await published(['--api', 'one.vm.deploy', '--success', '--param', 'oneadmin:secret', '--param', '42', '--param', 'host-a', '--param', '{"cpu":2}', '--result', '42']);
  const [record] = await executions(hooks.api!, 1);
  assert.equal(record!.eventId, id);
  assert.equal(record!.eventKey, 'EVENT API one.vm.deploy 1');
  assert.deepEqual(record!.eventDocument, { CALL: 'one.vm.deploy', PARAMETERS: ['****', 42, 'host-a', { cpu: 2 }], SUCCESS: true, RESULT: 42 });
});

test('--failure publishes the 0 key, and an API hook fires on failures too', async () => {
  await published(['--api', 'one.vm.deploy', '--failure', '--host', 'node-1']);
  const records = await executions(hooks.api!, 2);
  assert.equal(records[1]!.eventKey, 'EVENT API one.vm.deploy 0');
  assert.deepEqual(records[1]!.eventDocument, { CALL: 'one.vm.deploy', PARAMETERS: [], SUCCESS: false, HOST: 'node-1' });
});

test('--api with a document file takes PARAMETERS and the rest from the file, and secrets are masked', async () => {
  const file = path.join(daemon.dir, 'api.json');
  fs.writeFileSync(file, JSON.stringify({ PARAMETERS: ['oneadmin:secret', 7], RESULT: 7, EXTRA: 'kept', OBJECT: { VM: { PASSWORD: 'hunter2' } } }));
  await published(['--api', 'one.vm.deploy', '--success', '--document', file]);
  const records = await executions(hooks.api!, 3);
  const doc = records[2]!.eventDocument;
  assert.deepEqual([doc.CALL, doc.SUCCESS, doc.PARAMETERS, doc.RESULT, doc.EXTRA], ['one.vm.deploy', true, ['****', 7], 7, 'kept']);
  assert.deepEqual(doc.OBJECT, { VM: { PASSWORD: '****' } });
});

test('--state RES/STATE/LCM --id N publishes a state event that runs the state hook', async () => {
  const id = await published(['--state', 'VM/PENDING/LCM_INIT', '--id', '3']);
  const [record] = await executions(hooks.vm!, 1);
  assert.equal(record!.eventId, id);
  assert.equal(record!.eventKey, 'EVENT STATE VM/PENDING/LCM_INIT');
  assert.deepEqual(record!.eventDocument, { RESOURCE: 'VM', ID: 3, STATE: 'PENDING', LCM_STATE: 'LCM_INIT' });
  assert.equal(record!.stdout, 'Executed with 2 arguments: x\n');
});

test('an empty LCM state (HOST/ERROR/) publishes a host state event', async () => {
  await published(['--state', 'HOST/ERROR/', '--id', '5']);
  const [record] = await executions(hooks.host!, 1);
  assert.equal(record!.eventKey, 'EVENT STATE HOST/ERROR/');
  assert.deepEqual(record!.eventDocument, { RESOURCE: 'HOST', ID: 5, STATE: 'ERROR', LCM_STATE: '' });
});

test('a raw KEY takes its document from a file or from stdin', async () => {
  const file = path.join(daemon.dir, 'host.json');
  fs.writeFileSync(file, JSON.stringify({ RESOURCE: 'HOST', ID: 6, STATE: 'ERROR', LCM_STATE: '', OBJECT: { NAME: 'h6' } }));
  const fromFile = await published(['EVENT STATE HOST/ERROR/', '--document', file]);
  const fromStdin = await published(['EVENT HOST 8/ERROR/', '-d', '-'], '{"RESOURCE": "HOST", "ID": 8, "STATE": "ERROR"}');
  assert.notEqual(fromFile, fromStdin);
  const records = await executions(hooks.host!, 3);
  assert.deepEqual(records.slice(1).map((r) => [r.eventId, r.eventDocument.ID]), [[fromFile, 6], [fromStdin, 8]]);
  assert.deepEqual(records[1]!.eventDocument.OBJECT, { NAME: 'h6' });
});

test('--json prints the accepted id as the daemon answered it', async () => {
  const r = await hl(['event', 'publish', '--state', 'HOST/ERROR/', '--id', '9', '--json']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(Object.keys(JSON.parse(r.stdout)), ['id']);
  await executions(hooks.host!, 4);
});

test('a bad key, a bad --state and a key/document disagreement are refused with exit 2 before anything is sent', async () => {
  const before = (await executions(hooks.host!, 4)).length;
  const cases: Array<[string[], string | undefined, RegExp]> = [
    [['EVENT STATE HOST/ERROR', '-d', '-'], '{"RESOURCE":"HOST","ID":1,"STATE":"ERROR"}', /invalid event key "EVENT STATE HOST\/ERROR": state triple/],
    [['EVENT API one.vm.deploy yes', '-d', '-'], '{}', /success flag "yes" must be 1 or 0/],
    [['--state', 'HOST/ERROR', '--id', '1'], undefined, /--state must be RESOURCE\/STATE\/LCM_STATE/],
    [['--state', 'HOST/ERROR/', '--id', 'a b'], undefined, /ID must be/],
    [['--api', 'one.vm.deploy'], undefined, /--api needs --success or --failure/],
    [['--api', 'one.vm.deploy', '--success', '-d', '-'], '{"SUCCESS": false}', /SUCCESS false disagrees with the key's success flag 1/],
    [['--api', 'one.vm.deploy', '--success', '--param', '1', '-d', '-'], '{"PARAMETERS": [2]}', /PARAMETERS is given both by --param and in the document/],
    [['EVENT STATE HOST/ERROR/'], undefined, /a raw KEY needs its document/],
    [[], undefined, /give exactly one of/],
  ];
  for (const [args, input, message] of cases) {
    const r = await hl(['event', 'publish', ...args], input);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.equal(r.stdout, '');
  }
  const log = JSON.parse((await hl(['hook', 'log', '--hook-id', String(hooks.host), '--json'])).stdout) as { executions: unknown[] };
  assert.equal(log.executions.length, before, 'nothing was published');
});

test('a document that is not valid JSON is refused naming the file, line and column', async () => {
  const file = path.join(daemon.dir, 'broken.json');
  fs.writeFileSync(file, '{\n  "RESOURCE": "HOST",\n  "ID": 3,,\n}\n');
  const r = await hl(['event', 'publish', 'EVENT STATE HOST/ERROR/', '--document', file]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, new RegExp(`^hookline: ${file.replace(/[.]/g, '\\.')}:3:11: not valid JSON`));

  const stdin = await hl(['event', 'publish', 'EVENT STATE HOST/ERROR/', '-d', '-'], '{"ID": tru}');
  assert.equal(stdin.code, 2);
  assert.match(stdin.stderr, /^hookline: <stdin>:1:11: not valid JSON/);

  const array = await hl(['event', 'publish', 'EVENT STATE HOST/ERROR/', '-d', '-'], '[1, 2]');
  assert.match(array.stderr, /<stdin>: the event document must be a JSON object, got an array/);

  const missing = await hl(['event', 'publish', 'EVENT STATE HOST/ERROR/', '-d', path.join(daemon.dir, 'nope.json')]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /cannot read the document .*nope\.json: no such file/);
});

test('an event the daemon rejects exits 1 with the daemon\'s reason', async () => {
  const r = await hl(['event', 'publish', 'EVENT STATE HOST/ERROR/', '-d', '-'], '{"RESOURCE":"HOST","ID":1,"STATE":"ERROR","DENY":"maintenance window"}');
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^hookline: rejected by a hook library: denied by cli-drop-events: maintenance window\n$/);
  assert.equal(r.stdout, '');
});
