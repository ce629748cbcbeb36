/**
 * How CLI verbs find the daemon: `--socket PATH`, else the first Unix control
 * socket of `--config FILE`, else the embedded default's socket under the
 * working directory.
 */
import path from 'node:path';
import { Command, Option } from 'commander';
import fs from 'node:fs';
import { ConfigError, loadConfigFile, parseConfigText, CONFIG_DEFAULTS } from '../config/index.js';
import { sendUnixCommand, type CommandRequest, type CommandResponse } from '../control/index.js';

export interface TargetOptions {
  socket?: string;
  config?: string;
}

export function addTargetOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('-s, --socket <path>', 'control socket of the daemon'))
    .addOption(new Option('-c, --config <file>', "the daemon's configuration file (its first unix control socket is used)"));
}

export function socketPath(opts: TargetOptions): string {
  if (opts.socket) return path.resolve(opts.socket);
  if (opts.config) {
    let loaded;
    try {
      loaded = loadConfigFile(opts.config);
    } catch (err) {
      // A broken file is exactly when an operator wants config-reload or config-test: find the socket anyway.
      const fallback = socketFromBrokenConfig(opts.config);
      if (fallback === undefined) throw err;
      return fallback;
    }
    const unix = loaded.config.controlSockets.find((s) => s.type === 'unix');
    if (unix === undefined || unix.type !== 'unix') {
      throw new ConfigError('CONFIG_INVALID', [{ path: 'Hookline/control-sockets', message: 'has no unix control socket; pass --socket' }], loaded.file);
    }
    return unix.path;
  }
  return path.resolve(CONFIG_DEFAULTS.dataDirectory, CONFIG_DEFAULTS.socketName);
}

function socketFromBrokenConfig(file: string): string | undefined {
  try {
    const doc = parseConfigText(fs.readFileSync(file, 'utf8'), file) as { Hookline?: { 'control-sockets'?: Array<Record<string, unknown>>; 'data-directory'?: string } };
    const unix = doc.Hookline?.['control-sockets']?.find((s) => s['socket-type'] === 'unix' && typeof s['socket-name'] === 'string');
    const dir = path.dirname(path.resolve(file));
    if (unix !== undefined) return path.resolve(dir, unix['socket-name'] as string);
    return path.resolve(dir, doc.Hookline?.['data-directory'] ?? CONFIG_DEFAULTS.dataDirectory, CONFIG_DEFAULTS.socketName);
  } catch {
    return undefined;
  }
}

/** Sends one command; a transport failure is printed and exits 2. */
export async function send(opts: TargetOptions, request: CommandRequest): Promise<CommandResponse> {
  try {
    return await sendUnixCommand(socketPath(opts), request);
  } catch (err) {
    const code = (err as { code?: string }).code;
    process.stderr.write(`hookline: ${(err as Error).message}${code ? ` (${code})` : ''}\n`);
    process.stderr.write('Is the daemon running? Start it with `hookline serve` (or `npm start`), or pass --socket / --config.\n');
    process.exit(2);
  }
}
