/**
 * The control commands of event hooks: `hook-*` (the verbs of OpenNebula's
 * `onehook`) and `event-publish`. The CLI's `hookline hook …` and `hookline
 * event publish` are thin clients of these. Bad input is answered with
 * result 1 naming the argument; store and template errors keep their codes.
 */
import { Result, type CommandResponse } from '../control/index.js';
import type { HookExecutionManager } from '../hem/hook-execution-manager.js';
import type { Hook } from '../hem/hook.js';
import { parseHookTemplate } from '../hem/template-validator.js';
import { updateHookSpec } from '../hem/template-update.js';
import { serializeTemplate } from '../hem/template-serializer.js';
import type { Store } from '../store/store.js';

export interface EventCommand {
  description: string;
  run(args: Record<string, unknown> | undefined): Promise<CommandResponse>;
}

/** A bad argument: answered as result 1 with this text. */
class ArgumentProblem extends Error {}

function arg<T>(args: Record<string, unknown> | undefined, name: string, type: 'string' | 'number' | 'boolean', required: true): T;
function arg<T>(args: Record<string, unknown> | undefined, name: string, type: 'string' | 'number' | 'boolean', required?: false): T | undefined;
function arg<T>(args: Record<string, unknown> | undefined, name: string, type: 'string' | 'number' | 'boolean', required = false): T | undefined {
  const v = args?.[name];
  if (v === undefined) {
    if (required) throw new ArgumentProblem(`missing argument "${name}" (${type})`);
    return undefined;
  }
  if (typeof v !== type || (type === 'number' && !Number.isInteger(v))) throw new ArgumentProblem(`argument "${name}" must be ${type === 'number' ? 'an integer' : `a ${type}`}, got ${JSON.stringify(v)}`);
  return v as T;
}

/** Summary row, as `onehook list` shows it. */
export function hookRow(h: Hook): Record<string, unknown> {
  const trigger = h.type === 'api' ? h.call : `${h.resource}/${h.state ?? ''}/${h.lcmState ?? ''}`;
  return { id: h.id, name: h.name, type: h.type, trigger, command: h.command, locked: h.locked };
}

function ok(text: string, args?: unknown): CommandResponse {
  return args === undefined ? { result: Result.SUCCESS, text } : { result: Result.SUCCESS, text, arguments: args };
}

