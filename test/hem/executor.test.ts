import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Executor, type ExecutableHook, type ExecutionEvent, type ExecutorOptions } from '../../src/hem/executor.js';
import { encodeDocument } from '../../src/hem/command-line.js';
import { captureLog } from '../support/log-capture.js';
import { fixturesDir, tempDir } from '../support/paths.js';

const commandsDir = path.join(fixturesDir, 'commands');
const scratch = tempDir();
let scratchFiles = 0;
const scratchFile = (name: string): string => path.join(scratch, `${scratchFiles++}-${name}`);

const event: ExecutionEvent = {
  id: '42',
  key: 'EVENT STATE VM/PENDING/LCM_INIT',
  document: { RESOURCE: 'VM', ID: 7, STATE: 'PENDING', LCM_STATE: 'LCM_INIT' },
};

function hook(command: string, args = '', extra: Partial<ExecutableHook> = {}): ExecutableHook {
  return { id: 3, name: 'test-hook', command, arguments: args, argumentsStdin: false, remote: false, ...extra };
}

async function execute(h: ExecutableHook, options: Partial<ExecutorOptions> = {}, ev: ExecutionEvent = event) {
  const executor = new Executor({ hookBasePath: commandsDir, ...options });
  const plan = await executor.plan(h, ev);
  return { plan, outcome: await executor.run(plan) };
}

