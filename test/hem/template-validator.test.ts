import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { parseHookTemplate, validateHookTemplate, VM_ON_SHORTCUTS } from '../../src/hem/template-validator.js';
import { TemplateValidationError } from '../../src/hem/errors.js';
import { parseTemplate } from '../../src/hem/template-parser.js';
import { fixturesDir, tempDir } from '../support/paths.js';

const dir = path.join(fixturesDir, 'templates');
const read = (name: string): string => fs.readFileSync(path.join(dir, name), 'utf8');

function problems(text: string): Array<{ attribute: string; message: string }> {
  try {
    parseHookTemplate(text);
  } catch (err) {
    assert.ok(err instanceof TemplateValidationError, `expected TemplateValidationError, got ${String(err)}`);
    assert.equal(err.code, 'HEM_TEMPLATE_INVALID');
    return [...err.problems];
  }
  assert.fail('template validated but should not have');
}

test('the seed API hook parses into an api hook on one.user.allocate reading stdin', () => {
  const spec = parseHookTemplate(read('hook-api.tmpl'));
  assert.equal(spec.name, 'hook-API');
  assert.equal(spec.type, 'api');
  assert.equal(spec.command, 'log_new_user.rb');
  assert.equal(spec.arguments, '$API');
  assert.equal(spec.call, 'one.user.allocate');
  assert.equal(spec.argumentsStdin, true);
  assert.equal(spec.remote, false);
  assert.equal(spec.timeout, undefined);
});

test('the seed VM hook with ON = PROLOG triggers on ACTIVE/PROLOG and stores STATE and LCM_STATE instead of ON', () => {
  const spec = parseHookTemplate(read('hook-vm.tmpl'));
  assert.deepEqual([spec.type, spec.resource, spec.state, spec.lcmState], ['state', 'VM', 'ACTIVE', 'PROLOG']);
  assert.equal(spec.arguments, '$TEMPLATE');
  assert.equal(spec.template.ON, undefined);
  assert.equal(spec.template.STATE, 'ACTIVE');
  assert.equal(spec.template.LCM_STATE, 'PROLOG');
});

test('the seed HOST hook is remote and has no LCM state', () => {
  const spec = parseHookTemplate(read('hook-host.tmpl'));
  assert.deepEqual([spec.resource, spec.state, spec.lcmState, spec.remote], ['HOST', 'DISABLED', '', true]);
  assert.equal(spec.template.LCM_STATE, undefined);
});

test('the seed IMAGE hook triggers on IMAGE/READY', () => {
  const spec = parseHookTemplate(read('hook-image.tmpl'));
  assert.deepEqual([spec.name, spec.resource, spec.state, spec.lcmState], ['hook-image', 'IMAGE', 'READY', '']);
});

test('the seed\'s heredoc, run by a real shell, writes the hook-vm template and it parses as ON = CUSTOM on PENDING/LCM_INIT', () => {
  // The seed prints the heredoc terminator indented by one space, which a shell would
  // not recognise; the terminator is the only thing moved to column 0.
  const script = read('create-hook-vm.sh').replace(/^\s+EOF$/m, 'EOF');
  const cwd = tempDir();
  execFileSync('/bin/sh', ['-c', script], { cwd });
  const written = fs.readFileSync(path.join(cwd, 'hook.tmpl'), 'utf8');
  assert.equal(written, read('hook-vm-pending.tmpl'));
  const spec = parseHookTemplate(written);
  assert.equal(spec.arguments, '$TEMPLATE pending');
  assert.deepEqual([spec.name, spec.resource, spec.state, spec.lcmState], ['hook-vm', 'VM', 'PENDING', 'LCM_INIT']);
});

test('the template that onehook show prints in the seed parses as written', () => {
  assert.deepEqual(Object.fromEntries(parseTemplate(read('show-hook-vm.tmpl')).map((a) => [a.name, a.value])), {
    ARGUMENTS: '$TEMPLATE pending', COMMAND: 'vm-pending.rb', LCM_STATE: 'LCM_INIT', REMOTE: 'NO', RESOURCE: 'VM', STATE: 'PENDING',
  });
});

