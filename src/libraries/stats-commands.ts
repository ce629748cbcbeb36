/**
 * stats-commands: the statistic-get, statistic-get-all, statistic-reset and
 * statistic-reset-all commands over the daemon's counters (Kea's stat_cmds).
 * It takes the daemon's `statistics` from config_applied, so it is a plain
 * library: nothing in the daemon knows it exists.
 */
import { defineMessages, logMessage, type CalloutHandle, type LibraryHandle } from '../core/index.js';
import type { DaemonHooks, Statistics } from '../server/index.js';

export const version = 1;
export const multiThreadingCompatible = true;

export const messages = defineMessages({
  STAT_CMDS_INIT_OK: { level: 'info', text: 'loading stats-commands hooks library successful', explanation: 'The statistic-* commands are available on the control channel.' },
});

let stats: Statistics | undefined;

type CommandHandle = CalloutHandle<{ command: { command: string; arguments?: Record<string, unknown> }; response: unknown }>;

function respond(h: CommandHandle, result: number, text: string, args?: unknown): void {
  h.setArgument('response', args === undefined ? { result, text } : { result, text, arguments: args });
}

function nameArgument(h: CommandHandle): string | undefined {
  const name = h.getArgument('command').arguments?.name;
  if (typeof name !== 'string' || name === '') {
    respond(h, 1, `missing or invalid 'name' argument: expected {"name": "<statistic>"}`);
    return undefined;
  }
  return name;
}

function withStats(h: CommandHandle, fn: (s: Statistics) => void): void {
  if (stats === undefined) respond(h, 1, 'statistics are not available yet: the daemon has not applied a configuration');
  else fn(stats);
}

export function load(handle: LibraryHandle<DaemonHooks>): number {
  handle.registerCommandCallout('statistic-get', (h: CommandHandle) => withStats(h, (s) => {
    const name = nameArgument(h);
    if (name !== undefined) respond(h, 0, s.has(name) ? `Statistic '${name}' found.` : `No '${name}' statistic found`, s.get(name));
  }));
  handle.registerCommandCallout('statistic-get-all', (h: CommandHandle) => withStats(h, (s) => respond(h, 0, `${s.names().length} statistics found.`, s.getAll())));
  handle.registerCommandCallout('statistic-reset', (h: CommandHandle) => withStats(h, (s) => {
    const name = nameArgument(h);
    if (name !== undefined) respond(h, s.reset(name) ? 0 : 1, s.has(name) ? `Statistic '${name}' reset.` : `No '${name}' statistic found`);
  }));
  handle.registerCommandCallout('statistic-reset-all', (h: CommandHandle) => withStats(h, (s) => {
    s.resetAll();
    respond(h, 0, 'All statistics reset to neutral values.');
  }));
  logMessage(handle.logger, messages.STAT_CMDS_INIT_OK, {});
  return 0;
}

export function config_applied(h: CalloutHandle<DaemonHooks['config_applied']>): void {
  stats = h.getArgument('statistics');
}

export function unload(): number {
  stats = undefined;
  return 0;
}