export function eventCommands(hem: HookExecutionManager, store: Store, publish: (args: Record<string, unknown> | undefined) => Promise<CommandResponse>): Record<string, EventCommand> {
  /** `id` is a hook id or a hook name. */
  const hookOf = async (args: Record<string, unknown> | undefined): Promise<Hook> => {
    const id = args?.id;
    const hook = typeof id === 'number' ? await store.getHook(id)
      : typeof id === 'string' && id !== '' ? (/^\d+$/.test(id) ? await store.getHook(Number(id)) : await store.getHookByName(id))
        : (() => { throw new ArgumentProblem('missing argument "id": a hook id or name'); })();
    if (hook === null) throw new ArgumentProblem(`no hook ${JSON.stringify(id)}`);
    return hook;
  };
  const guarded = (description: string, fn: (args: Record<string, unknown> | undefined) => Promise<CommandResponse>): EventCommand => ({
    description,
    run: async (args) => {
      try {
        return await fn(args);
      } catch (err) {
        const e = err as { message: string; code?: string; problems?: unknown };
        if (err instanceof ArgumentProblem || typeof e.code === 'string') {
          return { result: Result.ERROR, text: e.message, ...(e.code ? { arguments: { code: e.code, ...(e.problems ? { problems: e.problems } : {}) } } : {}) };
        }
        throw err;
      }
    },
  });
  return {
    'hook-create': guarded('creates a hook from an OpenNebula-syntax template', async (args) => {
      const hook = await hem.createHook(parseHookTemplate(arg<string>(args, 'template', 'string', true)));
      return ok(`ID: ${hook.id}`, { id: hook.id, name: hook.name });
    }),
    'hook-list': guarded('lists the hooks', async () => {
      const hooks = await store.listHooks();
      return hooks.length === 0 ? { result: Result.EMPTY, text: 'no hooks', arguments: { hooks: [] } } : ok(`${hooks.length} hooks`, { hooks: hooks.map(hookRow) });
    }),
    'hook-show': guarded('shows a hook, its template and its execution log, or one execution', async (args) => {
      const hook = await hookOf(args);
      const execution = arg<number>(args, 'execution', 'number');
      if (execution !== undefined) {
        const record = await store.getExecution(hook.id, execution);
        if (record === null) throw new ArgumentProblem(`hook ${hook.id} has no execution ${execution} (it may have been removed by LOG_RETENTION)`);
        return ok(`execution ${execution} of hook ${hook.id}`, { hook: hookRow(hook), execution: record });
      }
      const log = await store.queryExecutions({ hookId: hook.id });
      return ok(`hook ${hook.id}`, { hook: { ...hookRow(hook), ...hook }, template: serializeTemplate(hook.template), executions: log });
    }),
    'hook-update': guarded('replaces (or with append, extends) the template of a hook', async (args) => {
      const hook = await hookOf(args);
      const spec = updateHookSpec(hook, arg<string>(args, 'template', 'string', true), arg<boolean>(args, 'append', 'boolean') ?? false);
      const updated = await hem.updateHook(hook.id, spec);
      return ok(`hook ${updated.id} updated`, { id: updated.id });
    }),
    'hook-rename': guarded('renames a hook', async (args) => {
      const hook = await hookOf(args);
      const renamed = await hem.renameHook(hook.id, arg<string>(args, 'name', 'string', true));
      return ok(`hook ${renamed.id} renamed to ${renamed.name}`, { id: renamed.id, name: renamed.name });
    }),
    'hook-delete': guarded('deletes a hook and its execution log', async (args) => {
      const hook = await hookOf(args);
      await hem.deleteHook(hook.id);
      return ok(`hook ${hook.id} deleted`, { id: hook.id });
    }),
    'hook-lock': guarded('locks a hook against update, rename and delete', async (args) => {
      const hook = await hem.lockHook((await hookOf(args)).id, true);
      return ok(`hook ${hook.id} locked`, { id: hook.id });
    }),
    'hook-unlock': guarded('unlocks a hook', async (args) => {
      const hook = await hem.lockHook((await hookOf(args)).id, false);
      return ok(`hook ${hook.id} unlocked`, { id: hook.id });
    }),
    'hook-retry': guarded('runs a hook again with the event of one of its executions', async (args) => {
      const hook = await hookOf(args);
      const record = await hem.retry(hook.id, arg<number>(args, 'execution', 'number', true));
      return ok(`hook ${hook.id} retried as execution ${record.executionId}: ${record.status}`, { execution: record });
    }),
    'hook-log': guarded('queries the execution log by hook, time and result', async (args) => {
      const hookId = args?.['hook-id'] === undefined ? undefined : (await hookOf({ id: args['hook-id'] })).id;
      const since = arg<number>(args, 'since', 'number');
      const until = arg<number>(args, 'until', 'number');
      const limit = arg<number>(args, 'limit', 'number');
      const status = arg<string>(args, 'status', 'string');
      if (status !== undefined && status !== 'success' && status !== 'error') throw new ArgumentProblem('argument "status" must be "success" or "error"');
      const records = await store.queryExecutions({
        ...(hookId === undefined ? {} : { hookId }), ...(since === undefined ? {} : { since }), ...(until === undefined ? {} : { until }),
        ...(limit === undefined ? {} : { limit }), ...(status === undefined ? {} : { status: status as 'success' | 'error' }),
      });
      return records.length === 0 ? { result: Result.EMPTY, text: 'no executions', arguments: { executions: [] } } : ok(`${records.length} executions`, { executions: records });
    }),
    'event-publish': { description: 'accepts events: {key, document} or {events: [{key, document}, …]}', run: publish },
  };
}
