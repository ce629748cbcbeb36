/**
 * What every `hookline` verb that talks to the daemon shares: the options,
 * the exit codes (0 success, 1 the daemon refused, 2 usage or transport error),
 * sending a command, printing `--json`, and reading a file or stdin.
 */
import fs from 'node:fs/promises';
import { Command } from 'commander';
import { Result, type CommandResponse } from '../control/index.js';
import { addTargetOptions, send, type TargetOptions } from './control-target.js';

export interface VerbOptions extends TargetOptions {
  json?: boolean;
}

/** Ends a verb: printed as `hookline: <message>` with its exit code. */
export class VerbFailure extends Error {
  constructor(message: string, readonly exitCode: 1 | 2) {
    super(message);
  }
}

export const usage = (message: string): VerbFailure => new VerbFailure(message, 2);

/** A subcommand with the target options and `--json`; commander's usage errors exit 2. */
export function verb(parent: Command, name: string, description: string): Command {
  const cmd = parent.command(name).description(description).option('-j, --json', 'print the response arguments as JSON');
  usageExitsTwo(cmd);
  return addTargetOptions(cmd);
}

/** Commander exits 1 on usage errors; Hookline's verbs keep 1 for a refused command. */
export function usageExitsTwo(cmd: Command): Command {
  return cmd.exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2));
}

/** Wraps an action so that a VerbFailure is printed and sets the exit code. */
export function action<A extends unknown[]>(fn: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args) => {
    try {
      await fn(...args);
    } catch (err) {
      if (!(err instanceof VerbFailure)) throw err;
      process.stderr.write(`hookline: ${err.message}\n`);
      process.exitCode = err.exitCode;
    }
  };
}

/**
 * Sends a command; a refusal (result other than 0 or 3) becomes a VerbFailure
 * with the daemon's text. `source` names the template file the arguments came
 * from: a template error is attached to it (`file:line:column: …`, as
 * compilers do).
 */
export async function request(opts: VerbOptions, command: string, args?: Record<string, unknown>, source?: string): Promise<CommandResponse> {
  const response = await send(opts, args === undefined ? { command } : { command, arguments: args });
  if (response.result === Result.SUCCESS || response.result === Result.EMPTY) return response;
  if (opts.json && response.arguments !== undefined) printJson(response.arguments);
  const code = (response.arguments as { code?: unknown } | undefined)?.code;
  const text = response.text ?? `${command} failed with result ${response.result}`;
  const templateError = source !== undefined && typeof code === 'string' && code.startsWith('HEM_TEMPLATE');
  const where = !templateError ? '' : /^\d+:\d+: /.test(text) ? `${source}:` : `${source}: `;
  throw new VerbFailure(`${where}${text}${typeof code === 'string' ? ` (${code})` : ''}`, 1);
}

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value ?? {}, null, 2) + '\n');
}

/** Prints the response: its arguments with --json, else what `render` makes of them. */
export function reply<T>(opts: VerbOptions, response: CommandResponse, render: (args: T) => string): void {
  if (opts.json) printJson(response.arguments);
  else process.stdout.write(render(response.arguments as T));
}

/** The text of FILE, or of stdin for `-`. */
export async function readSource(file: string, what: string): Promise<string> {
  if (file === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }
  try {
    return await fs.readFile(file, 'utf8');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why = e.code === 'ENOENT' ? 'no such file' : e.code === 'EISDIR' ? 'it is a directory' : e.code === 'EACCES' ? 'permission denied' : e.message;
    throw usage(`cannot read the ${what} ${file}: ${why}`);
  }
}

export const sourceLabel = (file: string): string => (file === '-' ? '<stdin>' : file);
