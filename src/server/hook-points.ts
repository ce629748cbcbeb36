/**
 * The daemon's own hook points, with full specs: they are the documentation
 * (`hookline docs hooks` prints them, docs/hooks-api.md is that output) and
 * what TypeScript types library callouts with.
 */
import { argument, defineHookPoint, type HookPointSpec } from '../core/index.js';
import type { CommandResponse } from '../control/index.js';
import type { HooklineConfig, LoadedConfig } from '../config/index.js';
import type { Statistics } from './statistics.js';

export const DAEMON_HOOK_POINTS = {
  config_applied: defineHookPoint({
    description: 'Called when the daemon has loaded a new configuration (at start-up, config-set, config-reload or SIGHUP), '
      + 'after the hook libraries of that configuration are loaded and before the configuration is committed. '
      + 'Libraries can check the configuration, and keep the `statistics` object to read or update the daemon\'s counters. '
      + 'If the library starts I/O, it should tie it to its handle\'s `signal`, which is aborted when the library is unloaded.',
    arguments: {
      config: argument<HooklineConfig>('in', 'HooklineConfig', 'the resolved configuration (defaults filled in, paths absolute)'),
      raw: argument<LoadedConfig['raw']>('in', 'object', 'the configuration document as given, `{ "Hookline": … }`'),
      statistics: argument<Statistics>('in', 'Statistics', 'the daemon\'s statistics: add(name, n), set, get, getAll, reset'),
      error: argument<string>('out', 'string', 'why the configuration is rejected (used when the status is DROP)'),
    },
    statuses: {
      DROP: 'the daemon rejects the configuration, using the `error` argument as the message: at start-up it exits, on a reload it keeps the previous configuration and libraries entirely',
    },
  }),
  command_processed: defineHookPoint({
    description: 'Called after the daemon processed a control command (built-in or from a library) and before the response is sent. '
      + 'Callouts may read the command and rewrite the response.',
    arguments: {
      name: argument<string>('in', 'string', 'the command name'),
      arguments: argument<Record<string, unknown> | undefined>('in', 'object|undefined', 'the command\'s arguments, if any'),
      response: argument<CommandResponse>('in/out', 'object', 'the response `{ result, text?, arguments? }` that will be sent'),
      transport: argument<'unix' | 'http'>('in', 'string', 'the transport the command came through'),
    },
    statuses: {},
  }),
} satisfies Record<string, HookPointSpec>;

/** Argument types of the daemon's hook points, for typed library handles (`LibraryHandle<DaemonHooks>`). */
export type DaemonHooks = {
  config_applied: { config: HooklineConfig; raw: LoadedConfig['raw']; statistics: Statistics; error: string };
  command_processed: { name: string; arguments: Record<string, unknown> | undefined; response: CommandResponse; transport: 'unix' | 'http' };
};

export const DAEMON_CATALOGUE_INTRO = `This is the catalogue of the hook points of the Hookline daemon (\`hookline serve\`), generated from their specs by \`hookline docs hooks\`.
A hook library lists callouts for them by exporting functions with these names, or by registering callouts in its \`load()\`.
See [library authoring](libraries.md) for how to write one.`;
