/**
 * `hookline hook …`: the verbs of OpenNebula's `onehook`, each a thin client
 * of one `hook-*` control command (src/server/event-commands.ts). Output
 * looks like onehook's; `--json` prints the response arguments as they came.
 * Exit codes: 0 success, 1 the daemon refused the command (its text on
 * stderr), 2 a usage or transport error (nothing was done).
 */
import { Command, Option } from 'commander';
import type { ExecutionRecord } from '../hem/hook.js';
import { renderFields, renderTable, type Column } from './table.js';
import { action, readSource, reply, request, sourceLabel, usage, usageExitsTwo, verb, type VerbOptions } from './verb.js';

/** A hook is named by its id or its name. */
const hookRef = (text: string): number | string => (/^\d+$/.test(text) ? Number(text) : text);

function executionNumber(text: string, what = 'EXEC'): number {
  if (!/^\d+$/.test(text)) throw usage(`${what} must be an execution id (a whole number), got ${JSON.stringify(text)}`);
  return Number(text);
}

/**
 * `--since`/`--until`: ISO 8601 (a date, or a date and time; without an
 * offset both are local time, as the tables show times) or epoch seconds.
 * Returns milliseconds.
 */
export function parseTime(option: string, text: string): number {
  const iso = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;
  // Date.parse reads a bare date as UTC but a bare date-time as local time.
  const local = /^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00` : text;
  const ms = /^\d+(?:\.\d+)?$/.test(text) ? Math.round(Number(text) * 1000) : iso.test(text) ? Date.parse(local) : NaN;
  if (!Number.isFinite(ms)) {
    throw usage(`${option} ${JSON.stringify(text)} is not a time: give ISO 8601 (2026-11-21, 2026-11-21T05:40:00Z, 2026-11-21T05:40:00+01:00) or epoch seconds (1795239600)`);
  }
  return ms;
}

const two = (n: number): string => String(n).padStart(2, '0');
/** onehook's timestamps, in local time: `09/23 15:10` and, with seconds, `09/23 15:10:38`. */
function timestamp(ms: number, seconds = false): string {
  const d = new Date(ms);
  return `${two(d.getMonth() + 1)}/${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}${seconds ? `:${two(d.getSeconds())}` : ''}`;
}

interface HookRow { id: number; name: string; type: string; trigger: string; command: string; locked: boolean }

const lockText = (locked: boolean): string => (locked ? 'Locked' : 'None');

const HOOK_COLUMNS: Column<HookRow>[] = [
  { header: 'ID', value: (h) => String(h.id), align: 'right' },
  { header: 'NAME', value: (h) => h.name },
  { header: 'TYPE', value: (h) => h.type },
  { header: 'TRIGGER', value: (h) => h.trigger },
  { header: 'LOCK', value: (h) => lockText(h.locked) },
];

const rcText = (r: ExecutionRecord): string => (r.status === 'RUNNING' ? '-' : String(r.rc));
const executionText = (r: ExecutionRecord): string => r.status + (r.retry ? ' (retry)' : '') + (r.interrupted ? ' (interrupted)' : '');

const LOG_COLUMNS: Column<ExecutionRecord>[] = [
  { header: 'ID', value: (r) => String(r.executionId), align: 'right' },
  { header: 'TIMESTAMP', value: (r) => timestamp(r.startTime) },
  { header: 'RC', value: rcText, align: 'right' },
  { header: 'EXECUTION', value: executionText },
];

/** Oldest first, as onehook lists them (the daemon answers newest first). */
const chronological = (records: readonly ExecutionRecord[]): ExecutionRecord[] =>
  [...records].sort((a, b) => a.startTime - b.startTime || a.hookId - b.hookId || a.executionId - b.executionId);

function hookInformation(h: HookRow): string {
  return `HOOK ${h.id} INFORMATION\n` + renderFields([['ID', String(h.id)], ['NAME', h.name], ['TYPE', h.type], ['LOCK', lockText(h.locked)]]);
}

/** An argument that is the base64 of a JSON document ($API, $TEMPLATE), decoded for reading. */
function decodedDocument(word: string): string | undefined {
  if (word.length < 8 || !/^[A-Za-z0-9+/]+={0,2}$/.test(word)) return undefined;
  const text = Buffer.from(word, 'base64').toString('utf8');
  if (Buffer.from(text, 'utf8').toString('base64') !== word) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? JSON.stringify(value, null, 2) : undefined;
  } catch {
    return undefined;
  }
}

/** onehook shortens the base64 document on the COMMAND line: `PFZNPgogIDxJR...8+CjwvVk0+`. */
const shortened = (word: string): string => (decodedDocument(word) !== undefined && word.length > 40 ? `${word.slice(0, 13)}...${word.slice(-10)}` : word);
const readable = (words: readonly string[]): string => words.map((w) => decodedDocument(w) ?? w).join(' ');

function executionRecord(hook: HookRow, r: ExecutionRecord): string {
  const stdinWords = r.stdin === null ? [] : r.stdin.replace(/\n$/, '').split(' ');
  const fields: Array<[string, string]> = [
    ['EXECUTION ID', String(r.executionId)],
    ['TIMESTAMP', timestamp(r.startTime, true)],
    ['EVENT', `${r.eventKey} (event ${r.eventId})`],
    ['COMMAND', [r.command, ...r.arguments.map(shortened)].join(' ')],
    ['ARGUMENTS', r.stdin === null ? readable(r.arguments) : ''],
    ...(r.stdin === null ? [] : [['STDIN', readable(stdinWords)] as [string, string]]),
    ['EXIT CODE', `${rcText(r)}${r.signal === null ? '' : ` (${r.signal})`}`],
    ['STATUS', r.status],
    ['RETRY', r.retry ? 'yes' : 'no'],
    ['INTERRUPTED', r.interrupted ? 'yes' : 'no'],
    ...(r.truncated ? [['OUTPUT', 'cut at the capture limit'] as [string, string]] : []),
  ];
  return `${hookInformation(hook)}\nHOOK EXECUTION RECORD\n${renderFields(fields)}\n`
    + `EXECUTION STDOUT\n${r.stdout.replace(/\n?$/, '\n')}\nEXECUTION STDERR\n${r.stderr.replace(/\n?$/, '\n')}`;
}

function hookDetail(args: { hook: HookRow; template: string; executions: ExecutionRecord[] }): string {
  return `${hookInformation(args.hook)}\nHOOK TEMPLATE\n${args.template}\nEXECUTION LOG\n${renderTable(LOG_COLUMNS, chronological(args.executions))}`;
}

export function registerHook(program: Command): void {
  const hook = usageExitsTwo(program.command('hook').description('manage event hooks and read their execution log (the verbs of OpenNebula\'s onehook)'));

  verb(hook, 'create', 'creates a hook from a template file, or from stdin with -; prints its ID')
    .argument('<file>', 'the template (OpenNebula syntax), or - for stdin')
    .action(action(async (file: string, opts: VerbOptions) => {
      const template = await readSource(file, 'template');
      const response = await request(opts, 'hook-create', { template }, sourceLabel(file));
      reply<{ id: number }>(opts, response, (a) => `ID: ${a.id}\n`);
    }));

  verb(hook, 'list', 'lists the hooks')
    .action(action(async (opts: VerbOptions) => {
      reply<{ hooks: HookRow[] }>(opts, await request(opts, 'hook-list'), (a) => renderTable(HOOK_COLUMNS, a.hooks));
    }));

  verb(hook, 'show', 'shows a hook, its template and its execution log; with -e, one execution')
    .argument('<id>', 'hook id or name')
    .option('-e, --execution <exec>', 'show this execution record')
    .action(action(async (id: string, opts: VerbOptions & { execution?: string }) => {
      const execution = opts.execution === undefined ? undefined : executionNumber(opts.execution, '-e');
      const response = await request(opts, 'hook-show', { id: hookRef(id), ...(execution === undefined ? {} : { execution }) });
      if (execution === undefined) reply(opts, response, hookDetail);
      else reply<{ hook: HookRow; execution: ExecutionRecord }>(opts, response, (a) => executionRecord(a.hook, a.execution));
    }));

  verb(hook, 'update', 'replaces the template of a hook (with --append, adds to it)')
    .argument('<id>', 'hook id or name')
    .argument('<file>', 'the template, or - for stdin')
    .option('-a, --append', 'merge the new attributes into the template instead of replacing it')
    .action(action(async (id: string, file: string, opts: VerbOptions & { append?: boolean }) => {
      const template = await readSource(file, 'template');
      const response = await request(opts, 'hook-update', { id: hookRef(id), template, append: opts.append === true }, sourceLabel(file));
      reply(opts, response, () => '');
    }));

  verb(hook, 'rename', 'renames a hook')
    .argument('<id>', 'hook id or name')
    .argument('<name>', 'the new name')
    .action(action(async (id: string, name: string, opts: VerbOptions) => {
      reply(opts, await request(opts, 'hook-rename', { id: hookRef(id), name }), () => '');
    }));

  for (const [name, command, description] of [
    ['delete', 'hook-delete', 'deletes a hook and its execution log (refused while it is locked)'],
    ['lock', 'hook-lock', 'locks a hook against update, rename and delete'],
    ['unlock', 'hook-unlock', 'unlocks a hook'],
  ] as const) {
    verb(hook, name, description)
      .argument('<id>', 'hook id or name')
      .action(action(async (id: string, opts: VerbOptions) => {
        reply(opts, await request(opts, command, { id: hookRef(id) }), () => '');
      }));
  }

  verb(hook, 'retry', 'runs a hook again with the event of one of its executions; a new record flagged retry is written')
    .argument('<id>', 'hook id or name')
    .argument('<exec>', 'the execution id')
    .action(action(async (id: string, exec: string, opts: VerbOptions) => {
      const response = await request(opts, 'hook-retry', { id: hookRef(id), execution: executionNumber(exec) });
      reply<{ execution: ExecutionRecord }>(opts, response, (a) => `EXECUTION ID: ${a.execution.executionId} ${a.execution.status} (${a.execution.rc})\n`);
    }));

  verb(hook, 'log', 'queries the execution log of all hooks (or of one) by time and result')
    .option('-i, --hook-id <id>', 'only this hook (id or name)')
    .option('--since <time>', 'executions started at or after TIME: ISO 8601 or epoch seconds')
    .option('--until <time>', 'executions started at or before TIME: ISO 8601 or epoch seconds')
    .addOption(new Option('--success', 'only successful executions').conflicts('error'))
    .addOption(new Option('--error', 'only failed executions (ERROR or TIMEOUT)').conflicts('success'))
    .option('-n, --limit <n>', 'at most N records, the most recent')
    .action(action(async (opts: VerbOptions & { hookId?: string; since?: string; until?: string; success?: boolean; error?: boolean; limit?: string }) => {
      if (opts.limit !== undefined && !/^\d+$/.test(opts.limit)) throw usage(`--limit must be a whole number, got ${JSON.stringify(opts.limit)}`);
      const args: Record<string, unknown> = {
        ...(opts.hookId === undefined ? {} : { 'hook-id': hookRef(opts.hookId) }),
        ...(opts.since === undefined ? {} : { since: parseTime('--since', opts.since) }),
        ...(opts.until === undefined ? {} : { until: parseTime('--until', opts.until) }),
        ...(opts.success ? { status: 'success' } : opts.error ? { status: 'error' } : {}),
        ...(opts.limit === undefined ? {} : { limit: Number(opts.limit) }),
      };
      reply<{ executions: ExecutionRecord[] }>(opts, await request(opts, 'hook-log', args), (a) => renderTable([
        { header: 'HOOK', value: (r) => String(r.hookId), align: 'right' }, ...LOG_COLUMNS,
      ], chronological(a.executions)));
    }));
}
