/**
 * The daemon's own hook points, with full specs: they are the documentation
 * (`hookline docs hooks` prints them, docs/hooks-api.md is that output) and
 * what TypeScript types library callouts with.
 */
import { argument, defineHookPoint, type HookPointSpec } from '../core/index.js';
import type { CommandResponse } from '../control/index.js';
import type { HooklineConfig, LoadedConfig } from '../config/index.js';
import type { Statistics } from './statistics.js';
import type { AcceptedEvent, HooklineEvent } from '../events/event.js';
import type { ExecutionRecord, Hook } from '../hem/hook.js';

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
      user: argument<string | undefined>('in', 'string|undefined', 'the authenticated user, for commands that came over HTTP'),
    },
    statuses: {},
  }),
  event_receive: defineHookPoint({
    description: 'Called for every event an application sends (through the client, POST /events, `hookline event publish` or a ZeroMQ source), '
      + 'after it is validated and its secrets masked, and before it is stored. Callouts may inspect or rewrite the event.',
    arguments: {
      event: argument<HooklineEvent>('in/out', 'HooklineEvent', 'the event: `{ key, kind, document }`; a rewritten key or document is validated again'),
      source: argument<string>('in', 'string', 'where it came from: `unix`, `http` or `bus`'),
      reason: argument<string>('out', 'string', 'why the event is rejected (used when the status is DROP)'),
    },
    statuses: {
      SKIP: 'the event is stored, acknowledged and published on the bus, but no hook runs for it',
      DROP: 'the event is rejected: the sender gets result 1 with the `reason` argument, and nothing is stored or published',
    },
  }),
  hook_select: defineHookPoint({
    description: 'Called when the execution manager takes an event from the queue, with the hooks it matched. Callouts may remove, reorder or add hooks.',
    arguments: {
      event: argument<AcceptedEvent>('in', 'AcceptedEvent', 'the stored event: `{ id, key, kind, document, acceptedAt }`'),
      hooks: argument<Hook[]>('in/out', 'Hook[]', 'the hooks to run, in order'),
    },
    statuses: { SKIP: 'no hook runs for this event; it is acknowledged' },
  }),
  execution_start: defineHookPoint({
    description: 'Called before a hook command starts (and before its RUNNING record is written). Callouts may rewrite what runs.',
    arguments: {
      hook: argument<Hook>('in', 'Hook', 'the hook'),
      event: argument<AcceptedEvent>('in', 'AcceptedEvent', 'the event that triggered it'),
      command: argument<string>('in/out', 'string', 'the resolved command (for REMOTE hooks, the ssh client)'),
      arguments: argument<string[]>('in/out', 'string[]', 'the command arguments, after $API/$TEMPLATE expansion'),
      stdin: argument<string | null>('in/out', 'string|null', 'what the command reads on stdin (ARGUMENTS_STDIN), or null'),
      env: argument<Record<string, string>>('in/out', 'object', 'the whole environment the command gets (a minimal PATH, HOME, LANG…, plus HOOKLINE_HOOK_ID, HOOKLINE_HOOK_NAME, HOOKLINE_EVENT_ID, HOOKLINE_EVENT_KEY); for REMOTE hooks, the ssh client\'s'),
    },
    statuses: { SKIP: 'the command does not run; the execution is recorded with status SKIPPED' },
  }),
  execution_finish: defineHookPoint({
    description: 'Called after an execution record is stored (SUCCESS, ERROR, TIMEOUT or SKIPPED).',
    arguments: {
      record: argument<ExecutionRecord>('in', 'ExecutionRecord', 'the stored record: ids, times, command, arguments, rc, stdout, stderr, status, retry and interrupted flags'),
    },
    statuses: {},
  }),
} satisfies Record<string, HookPointSpec>;

/** Argument types of the daemon's hook points, for typed library handles (`LibraryHandle<DaemonHooks>`). */
export type DaemonHooks = {
  config_applied: { config: HooklineConfig; raw: LoadedConfig['raw']; statistics: Statistics; error: string };
  command_processed: { name: string; arguments: Record<string, unknown> | undefined; response: CommandResponse; transport: 'unix' | 'http'; user: string | undefined };
  event_receive: { event: HooklineEvent; source: string; reason: string };
  hook_select: { event: AcceptedEvent; hooks: Hook[] };
  execution_start: { hook: Hook; event: AcceptedEvent; command: string; arguments: string[]; stdin: string | null; env: Record<string, string> };
  execution_finish: { record: ExecutionRecord };
};

export const DAEMON_CATALOGUE_INTRO = `This is the catalogue of the hook points of the Hookline daemon (\`hookline serve\`), generated from their specs by \`hookline docs hooks\`.
A hook library lists callouts for them by exporting functions with these names, or by registering callouts in its \`load()\`.
See [library authoring](libraries.md) for how to write one.`;
