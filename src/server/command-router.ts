/**
 * Routes a control command: a library's handler first (libraries may
 * override built-ins), except `list-commands`, which stays built-in so it can
 * list library commands; then the built-in; else result 2. Every response
 * then passes through the `command_processed` callouts, which may rewrite it.
 */
import { NextStep, type HooksManager } from '../core/index.js';
import { Result, type CommandRequest, type CommandResponse, type DispatchContext } from '../control/index.js';
import { BUILTIN_COMMANDS, type DaemonControl } from './builtin-commands.js';
import type { DaemonHooks } from './hook-points.js';
import type { Statistics } from './statistics.js';
import type { EventCommand } from './event-commands.js';

function isResponse(x: unknown): x is CommandResponse {
  if (typeof x !== 'object' || x === null) return false;
  const r = (x as { result?: unknown }).result;
  return typeof r === 'number' && Number.isInteger(r) && r >= 0 && r <= 4;
}

export class CommandRouter {
  private readonly commandProcessed: number;

  constructor(
    private readonly hooks: HooksManager<DaemonHooks>,
    private readonly daemon: DaemonControl,
    private readonly statistics: Statistics,
    /** Commands of parts the daemon started (event hooks), after the built-ins. */
    private readonly extra: () => Readonly<Record<string, EventCommand>> = () => ({}),
    private readonly counted: (command: string) => void = () => undefined,
  ) {
    this.commandProcessed = hooks.hookIndex('command_processed');
  }

  /** Every command answered now: built-ins and library commands, sorted. */
  commands(): string[] {
    return [...new Set([...Object.keys(BUILTIN_COMMANDS), ...Object.keys(this.extra()), ...this.hooks.libraryCommands()])].sort();
  }

  async dispatch(req: CommandRequest, ctx: DispatchContext): Promise<CommandResponse> {
    this.statistics.add('commands-received');
    this.counted(req.command);
    let response = await this.run(req);
    if (this.hooks.calloutsPresent(this.commandProcessed)) {
      const h = this.hooks.createCalloutHandle<DaemonHooks['command_processed']>();
      h.setArgument('name', req.command);
      h.setArgument('arguments', req.arguments);
      h.setArgument('response', response);
      h.setArgument('transport', ctx.transport);
      h.setArgument('user', ctx.user);
      await this.hooks.callCallouts(this.commandProcessed, h);
      const rewritten = h.getArgument('response');
      if (h.getStatus() !== NextStep.DROP && isResponse(rewritten)) response = rewritten;
      h.release();
    }
    if (response.result !== Result.SUCCESS && response.result !== Result.EMPTY) this.statistics.add('commands-failed');
    return response;
  }

  private async run(req: CommandRequest): Promise<CommandResponse> {
    if (req.command !== 'list-commands' && this.hooks.commandHandlersPresent(req.command)) {
      const h = this.hooks.createCalloutHandle();
      h.setArgument('command', { command: req.command, ...(req.arguments === undefined ? {} : { arguments: req.arguments }) });
      await this.hooks.callCommandHandlers(req.command, h);
      const response = h.hasArgument('response') ? h.getArgument('response') : undefined;
      h.release();
      if (isResponse(response)) return response;
      return { result: Result.ERROR, text: `the hook library handling '${req.command}' did not set a valid response` };
    }
    // Own properties only: a command named "constructor" or "__proto__" is just unsupported.
    if (Object.hasOwn(BUILTIN_COMMANDS, req.command)) return BUILTIN_COMMANDS[req.command]!.run(req.arguments, this.daemon);
    const extra = this.extra();
    if (Object.hasOwn(extra, req.command)) return extra[req.command]!.run(req.arguments);
    return { result: Result.UNSUPPORTED, text: `'${req.command}' command not supported.` };
  }
}