test('the templates in the seed\'s example scripts parse', () => {
  const expect: Record<string, [string, string | undefined, string | undefined, string | undefined]> = {
    'user-create.tmpl': ['api', 'one.user.allocate', undefined, undefined],
    'host-error.tmpl': ['state', undefined, 'HOST', 'ERROR'],
    'vm-prolog.tmpl': ['state', undefined, 'VM', 'ACTIVE'],
    'image-ready.tmpl': ['state', undefined, 'IMAGE', 'READY'],
    'autostart-host.tmpl': ['state', undefined, 'HOST', 'MONITORED'],
    'autostart-vm.tmpl': ['state', undefined, 'VM', 'POWEROFF'],
  };
  for (const [file, [type, call, resource, state]] of Object.entries(expect)) {
    const spec = parseHookTemplate(read(file), file);
    assert.deepEqual([spec.type, spec.call, spec.resource, spec.state], [type, call, resource, state], file);
  }
  assert.equal(parseHookTemplate(read('autostart-vm.tmpl')).lcmState, 'LCM_INIT');
  assert.equal(parseHookTemplate(read('autostart-host.tmpl')).argumentsStdin, true);
});

test('every VM ON shortcut maps to OpenNebula\'s STATE/LCM_STATE pair', () => {
  const expected = {
    PROLOG: ['ACTIVE', 'PROLOG'], RUNNING: ['ACTIVE', 'RUNNING'], SHUTDOWN: ['ACTIVE', 'EPILOG'],
    STOP: ['STOPPED', 'LCM_INIT'], DONE: ['DONE', 'LCM_INIT'], UNKNOWN: ['ACTIVE', 'UNKNOWN'],
  };
  assert.deepEqual(Object.fromEntries(Object.entries(VM_ON_SHORTCUTS).map(([k, v]) => [k, [...v]])), expected);
  for (const [on, [state, lcm]] of Object.entries(expected)) {
    const spec = parseHookTemplate(`NAME = h\nTYPE = state\nCOMMAND = c\nRESOURCE = VM\nON = ${on.toLowerCase()}`);
    assert.deepEqual([spec.state, spec.lcmState], [state, lcm], on);
  }
});

test('an ON shortcut overrides STATE and LCM_STATE written next to it, as in OpenNebula', () => {
  const spec = parseHookTemplate('NAME = h\nTYPE = state\nCOMMAND = c\nRESOURCE = VM\nON = RUNNING\nSTATE = PENDING\nLCM_STATE = LCM_INIT');
  assert.deepEqual([spec.state, spec.lcmState], ['ACTIVE', 'RUNNING']);
});

test('a template missing NAME, COMMAND and TYPE reports all three at once', () => {
  const found = problems('ARGUMENTS = x\n');
  assert.deepEqual(found.map((p) => p.attribute).sort(), ['COMMAND', 'NAME', 'TYPE']);
  assert.ok(found.every((p) => p.message.startsWith(`${p.attribute} missing`)));
});

test('an unknown TYPE is named with the value that was given', () => {
  const [p] = problems('NAME = h\nTYPE = cron\nCOMMAND = c');
  assert.deepEqual(p, { attribute: 'TYPE', message: 'TYPE must be api or state, got "cron"' });
});

test('a state hook without RESOURCE is refused naming RESOURCE', () => {
  const [p] = problems('NAME = h\nTYPE = state\nCOMMAND = c\nSTATE = READY');
  assert.equal(p!.attribute, 'RESOURCE');
  assert.match(p!.message, /RESOURCE missing/);
});

test('an api hook without CALL is refused naming CALL', () => {
  assert.equal(problems('NAME = h\nTYPE = api\nCOMMAND = c')[0]!.attribute, 'CALL');
});

test('TIMEOUT must be a positive whole number of seconds', () => {
  for (const bad of ['0', '-5', '1.5', 'ten', '']) {
    const [p] = problems(`NAME = h\nTYPE = api\nCOMMAND = c\nCALL = x\nTIMEOUT = "${bad}"`);
    assert.equal(p!.attribute, 'TIMEOUT', bad);
    assert.match(p!.message, /positive whole number of seconds/);
  }
  assert.equal(parseHookTemplate('NAME = h\nTYPE = api\nCOMMAND = c\nCALL = x\nTIMEOUT = 30').timeout, 30);
});

