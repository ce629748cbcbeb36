/**
 * OpenNebula template syntax, as its flex/bison grammar reads it:
 * `NAME = value`, names of letters, digits and `_` (stored upper-case), values
 * either double-quoted (may span lines; `\"` is the only escape, any other
 * backslash is kept) or a run of characters other than blanks and `=#,[]`;
 * `NAME =` at the end of a line is an empty value; `#` starts a comment
 * outside quotes; blanks and newlines separate attributes. Vector attributes
 * (`NAME = [ … ]`) are refused: hooks have none.
 *
 * Guarantee: attributes come back in file order with their 1-based position;
 * any other input throws TemplateSyntaxError with line:column and the text.
 */
import { TemplateSyntaxError } from './errors.js';

export interface TemplateAttribute {
  /** Upper-case. */
  name: string;
  value: string;
  /** Whether the value was written in double quotes. */
  quoted: boolean;
  line: number;
  column: number;
}

const NAME_CHAR = /[A-Za-z0-9_]/;
const UNQUOTED_STOP = new Set([' ', '\t', '\r', '\n', '=', '#', ',', '[', ']']);

class Scanner {
  pos = 0;
  line = 1;
  column = 1;
  constructor(readonly text: string, readonly source?: string) {}

  peek(): string | undefined { return this.text[this.pos]; }

  next(): string {
    const c = this.text[this.pos++]!;
    if (c === '\n') { this.line++; this.column = 1; } else this.column++;
    return c;
  }

  skipBlanks(newlines: boolean): void {
    for (let c = this.peek(); c === ' ' || c === '\t' || c === '\r' || (newlines && c === '\n'); c = this.peek()) this.next();
  }

  skipComment(): void {
    while (this.peek() !== undefined && this.peek() !== '\n') this.next();
  }

  /** The rest of the current line from the cursor, for error messages. */
  rest(): string {
    const end = this.text.indexOf('\n', this.pos);
    return this.text.slice(this.pos, end < 0 ? undefined : end).replace(/\r$/, '').slice(0, 60);
  }

  fail(problem: string, line = this.line, column = this.column, text = this.rest()): never {
    throw new TemplateSyntaxError(line, column, text, problem, this.source);
  }
}

/** Parses template text. `source` (a file name) prefixes error positions. */
export function parseTemplate(text: string, source?: string): TemplateAttribute[] {
  const s = new Scanner(text, source);
  const out: TemplateAttribute[] = [];
  let previous: TemplateAttribute | null = null;
  let previousEndLine = 0;
  for (;;) {
    s.skipBlanks(true);
    const c = s.peek();
    if (c === undefined) return out;
    if (c === '#') { s.skipComment(); continue; }
    const line = s.line;
    const column = s.column;
    let name = '';
    while (s.peek() !== undefined && NAME_CHAR.test(s.peek()!)) name += s.next();
    if (name === '') {
      s.fail(previous
        ? `unexpected text after the value of ${previous.name}; expected an attribute NAME = value`
        : 'expected an attribute name (letters, digits and _)');
    }
    s.skipBlanks(false);
    if (s.peek() !== '=') {
      if (previous && previousEndLine === line) {
        s.fail(`unexpected text after the value of ${previous.name}; quote values that contain blanks`, line, column, `${name}${s.rest()}`);
      }
      s.fail(`expected "=" after the attribute name ${name.toUpperCase()}`);
    }
    s.next();
    s.skipBlanks(false);
    const attr = readValue(s, name.toUpperCase(), line, column);
    out.push(attr);
    previous = attr;
    previousEndLine = s.line;
  }
}

function readValue(s: Scanner, name: string, line: number, column: number): TemplateAttribute {
  const c = s.peek();
  if (c === undefined || c === '\n') return { name, value: '', quoted: false, line, column };
  if (c === '"') return { name, value: readQuoted(s, name), quoted: true, line, column };
  if (c === '[') s.fail(`vector attributes (${name} = [ … ]) are not supported in hook templates; expected a single value`);
  if (c === '#') s.fail(`expected a value for ${name} before the comment; write ${name} = "" for an empty value`);
  if (c === '=' || c === ',' || c === ']') s.fail(`unexpected "${c}" in the value of ${name}; quote the value`);
  let value = '';
  while (s.peek() !== undefined && !UNQUOTED_STOP.has(s.peek()!)) value += s.next();
  const stop = s.peek();
  if (stop === '=' || stop === ',' || stop === '[' || stop === ']') {
    s.fail(`unexpected "${stop}" in the value of ${name}; quote the value`);
  }
  return { name, value, quoted: false, line, column };
}

function readQuoted(s: Scanner, name: string): string {
  const line = s.line;
  const column = s.column;
  s.next();
  let value = '';
  for (;;) {
    const c = s.peek();
    if (c === undefined) s.fail(`unterminated quoted value of ${name}; expected a closing "`, line, column, `"${value.slice(0, 40)}`);
    if (c === '\\' && s.text[s.pos + 1] === '"') {
      s.next();
      s.next();
      value += '"';
      continue;
    }
    s.next();
    if (c === '"') return value;
    value += c;
  }
}
