/** The daemon, for the CLI and for embedding. */
export { HooklineDaemon, registerDaemonHookPoints, type DaemonOptions } from './daemon.js';
export { DAEMON_HOOK_POINTS, DAEMON_CATALOGUE_INTRO, type DaemonHooks } from './hook-points.js';
export { Statistics, type StatisticSample } from './statistics.js';
export { SERVER_MESSAGES } from './messages.js';
export { ServerError } from './errors.js';
export { createDaemonLogger } from './logging.js';
export { VERSION } from './version.js';
