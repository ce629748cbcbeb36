/**
 * Configuration errors. One `ConfigError` carries every problem found (not
 * just the first), each naming its JSON path (`Hookline/control-sockets/1/…`)
 * and what was expected; `code` says which stage failed.
 */

export type ConfigErrorCode =
  /** The file could not be read. */
  | 'CONFIG_FILE_UNREADABLE'
  /** The text is not JSON (comments allowed); issues carry line:column. */
  | 'CONFIG_PARSE_ERROR'
  /** The document does not match the schema or a cross-field rule. */
  | 'CONFIG_INVALID';

export interface ConfigIssue {
  /** JSON path with "/" separators, e.g. `Hookline/hooks-libraries/0/library`; for parse errors, `file:line:column`. */
  path: string;
  message: string;
}

export class ConfigError extends Error {
  readonly code: ConfigErrorCode;
  readonly issues: ConfigIssue[];
  /** The file the configuration came from, when there was one. */
  readonly file: string | undefined;

  constructor(code: ConfigErrorCode, issues: ConfigIssue[], file?: string, options?: { cause?: unknown }) {
    const where = file === undefined ? 'configuration' : `configuration ${file}`;
    const list = issues.map((i) => `${i.path}: ${i.message}`).join('; ');
    super(`${where} rejected (${issues.length} problem${issues.length === 1 ? '' : 's'}): ${list}`, options);
    this.name = 'ConfigError';
    this.code = code;
    this.issues = issues;
    this.file = file;
  }
}