test('ARGUMENTS_STDIN and REMOTE accept yes/no/true/false in any case and refuse anything else', () => {
  const spec = parseHookTemplate('NAME = h\nTYPE = api\nCOMMAND = c\nCALL = x\nARGUMENTS_STDIN = TRUE\nREMOTE = No');
  assert.deepEqual([spec.argumentsStdin, spec.remote], [true, false]);
  const [p] = problems('NAME = h\nTYPE = api\nCOMMAND = c\nCALL = x\nREMOTE = maybe');
  assert.equal(p!.attribute, 'REMOTE');
});

test('LOG_RETENTION is kept per hook and must be a positive integer', () => {
  assert.equal(parseHookTemplate('NAME = h\nTYPE = api\nCOMMAND = c\nCALL = x\nLOG_RETENTION = 10').logRetention, 10);
  assert.equal(problems('NAME = h\nTYPE = api\nCOMMAND = c\nCALL = x\nLOG_RETENTION = none')[0]!.attribute, 'LOG_RETENTION');
});

test('a VM hook needs ON, or STATE and LCM_STATE', () => {
  assert.equal(problems('NAME = h\nTYPE = state\nCOMMAND = c\nRESOURCE = VM')[0]!.attribute, 'ON');
  assert.equal(problems('NAME = h\nTYPE = state\nCOMMAND = c\nRESOURCE = VM\nON = CUSTOM\nSTATE = PENDING')[0]!.attribute, 'LCM_STATE');
  const spec = parseHookTemplate('NAME = h\nTYPE = state\nCOMMAND = c\nRESOURCE = VM\nSTATE = PENDING\nLCM_STATE = LCM_INIT');
  assert.deepEqual([spec.state, spec.lcmState], ['PENDING', 'LCM_INIT']);
});

test('an unknown ON value lists the shortcuts, and a shortcut on another resource is refused', () => {
  assert.match(problems('NAME = h\nTYPE = state\nCOMMAND = c\nRESOURCE = VM\nON = BOOT')[0]!.message, /ON must be one of PROLOG, RUNNING, SHUTDOWN, STOP, DONE, UNKNOWN or CUSTOM/);
  assert.match(problems('NAME = h\nTYPE = state\nCOMMAND = c\nRESOURCE = HOST\nON = RUNNING')[0]!.message, /shortcut for RESOURCE = VM only/);
});

test('an attribute given twice is refused with both line numbers', () => {
  const [p] = problems('NAME = a\nTYPE = api\nCOMMAND = c\nCALL = x\nNAME = b');
  assert.deepEqual(p, { attribute: 'NAME', message: 'NAME is given twice (lines 1 and 5); give each attribute once' });
});

test('extra attributes are kept in the template', () => {
  const spec = parseHookTemplate('NAME = h\nTYPE = api\nCOMMAND = c\nCALL = x\nOWNER = "ops team"\nticket = 42');
  assert.equal(spec.template.OWNER, 'ops team');
  assert.equal(spec.template.TICKET, '42');
});

test('a record with lower-case names validates like the template text', () => {
  const spec = validateHookTemplate({ name: 'h', type: 'API', command: 'c', call: 'one.vm.allocate' });
  assert.deepEqual([spec.type, spec.call], ['api', 'one.vm.allocate']);
});

test('the error message lists every problem and the source', () => {
  try {
    parseHookTemplate('TYPE = state\nCOMMAND = c\nTIMEOUT = x', 'bad.tmpl');
    assert.fail('should not validate');
  } catch (err) {
    assert.ok(err instanceof TemplateValidationError);
    assert.match(err.message, /^invalid hook template bad\.tmpl: /);
    assert.match(err.message, /NAME missing/);
    assert.match(err.message, /TIMEOUT must be/);
    assert.match(err.message, /RESOURCE missing/);
  }
});

test('a NAME spanning lines is refused', () => {
  assert.equal(problems('NAME = "a\nb"\nTYPE = api\nCOMMAND = c\nCALL = x')[0]!.attribute, 'NAME');
});