/** True while `pid` exists and is not a zombie (a container's init may be slow to reap). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

async function waitUntil(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    if (condition()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.fail(`timed out waiting until ${what}`);
}

describe('Executor', () => {
  // Git may not have kept the exec bits (a checkout with core.fileMode=false, a copied tree).
  before(() => {
    for (const f of fs.readdirSync(commandsDir)) if (f.endsWith('.sh')) fs.chmodSync(path.join(commandsDir, f), 0o755);
  });

  it('records SUCCESS with rc 0, the argv words and both output streams of a relative COMMAND', async () => {
    const { plan, outcome } = await execute(hook('print-args.sh', `one 'two words' "three"`));
    assert.equal(plan.command, fs.realpathSync(path.join(commandsDir, 'print-args.sh')));
    assert.deepEqual(plan.arguments, ['one', 'two words', 'three']);
    assert.equal(outcome.status, 'SUCCESS');
    assert.equal(outcome.rc, 0);
    assert.equal(outcome.signal, null);
    assert.equal(outcome.stdout, '[one]\n[two words]\n[three]\n');
    assert.equal(outcome.stderr, 'to stderr\n');
    assert.equal(outcome.truncated, false);
    assert.ok(outcome.endTime >= outcome.startTime);
  });

  it('records ERROR with the exit code of a failing command', async () => {
    const { outcome } = await execute(hook('exit-with.sh', '3'));
    assert.equal(outcome.status, 'ERROR');
    assert.equal(outcome.rc, 3);
  });

  it('records ERROR with the signal of a command killed by one', async () => {
    const { outcome } = await execute(hook('kill-self.sh', 'KILL'));
    assert.equal(outcome.status, 'ERROR');
    assert.equal(outcome.signal, 'SIGKILL');
    assert.equal(outcome.rc, 128 + 9);
  });

  it('passes $API as the base64 of the event document in argv', async () => {
    const { outcome } = await execute(hook('print-args.sh', '$API pending'));
    const [encoded, second] = outcome.stdout.split('\n');
    assert.equal(encoded, `[${encodeDocument(event.document)}]`);
    assert.deepEqual(JSON.parse(Buffer.from(encoded!.slice(1, -1), 'base64').toString('utf8')), event.document);
    assert.equal(second, '[pending]');
  });

  it('sends the arguments on stdin and none in argv with ARGUMENTS_STDIN', async () => {
    const { plan, outcome } = await execute(hook('echo-stdin.sh', '$TEMPLATE pending', { argumentsStdin: true }));
    assert.equal(plan.stdin, `${encodeDocument(event.document)} pending\n`);
    assert.equal(outcome.stdout, `argc=0\n${encodeDocument(event.document)} pending\n`);
  });

  it('survives a command that exits without reading a large stdin', async () => {
    const big = { BLOB: 'x'.repeat(2_000_000) };
    const { outcome } = await execute(hook('ignore-stdin.sh', '$API', { argumentsStdin: true }), {}, { ...event, document: big });
    assert.equal(outcome.status, 'SUCCESS');
  });

  it('keeps output up to the limit, flags it truncated, and drains the rest so the command completes', async () => {
    const log = captureLog();
    const { outcome } = await execute(hook('flood.sh'), { outputLimit: 1000, logger: log.logger });
    assert.equal(outcome.status, 'SUCCESS');
    assert.equal(outcome.truncated, true);
    assert.equal(outcome.stdout, 'o'.repeat(1000));
    assert.equal(outcome.stderr, 'e'.repeat(1000));
    assert.ok(log.has('HEM_OUTPUT_TRUNCATED'));
  });

  it('on TIMEOUT terminates the whole process group, grandchildren included', async () => {
    const pidFile = scratchFile('grandchild.pid');
    const log = captureLog();
    const { outcome } = await execute(hook('sleep-with-child.sh', pidFile, { timeout: 1 }), { logger: log.logger });
    assert.equal(outcome.status, 'TIMEOUT');
    assert.equal(outcome.signal, 'SIGTERM');
    assert.ok(fs.existsSync(pidFile), 'the hook wrote its grandchild pid before the timeout');
    const grandchild = Number(fs.readFileSync(pidFile, 'utf8'));
    await waitUntil(() => !alive(grandchild), `grandchild ${grandchild} is gone`);
    assert.ok(log.has('HEM_EXECUTION_TIMEOUT'));
  });

  it('sends SIGKILL after the grace period to a process group that ignores SIGTERM', async () => {
    const pidFile = scratchFile('stubborn.pid');
    const log = captureLog();
    const { outcome } = await execute(hook('sleep-with-child.sh', `${pidFile} stubborn`, { timeout: 1 }), { killGraceMs: 200, logger: log.logger });
    assert.equal(outcome.status, 'TIMEOUT');
    assert.equal(outcome.signal, 'SIGKILL');
    const grandchild = Number(fs.readFileSync(pidFile, 'utf8'));
    await waitUntil(() => !alive(grandchild), `stubborn grandchild ${grandchild} is gone`);
    assert.ok(log.has('HEM_EXECUTION_KILLED'));
  });

  it('stops the process group of a running command when the daemon aborts it', async () => {
    const pidFile = scratchFile('aborted.pid');
    const executor = new Executor({ hookBasePath: commandsDir });
    const plan = await executor.plan(hook('sleep-with-child.sh', pidFile), event);
    const controller = new AbortController();
    const running = executor.run(plan, { signal: controller.signal });
    await waitUntil(() => fs.existsSync(pidFile), 'the command wrote its grandchild pid');
    controller.abort();
    const outcome = await running;
    assert.equal(outcome.status, 'ERROR');
    assert.equal(outcome.signal, 'SIGTERM');
    assert.match(outcome.stderr, /aborted/);
    const grandchild = Number(fs.readFileSync(pidFile, 'utf8'));
    await waitUntil(() => !alive(grandchild), `grandchild ${grandchild} is gone`);
  });

  it('does not wait forever for a background process that keeps stdout open', async () => {
    const pidFile = scratchFile('background.pid');
    const { outcome } = await execute(hook('background.sh', pidFile), { outputLingerMs: 100 });
    assert.equal(outcome.status, 'SUCCESS');
    assert.equal(outcome.stdout, 'started\n');
    process.kill(Number(fs.readFileSync(pidFile, 'utf8')), 'SIGKILL');
  });

  it('records ERROR rc 255 saying so when the command does not exist', async () => {
    const log = captureLog();
    const { outcome } = await execute(hook('vm-pending.rb'), { logger: log.logger });
    assert.equal(outcome.status, 'ERROR');
    assert.equal(outcome.rc, 255);
    assert.match(outcome.stderr, /vm-pending\.rb does not exist/);
    assert.ok(log.has('HEM_EXECUTION_REFUSED'));
  });

  it('records ERROR rc 255 for a command that is not executable', async () => {
    const base = tempDir();
    fs.writeFileSync(path.join(base, 'plain.sh'), '#!/bin/sh\nexit 0\n', { mode: 0o644 });
    const { outcome } = await execute(hook('plain.sh'), { hookBasePath: base });
    assert.equal(outcome.rc, 255);
    assert.match(outcome.stderr, /not executable/);
  });

  it('explains why an absolute COMMAND could not start: missing, a directory, or a missing #! interpreter', async () => {
    const base = tempDir();
    fs.writeFileSync(path.join(base, 'bad-interpreter.sh'), '#!/nonexistent/interpreter\n', { mode: 0o755 });
    const missing = await execute(hook(path.join(base, 'nope.sh')));
    assert.equal(missing.outcome.rc, 255);
    assert.match(missing.outcome.stderr, /nope\.sh does not exist/);
    const directory = await execute(hook(base));
    assert.equal(directory.outcome.rc, 255);
    assert.match(directory.outcome.stderr, /is not a regular file/);
    const interpreter = await execute(hook(path.join(base, 'bad-interpreter.sh')));
    assert.equal(interpreter.outcome.rc, 255);
    assert.match(interpreter.outcome.stderr, /interpreter on its #! line was not found/);
  });

  it('refuses a relative COMMAND that climbs out of hook-base-path with ..', async () => {
    const { outcome } = await execute(hook('../commands/../../../package.json'));
    assert.equal(outcome.rc, 255);
    assert.match(outcome.stderr, /leaves hook-base-path/);
  });

  it('refuses a COMMAND under hook-base-path that is a symlink to a file outside it', async () => {
    const base = tempDir();
    fs.symlinkSync(path.join(commandsDir, 'print-args.sh'), path.join(base, 'escape.sh'));
    const { outcome } = await execute(hook('escape.sh'), { hookBasePath: base });
    assert.equal(outcome.rc, 255);
    assert.match(outcome.stderr, /through a symlink, outside hook-base-path/);
  });

  it('runs an absolute COMMAND where it is', async () => {
    const { outcome } = await execute(hook(path.join(commandsDir, 'exit-with.sh'), '0'), { hookBasePath: tempDir() });
    assert.equal(outcome.status, 'SUCCESS');
  });

  it('records ERROR rc 255 naming the position of a syntax error in ARGUMENTS', async () => {
    const { outcome } = await execute(hook('print-args.sh', `"open`));
    assert.equal(outcome.rc, 255);
    assert.match(outcome.stderr, /unterminated double quote .* at character 1/);
  });

  it('gives the command a minimal environment: no daemon secrets, HOOKLINE_* variables and the configured extras', async () => {
    process.env.HOOKLINE_TEST_SECRET = 'hunter2';
    try {
      const { outcome } = await execute(hook('print-env.sh'), { env: { SITE: 'lab' } });
      const env = new Map(outcome.stdout.trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
      assert.equal(env.has('HOOKLINE_TEST_SECRET'), false);
      assert.equal(env.get('HOOKLINE_HOOK_ID'), '3');
      assert.equal(env.get('HOOKLINE_HOOK_NAME'), 'test-hook');
      assert.equal(env.get('HOOKLINE_EVENT_ID'), '42');
      assert.equal(env.get('HOOKLINE_EVENT_KEY'), 'EVENT STATE VM/PENDING/LCM_INIT');
      assert.equal(env.get('SITE'), 'lab');
      assert.ok(env.get('PATH'));
    } finally {
      delete process.env.HOOKLINE_TEST_SECRET;
    }
  });

  it('records ERROR rc 255 for a REMOTE hook whose event has no HOST', async () => {
    const { outcome } = await execute(hook('print-args.sh', '', { remote: true }));
    assert.equal(outcome.rc, 255);
    assert.match(outcome.stderr, /has no HOST/);
  });

  it('refuses a REMOTE hook whose HOST could be read as an ssh option', async () => {
    const { outcome } = await execute(hook('x.sh', '', { remote: true }), {}, { ...event, document: { ...event.document, HOST: '-oProxyCommand=x' } });
    assert.equal(outcome.rc, 255);
    assert.match(outcome.stderr, /not a host name/);
  });

  it('runs a REMOTE hook through ssh in batch mode on the event HOST, quoting words for the remote shell', async () => {
    const onHost = { ...event, document: { ...event.document, HOST: 'node-1' } };
    const { plan, outcome } = await execute(
      hook('host-disabled.sh', `$TEMPLATE 'two words'`, { remote: true }),
      { sshCommand: path.join(commandsDir, 'fake-ssh.sh'), remoteHookBasePath: '/var/tmp/hooks' },
      onHost,
    );
    assert.equal(outcome.status, 'SUCCESS');
    assert.deepEqual(plan.arguments, ['-o', 'BatchMode=yes', 'node-1', '/var/tmp/hooks/host-disabled.sh', encodeDocument(onHost.document), `'two words'`]);
    assert.equal(outcome.stdout, plan.arguments.map((a) => `[${a}]\n`).join(''));
  });

  it('refuses a relative hook-base-path at construction with HEM_EXECUTOR_CONFIG', () => {
    assert.throws(() => new Executor({ hookBasePath: 'hooks' }), { code: 'HEM_EXECUTOR_CONFIG' });
  });
});
