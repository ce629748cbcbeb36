/**
 * Parses configuration text: JSON with comments (and trailing commas, as Kea
 * tolerates). Any syntax error fails the whole text with `file:line:column`.
 */
import { parse, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { lineColumn } from '../control/protocol.js';
import { ConfigError, type ConfigIssue } from './errors.js';

export function parseConfigText(text: string, source = '<config>'): unknown {
  const errors: ParseError[] = [];
  let value: unknown;
  try {
    value = parse(text, errors, { allowTrailingComma: true, disallowComments: false, allowEmptyContent: false });
  } catch (err) {
    // the parser recurses: absurd nesting exhausts the stack
    throw new ConfigError('CONFIG_PARSE_ERROR', [{ path: source, message: `nested too deeply to parse (${(err as Error).message})` }], source === '<config>' ? undefined : source, { cause: err });
  }
  if (errors.length > 0) {
    const issues: ConfigIssue[] = errors.map((e) => {
      const { line, column } = lineColumn(text, e.offset);
      const what = printParseErrorCode(e.error).replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
      return { path: `${source}:${line}:${column}`, message: `${what}` };
    });
    throw new ConfigError('CONFIG_PARSE_ERROR', issues, source === '<config>' ? undefined : source);
  }
  return value;
}
