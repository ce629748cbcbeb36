/**
 * Where a hook's COMMAND lives. A relative COMMAND resolves under
 * hook-base-path and must stay there after `..` and symlinks are followed
 * (checked on the real path); an absolute COMMAND is used as written. Every
 * failure is a reason for an ERROR record, never an exception.
 */
import fs from 'node:fs/promises';
import { constants as fsConstants } from 'node:fs';
import path from 'node:path';

export type CommandResolution = { ok: true; path: string } | { ok: false; path: string; reason: string };

export async function resolveLocalCommand(command: string, hookBasePath: string): Promise<CommandResolution> {
  if (command.trim() === '') return { ok: false, path: command, reason: 'COMMAND is empty' };
  const relative = !path.isAbsolute(command);
  const candidate = relative ? path.resolve(hookBasePath, command) : command;
  if (relative && !inside(hookBasePath, candidate)) {
    return { ok: false, path: candidate, reason: `COMMAND ${JSON.stringify(command)} leaves hook-base-path ${hookBasePath}` };
  }
  let real: string;
  try {
    real = await fs.realpath(candidate);
  } catch (err) {
    return { ok: false, path: candidate, reason: describe(candidate, err) };
  }
  if (relative) {
    let realBase: string;
    try {
      realBase = await fs.realpath(hookBasePath);
    } catch (err) {
      return { ok: false, path: candidate, reason: `hook-base-path: ${describe(hookBasePath, err)}` };
    }
    if (!inside(realBase, real)) {
      return { ok: false, path: candidate, reason: `COMMAND ${JSON.stringify(command)} resolves to ${real} through a symlink, outside hook-base-path ${hookBasePath}` };
    }
  }
  try {
    const stat = await fs.stat(real);
    if (!stat.isFile()) return { ok: false, path: real, reason: `command ${real} is not a regular file` };
    await fs.access(real, fsConstants.X_OK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EACCES') return { ok: false, path: real, reason: `command ${real} is not executable (chmod +x it)` };
    return { ok: false, path: real, reason: describe(real, err) };
  }
  return { ok: true, path: real };
}

/** REMOTE hooks: a relative COMMAND resolves under remote-hook-base-path on the host; only `..` can be checked from here. */
export function resolveRemoteCommand(command: string, remoteHookBasePath: string): CommandResolution {
  if (command.trim() === '') return { ok: false, path: command, reason: 'COMMAND is empty' };
  if (path.posix.isAbsolute(command)) return { ok: true, path: command };
  const candidate = path.posix.resolve(remoteHookBasePath, command);
  const rel = path.posix.relative(remoteHookBasePath, candidate);
  if (rel === '' || rel.startsWith('..')) {
    return { ok: false, path: candidate, reason: `COMMAND ${JSON.stringify(command)} leaves remote-hook-base-path ${remoteHookBasePath}` };
  }
  return { ok: true, path: candidate };
}

/** A host name or address fit to be the `ssh` destination (not an option, no spaces). */
export function validRemoteHost(host: unknown): host is string {
  return typeof host === 'string' && /^[A-Za-z0-9_.:@[\]%-]+$/.test(host) && !host.startsWith('-');
}

/**
 * The remote side of `ssh` is a shell that joins and re-splits the words, so
 * each word is single-quoted unless it is made only of characters a shell
 * leaves alone (base64 is).
 */
export function shellQuote(word: string): string {
  if (word !== '' && /^[A-Za-z0-9_./=:,+@%-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

function inside(base: string, target: string): boolean {
  const rel = path.relative(base, target);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

function describe(file: string, err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return `command ${file} does not exist`;
  if (code === 'EACCES') return `command ${file} cannot be reached: permission denied`;
  if (code === 'ELOOP') return `command ${file} is a symlink loop`;
  return `command ${file} cannot be used: ${(err as Error).message}`;
}
