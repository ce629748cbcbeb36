/**
 * Turns a hook's ARGUMENTS into the words its command receives, as a POSIX
 * shell would split them but without ever running one: single quotes, double
 * quotes and backslashes quote; `$API` and `$TEMPLATE` outside single quotes
 * become the base64 of the event document (JSON); nothing else is expanded.
 * A syntax error names the character where it starts.
 */
import { ArgumentSyntaxError } from './errors.js';

/** Names of the tokens ARGUMENTS may use. */
export type ArgumentToken = 'API' | 'TEMPLATE';
const TOKENS: readonly ArgumentToken[] = ['TEMPLATE', 'API'];
const WORD_CHAR = /[A-Za-z0-9_]/;
const BLANK = /[ \t\n\r]/;
/** Characters a backslash escapes inside double quotes, as in POSIX sh. */
const DOUBLE_QUOTE_ESCAPABLE = new Set(['"', '\\', '$', '`', '\n']);

/** What the command receives: its argv words, and the stdin text when ARGUMENTS_STDIN is set. */
export interface CommandLine {
  arguments: string[];
  stdin: string | null;
}

/**
 * Splits `text` into words; `expand` supplies the value of `$API`/`$TEMPLATE`
 * (called only when a token is present). Throws `ArgumentSyntaxError`.
 */
export function splitArguments(text: string, expand: (token: ArgumentToken) => string = (t) => `$${t}`): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (BLANK.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      i++;
      continue;
    }
    inWord = true;
    if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) throw new ArgumentSyntaxError(text, i + 1, 'unterminated single quote opened');
      word += text.slice(i + 1, end);
      i = end + 1;
    } else if (c === '"') {
      const opened = i;
      i++;
      for (;;) {
        if (i >= text.length) throw new ArgumentSyntaxError(text, opened + 1, 'unterminated double quote opened');
        const d = text[i]!;
        if (d === '"') { i++; break; }
        if (d === '\\' && i + 1 < text.length && DOUBLE_QUOTE_ESCAPABLE.has(text[i + 1]!)) {
          if (text[i + 1] !== '\n') word += text[i + 1];
          i += 2;
        } else if (d === '$' && tokenAt(text, i) !== null) {
          const token = tokenAt(text, i)!;
          word += expand(token);
          i += token.length + 1;
        } else {
          word += d;
          i++;
        }
      }
    } else if (c === '\\') {
      if (i + 1 >= text.length) throw new ArgumentSyntaxError(text, i + 1, 'a backslash with nothing to escape');
      // A backslash-newline joins lines, as in sh.
      if (text[i + 1] !== '\n') word += text[i + 1];
      else if (word === '') inWord = false;
      i += 2;
    } else if (c === '$' && tokenAt(text, i) !== null) {
      const token = tokenAt(text, i)!;
      word += expand(token);
      i += token.length + 1;
    } else {
      word += c;
      i++;
    }
  }
  if (inWord) words.push(word);
  return words;
}

/** The token starting at `text[i]` (a `$`), when it is a whole `$API` or `$TEMPLATE`. */
function tokenAt(text: string, i: number): ArgumentToken | null {
  for (const token of TOKENS) {
    if (text.startsWith(token, i + 1) && !WORD_CHAR.test(text[i + 1 + token.length] ?? '')) return token;
  }
  return null;
}

/** Base64 of the event document as JSON: the value of `$API` and `$TEMPLATE`. */
export function encodeDocument(document: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(document), 'utf8').toString('base64');
}

/**
 * Builds what the command receives. With ARGUMENTS_STDIN the expanded words
 * are not passed as argv: they go on stdin joined by single spaces, as
 * OpenNebula's HEM does, followed by a newline so that `read` and `gets` see
 * a complete line.
 */
export function buildCommandLine(argumentsText: string, document: Record<string, unknown>, argumentsStdin: boolean): CommandLine {
  let encoded: string | undefined;
  const words = splitArguments(argumentsText, () => (encoded ??= encodeDocument(document)));
  if (!argumentsStdin) return { arguments: words, stdin: null };
  return { arguments: [], stdin: words.length === 0 ? '' : `${words.join(' ')}\n` };
}
