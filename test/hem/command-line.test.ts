import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildCommandLine, encodeDocument, splitArguments } from '../../src/hem/command-line.js';

const expand = (token: string): string => `<${token}>`;

describe('splitArguments', () => {
  it('splits on blanks and ignores leading, trailing and repeated blanks', () => {
    assert.deepEqual(splitArguments('  a  b\tc\n d '), ['a', 'b', 'c', 'd']);
    assert.deepEqual(splitArguments(''), []);
    assert.deepEqual(splitArguments('   '), []);
  });

  it('keeps single-quoted text literally, blanks, backslashes and dollars included', () => {
    assert.deepEqual(splitArguments(`'a b' 'c\\d' '$API'`, expand), ['a b', 'c\\d', '$API']);
  });

  it('treats backslash escapes inside double quotes as sh does', () => {
    assert.deepEqual(splitArguments(String.raw`"a \"b\" \\ \$API \n"`, expand), [String.raw`a "b" \ $API \n`]);
  });

  it('joins adjacent quoted and unquoted parts into one word', () => {
    assert.deepEqual(splitArguments(`--name='my hook'"s x"y`), ["--name=my hooks xy"]);
  });

  it('keeps an empty quoted argument as an empty word', () => {
    assert.deepEqual(splitArguments(`a '' "" b`), ['a', '', '', 'b']);
  });

  it('lets a backslash quote one character outside quotes', () => {
    assert.deepEqual(splitArguments(String.raw`a\ b \' \$API c\\`, expand), ['a b', "'", '$API', 'c\\']);
  });

  it('expands $API and $TEMPLATE unquoted and in double quotes, also inside a word', () => {
    assert.deepEqual(splitArguments(`$API "$TEMPLATE" --doc=$API x$TEMPLATE.`, expand), ['<API>', '<TEMPLATE>', '--doc=<API>', 'x<TEMPLATE>.']);
  });

  it('leaves every other $ sequence alone, such as $HOME, $APIX and ${API}', () => {
    assert.deepEqual(splitArguments('$HOME $APIX ${API} $ $1 `id` ; | && > x', expand), ['$HOME', '$APIX', '${API}', '$', '$1', '`id`', ';', '|', '&&', '>', 'x']);
  });

  it('names the position of an unterminated single quote', () => {
    assert.throws(() => splitArguments(`ok 'never closed`), (err: Error & { code?: string; position?: number }) => {
      assert.equal(err.code, 'HEM_ARGUMENT_SYNTAX');
      assert.equal(err.position, 4);
      assert.match(err.message, /unterminated single quote .* at character 4/);
      return true;
    });
  });

  it('names the position of an unterminated double quote', () => {
    assert.throws(() => splitArguments(`a "b \\" c`), { code: 'HEM_ARGUMENT_SYNTAX', position: 3 });
  });

  it('refuses a trailing lone backslash', () => {
    assert.throws(() => splitArguments('abc \\'), { code: 'HEM_ARGUMENT_SYNTAX', position: 5 });
  });
});

describe('buildCommandLine', () => {
  const doc = { CALL: 'one.user.allocate', PARAMETERS: ['alice', '****'], SUCCESS: true };

  it('replaces $API with the base64 of the event document as JSON', () => {
    const line = buildCommandLine('$API extra', doc, false);
    assert.equal(line.stdin, null);
    assert.deepEqual(JSON.parse(Buffer.from(line.arguments[0]!, 'base64').toString('utf8')), doc);
    assert.equal(line.arguments[1], 'extra');
    assert.equal(line.arguments[0], encodeDocument(doc));
  });

  it('sends the expanded arguments on stdin, joined by spaces on one line, with ARGUMENTS_STDIN', () => {
    const line = buildCommandLine(`"$TEMPLATE" pending 'a b'`, doc, true);
    assert.deepEqual(line.arguments, []);
    assert.equal(line.stdin, `${encodeDocument(doc)} pending a b\n`);
  });

  it('sends empty stdin when ARGUMENTS_STDIN is set and there are no arguments', () => {
    assert.deepEqual(buildCommandLine('', doc, true), { arguments: [], stdin: '' });
  });
});
