/** The configuration's log catalogue (Kea style: stable IDs, operator explanations). */
import { defineMessages } from '../core/messages.js';

export const configMessages = defineMessages({
  CONFIG_LOADED: {
    level: 'info',
    text: 'configuration {source} loaded (hash {hash})',
    explanation: 'The configuration was read, validated and resolved. The hash identifies this exact configuration; `config-get` reports the same hash.',
  },
  CONFIG_REJECTED: {
    level: 'error',
    text: 'configuration {source} rejected: {error}',
    explanation: 'The configuration could not be used. Every problem is listed with the JSON path where it was found and what was expected there. Fix the file and try again; a running daemon keeps its previous configuration.',
  },
  CONFIG_HOOKS_PATH_OVERRIDDEN: {
    level: 'info',
    text: 'hooks-path overridden by HOOKLINE_HOOKS_PATH: {hooksPath}',
    explanation: 'The HOOKLINE_HOOKS_PATH environment variable replaces the hooks-path of the configuration. Hook libraries are only loaded from inside this directory.',
  },
  CONFIG_EMBEDDED_DEFAULT: {
    level: 'info',
    text: 'no configuration file given; using the embedded default with data in {dataDirectory}',
    explanation: 'The daemon was started without -c. It runs with the built-in defaults: SQLite store, local queue and a Unix control socket in the data directory.',
  },
});
