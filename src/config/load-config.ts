/**
 * Entry points for getting a configuration: from a file, from a document
 * (config-set / config-test arguments), or the embedded default. Each returns
 * a `LoadedConfig` or throws one `ConfigError` listing every problem.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../core/logger.js';
import { logMessage } from '../core/messages.js';
import { configHash } from './canonical-hash.js';
import { parseConfigText } from './config-text.js';
import { DEFAULTS } from './defaults.js';
import { ConfigError, type ConfigIssue } from './errors.js';
import type { LoadedConfig } from './hookline-config.js';
import { configMessages as M } from './messages.js';
import { resolveConfig } from './resolve-config.js';
import { schemaIssues } from './schema-validation.js';

export interface ConfigOptions {
  /** Environment to read HOOKLINE_HOOKS_PATH from; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Logs CONFIG_LOADED / CONFIG_REJECTED / CONFIG_HOOKS_PATH_OVERRIDDEN when given. */
  logger?: Logger;
}

export interface DocumentOptions extends ConfigOptions {
  /** Relative paths resolve against this directory. */
  baseDir: string;
  /** Recorded on the result (and in errors) when the document came from a file. */
  file?: string;
}

/** Reads, parses, validates and resolves one configuration file. */
export function loadConfigFile(file: string, options: ConfigOptions = {}): LoadedConfig {
  const absolute = path.resolve(file);
  let text: string;
  try {
    text = fs.readFileSync(absolute, 'utf8');
  } catch (err) {
    const e = new ConfigError('CONFIG_FILE_UNREADABLE', [{ path: absolute, message: `cannot read the configuration file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})` }], absolute, { cause: err });
    if (options.logger) logMessage(options.logger, M.CONFIG_REJECTED, { source: absolute, error: e.message });
    throw e;
  }
  let doc: unknown;
  try {
    doc = parseConfigText(text, absolute);
  } catch (err) {
    if (options.logger) logMessage(options.logger, M.CONFIG_REJECTED, { source: absolute, error: (err as Error).message });
    throw err;
  }
  return validateConfigDocument(doc, { ...options, baseDir: path.dirname(absolute), file: absolute });
}

/** Validates and resolves a parsed document `{ "Hookline": … }`, e.g. the arguments of config-set. */
export function validateConfigDocument(doc: unknown, options: DocumentOptions): LoadedConfig {
  const source = options.file ?? '(document)';
  const issues: ConfigIssue[] = schemaIssues(doc);
  let loaded: LoadedConfig | undefined;
  if (issues.length === 0) {
    try {
      const raw = structuredClone(doc) as LoadedConfig['raw'];
      const config = resolveConfig(raw.Hookline, path.resolve(options.baseDir), options.env ?? process.env, issues);
      loaded = { config, raw, hash: configHash(raw), baseDir: path.resolve(options.baseDir), ...(options.file === undefined ? {} : { file: options.file }) };
    } catch (err) {
      // only absurd nesting (in library parameters) gets here: cloning and hashing recurse
      if (!(err instanceof RangeError)) throw err;
      issues.push({ path: '(top level)', message: `the document is nested too deeply to process (${err.message})` });
    }
  }
  if (issues.length > 0 || loaded === undefined) {
    const e = new ConfigError('CONFIG_INVALID', issues, options.file);
    if (options.logger) logMessage(options.logger, M.CONFIG_REJECTED, { source, error: e.message });
    throw e;
  }
  if (options.logger) {
    if (loaded.config.hooksPathSource === 'env') logMessage(options.logger, M.CONFIG_HOOKS_PATH_OVERRIDDEN, { hooksPath: loaded.config.hooksPath });
    logMessage(options.logger, M.CONFIG_LOADED, { source, hash: loaded.hash });
  }
  return loaded;
}

/** The document `hookline serve` runs on without -c, written out in full so config-get shows it. */
export function embeddedDefaultDocument(): LoadedConfig['raw'] {
  return {
    Hookline: {
      'data-directory': DEFAULTS.dataDirectory,
      'control-sockets': [{ 'socket-type': 'unix', 'socket-name': `${DEFAULTS.dataDirectory}/${DEFAULTS.socketName}` }],
      'hooks-path': DEFAULTS.hooksPath,
      'hooks-libraries': [],
      store: { type: 'sqlite' },
      queue: { type: 'local' },
      loggers: DEFAULTS.loggers.map((l) => ({ ...l })),
    },
  };
}

/** The embedded default, with relative paths resolved against `baseDir` (normally the working directory). */
export function embeddedDefaultConfig(baseDir: string, options: ConfigOptions = {}): LoadedConfig {
  if (options.logger) logMessage(options.logger, M.CONFIG_EMBEDDED_DEFAULT, { dataDirectory: path.resolve(baseDir, DEFAULTS.dataDirectory) });
  return validateConfigDocument(embeddedDefaultDocument(), { ...options, baseDir });
}
