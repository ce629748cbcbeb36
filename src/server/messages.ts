/** The daemon's message catalogue. */
import { defineMessages } from '../core/messages.js';

export const SERVER_MESSAGES = defineMessages({
  SERVER_STARTED: {
    level: 'info',
    text: 'hookline {version} started (pid {pid}); control: {sockets}',
    explanation: 'The daemon applied its configuration and is listening on the control sockets listed.',
  },
  SERVER_STARTUP_FAILED: {
    level: 'fatal',
    text: 'hookline failed to start: {error}',
    explanation: 'The configuration could not be applied at start-up (invalid configuration, a hook library that failed to load, a control socket that could not be opened, an unsafe hooks directory). The daemon exits with a non-zero status; fix the cause named and start it again.',
  },
  SERVER_CONFIG_APPLIED: {
    level: 'info',
    text: 'configuration applied ({trigger}); hash {hash}; {libraries} hook libraries active',
    explanation: 'A new configuration is now running: its hook libraries are loaded and its control sockets open.',
  },
  SERVER_CONFIG_REJECTED: {
    level: 'error',
    text: 'configuration rejected ({trigger}): {error}; the running configuration is unchanged',
    explanation: 'A new configuration (from config-set, config-reload or SIGHUP) failed. Nothing of it was applied: the daemon keeps running on its previous configuration, libraries included.',
  },
  SERVER_CONFIG_RESTART_NEEDED: {
    level: 'warn',
    text: 'changes to {sections} take effect only when the daemon restarts',
    explanation: 'Some sections of a configuration cannot change while the daemon runs (the data directory, the store and the queue). The rest of the new configuration was applied.',
  },
  SERVER_CONTROL_SOCKET_FAILED: {
    level: 'error',
    text: 'control socket {socket} could not be reopened with its new settings: {error}',
    explanation: 'A control socket whose settings changed is reopened after the response to the command that changed it. That failed; the socket is closed. Fix the setting and apply the configuration again.',
  },
  SERVER_SIGHUP: {
    level: 'info',
    text: 'SIGHUP received: reloading {file}',
    explanation: 'The daemon re-reads its configuration file, as config-reload does.',
  },
  SERVER_SHUTDOWN: {
    level: 'info',
    text: 'hookline shutting down ({reason})',
    explanation: 'The daemon closes its control sockets, unloads its hook libraries and exits.',
  },
  SERVER_EVENTS_CLOSED: {
    level: 'info',
    text: 'event hooks stopped on worker {worker}: no more events claimed, running executions finished',
    explanation: 'At shutdown the execution manager stops taking events, waits for running hook commands (stopping them after a grace period), and closes the store and queue. Events not yet executed stay in the queue for the next start.',
  },
  SERVER_HOOKS_PATH_MISSING: {
    level: 'warn',
    text: 'the hooks directory {path} does not exist; only bundled libraries can be loaded',
    explanation: 'Libraries named as files or npm packages are looked up in the hooks directory. Create it (not world-writable) to use your own libraries.',
  },
});
