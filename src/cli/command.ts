/** `hookline command NAME [--args JSON]`: sends any control command and prints the response. */
import type { Command } from 'commander';
import { addTargetOptions, send, type TargetOptions } from './control-target.js';

function parseArgs(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new Error(`--args is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('--args must be a JSON object, e.g. --args \'{"name": "commands-received"}\'');
  return value as Record<string, unknown>;
}

export function registerCommand(program: Command): void {
  addTargetOptions(program.command('command')
    .description('send a control command to the daemon and print its response (Kea protocol)')
    .argument('<name>', 'the command, e.g. list-commands, status-get, config-get')
    .option('-a, --args <json>', 'the command arguments, a JSON object'))
    .action(async (name: string, opts: TargetOptions & { args?: string }) => {
      let args: Record<string, unknown> | undefined;
      try {
        args = opts.args === undefined ? undefined : parseArgs(opts.args);
      } catch (err) {
        process.stderr.write(`hookline: ${(err as Error).message}\n`);
        process.exit(2);
      }
      const response = await send(opts, { command: name, ...(args === undefined ? {} : { arguments: args }) });
      process.stdout.write(JSON.stringify(response, null, 2) + '\n');
      process.exitCode = response.result === 0 || response.result === 3 ? 0 : 1;
    });
}
