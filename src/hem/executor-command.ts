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
  // Absolute: used as written; whether it exists and may run is learnt from spawn (see explainSpawnFailure).
  if (path.isAbsolute(command)) return { ok: true, path: command };
  const candidate = path.resolve(hookBasePath, command);
  if (!inside(hookBasePath, candidate)) {
    return { ok: false, path: candidate, reason: `COMMAND ${JSON.stringify(command)} leaves hook-base-path ${hookBasePath}` };
  }
  const [real, realBase] = await Promise.allSettled([fs.realpath(candidate), fs.realpath(hookBasePath)]);
  if (realBase.status === 'rejected') return { ok: false, path: candidate, reason: `hook-base-path: ${describe(hookBasePath, realBase.reason)}` };
  if (real.status === 'rejected') return { ok: false, path: candidate, reason: describe(candidate, real.reason) };
  if (!inside(realBase.value, real.value)) {
    return { ok: false, path: candidate, reason: `COMMAND ${JSON.stringify(command)} resolves to ${real.value} through a symlink, outside hook-base-path ${hookBasePath}` };
  }
  return { ok: true, path: real.value };
}

/**
 * Why spawn failed, in words an operator can act on. Only called on failure,
 * so the common path costs no extra file-system calls.
 */
export async function explainSpawnFailure(file: string, err: NodeJS.ErrnoException): Promise<string> {
  let stat;
  try {
    stat = await fs.stat(file);
  } catch (statErr) {
    return describe(file, statErr);
  }
  if (!stat.isFile()) return `command ${file} is not a regular file`;
  try {
    await fs.access(file, fsConstants.X_OK);
  } catch {
    return `command ${file} is not executable (chmod +x it)`;
  }
  if (err.code === 'ENOENT') return `command ${file} could not be started: the interpreter on its #! line was not found`;
  return `command ${file} could not be started: ${err.message}`;
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
