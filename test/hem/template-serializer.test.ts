import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { serializeTemplate } from '../../src/hem/template-serializer.js';
import { mergeTemplates, updateHookSpec } from '../../src/hem/template-update.js';
import { parseTemplate } from '../../src/hem/template-parser.js';
import { parseHookTemplate } from '../../src/hem/template-validator.js';
import { TemplateValidationError } from '../../src/hem/errors.js';
import { fixturesDir } from '../support/paths.js';

const dir = path.join(fixturesDir, 'templates');
const record = (text: string): Record<string, string> => Object.fromEntries(parseTemplate(text).map((a) => [a.name, a.value]));

test('a template is written as onehook show prints it: NAME="value" lines in name order', () => {
  const spec = parseHookTemplate(fs.readFileSync(path.join(dir, 'hook-vm-pending.tmpl'), 'utf8'));
  assert.equal(serializeTemplate(spec.template), [
    'ARGUMENTS="$TEMPLATE pending"', 'COMMAND="vm-pending.rb"', 'LCM_STATE="LCM_INIT"', 'NAME="hook-vm"',
    'RESOURCE="VM"', 'STATE="PENDING"', 'TYPE="state"', '',
  ].join('\n'));
});

test('every fixture template survives a write and re-read unchanged', () => {
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.tmpl'))) {
    const original = record(fs.readFileSync(path.join(dir, file), 'utf8'));
    assert.deepEqual(record(serializeTemplate(original)), original, file);
  }
});

test('quotes, backslashes, newlines and # in values survive a write and re-read', () => {
  const original = { A: 'say "hi"', B: 'C:\\dir', C: 'line1\nline2', D: '# not a comment', E: 'trailing\\', F: '' };
  assert.deepEqual(record(serializeTemplate(original)), original);
});

test('a value that no template can hold is refused with a code', () => {
  assert.throws(() => serializeTemplate({ A: 'blank then backslash \\' }), { code: 'HEM_TEMPLATE_UNREPRESENTABLE' });
});

test('update with append adds and replaces attributes and keeps the rest', () => {
  assert.deepEqual(mergeTemplates({ NAME: 'h', TYPE: 'api', COMMAND: 'a', CALL: 'x' }, { COMMAND: 'b', TIMEOUT: '5' }, true),
    { NAME: 'h', TYPE: 'api', COMMAND: 'b', CALL: 'x', TIMEOUT: '5' });
});

test('update without append replaces the template but keeps NAME and TYPE when the new one leaves them out', () => {
  assert.deepEqual(mergeTemplates({ NAME: 'h', TYPE: 'api', COMMAND: 'a', CALL: 'x', OWNER: 'me' }, { COMMAND: 'b', CALL: 'y' }, false),
    { NAME: 'h', TYPE: 'api', COMMAND: 'b', CALL: 'y' });
});

test('appending ON to a VM hook moves its trigger', () => {
  const current = parseHookTemplate('NAME = h\nTYPE = state\nCOMMAND = c\nRESOURCE = VM\nON = PROLOG');
  const updated = updateHookSpec(current, 'ON = RUNNING', true);
  assert.deepEqual([updated.state, updated.lcmState, updated.template.ON], ['ACTIVE', 'RUNNING', undefined]);
});

test('an update that would leave an invalid hook is refused naming the attribute', () => {
  const current = parseHookTemplate('NAME = h\nTYPE = api\nCOMMAND = c\nCALL = x');
  assert.throws(() => updateHookSpec(current, 'TIMEOUT = soon', true), (err: unknown) =>
    err instanceof TemplateValidationError && err.problems[0]!.attribute === 'TIMEOUT');
  assert.throws(() => updateHookSpec(current, 'COMMAND = d', false), (err: unknown) =>
    err instanceof TemplateValidationError && err.problems[0]!.attribute === 'CALL');
});
