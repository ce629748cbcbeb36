import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTemplate } from '../../src/hem/template-parser.js';
import { TemplateSyntaxError } from '../../src/hem/errors.js';

function values(text: string): Record<string, string> {
  return Object.fromEntries(parseTemplate(text).map((a) => [a.name, a.value]));
}

function syntaxError(text: string): TemplateSyntaxError {
  try {
    parseTemplate(text, 'x.tmpl');
  } catch (err) {
    assert.ok(err instanceof TemplateSyntaxError, `expected TemplateSyntaxError, got ${String(err)}`);
    assert.equal(err.code, 'HEM_TEMPLATE_SYNTAX');
    return err;
  }
  assert.fail('template parsed but should not have');
}

test('NAME = value lines parse with names stored upper-case', () => {
  assert.deepEqual(values('name = hook-vm\nType=state\n'), { NAME: 'hook-vm', TYPE: 'state' });
});

test('each attribute records its 1-based line and column', () => {
  const [a, b] = parseTemplate('\n  NAME = x\nTYPE = api');
  assert.deepEqual([a!.line, a!.column, b!.line, b!.column], [2, 3, 3, 1]);
});

test('comments and blank lines are ignored, including a comment after a value', () => {
  assert.deepEqual(values('# comment\n\n   # indented comment\nNAME = x # trailing\n\nTYPE = api'), { NAME: 'x', TYPE: 'api' });
});

test('quoted values keep blanks, $ and # and may span lines', () => {
  assert.deepEqual(values('ARGUMENTS = "$TEMPLATE pending # not a comment"\nX = "a\nb"'), {
    ARGUMENTS: '$TEMPLATE pending # not a comment', X: 'a\nb',
  });
});

test('inside quotes \\" is a quote and every other backslash is kept, as OpenNebula does', () => {
  assert.equal(values('A = "say \\"hi\\" C:\\dir\\n"').A, 'say "hi" C:\\dir\\n');
});

test('an unquoted value may hold $ and / and dots', () => {
  assert.deepEqual(values('ARGUMENTS = $API\nCOMMAND = autostart/host\nCALL = one.user.allocate'), {
    ARGUMENTS: '$API', COMMAND: 'autostart/host', CALL: 'one.user.allocate',
  });
});

test('NAME = at the end of a line is an empty value, and "" is too', () => {
  assert.deepEqual(values('A =\nB = ""\nC ='), { A: '', B: '', C: '' });
});

test('CRLF line endings parse like LF', () => {
  assert.deepEqual(values('NAME = x\r\nTYPE = "api"\r\n'), { NAME: 'x', TYPE: 'api' });
});

test('several attributes on one line are allowed, as in OpenNebula', () => {
  assert.deepEqual(values('A = 1 B = "2"'), { A: '1', B: '2' });
});

test('an unquoted value with a blank in it is an error pointing at the stray word', () => {
  const err = syntaxError('NAME = hello world\n');
  assert.equal(err.line, 1);
  assert.equal(err.column, 14);
  assert.equal(err.text, 'world');
  assert.match(err.message, /^x\.tmpl:1:14: unexpected text after the value of NAME; quote values that contain blanks/);
});

test('an unterminated quote is reported at the opening quote', () => {
  const err = syntaxError('NAME = x\nARGUMENTS = "abc\nmore');
  assert.deepEqual([err.line, err.column], [2, 13]);
  assert.match(err.message, /unterminated quoted value of ARGUMENTS/);
});

test('a line without = names the attribute that lacks it', () => {
  const err = syntaxError('NAME x\n');
  assert.match(err.message, /expected "=" after the attribute name NAME/);
  assert.deepEqual([err.line, err.column], [1, 6]);
});

test('a line that does not start with a name is an error with its text', () => {
  const err = syntaxError('= value\n');
  assert.equal(err.text, '= value');
  assert.match(err.message, /expected an attribute name/);
});

test('vector attributes are refused with a message that says so', () => {
  const err = syntaxError('NAME = x\nDISK = [ IMAGE = "a" ]\n');
  assert.equal(err.line, 2);
  assert.match(err.message, /vector attributes \(DISK = \[ … \]\) are not supported/);
});

test('a comment where the value should be asks for an explicit empty value', () => {
  assert.match(syntaxError('NAME = # nothing\n').message, /expected a value for NAME before the comment/);
});

test('an empty text has no attributes', () => {
  assert.deepEqual(parseTemplate('  \n# only a comment'), []);
});
