/** The daemon configuration's public surface. */
export { loadConfigFile, validateConfigDocument, embeddedDefaultConfig, embeddedDefaultDocument, type ConfigOptions, type DocumentOptions } from './load-config.js';
export { parseConfigText } from './config-text.js';
export { canonicalJson, configHash } from './canonical-hash.js';
export { ConfigError, type ConfigErrorCode, type ConfigIssue } from './errors.js';
export { configMessages } from './messages.js';
export { configSchema } from './schema.js';
export { redactSecrets, REDACTED } from './redact-secrets.js';
export { DEFAULTS as CONFIG_DEFAULTS, HOOKS_PATH_ENV } from './defaults.js';
export type * from './hookline-config.js';
