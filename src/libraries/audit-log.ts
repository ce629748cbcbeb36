/**
 * audit-log: writes one JSON line per processed control command (and, where
 * the daemon has them, per event received and per execution finished) to a
 * file. A bundled library, written against the public library contract only.
 *
 * Parameters: `path` (mandatory): the file; a relative path is relative to the
 * daemon's data-directory. Without it, load() fails with
 * AUDIT_LOG_PATH_NOT_DEFINED, as Kea's flex_id does without its expression.
 */
import fs from 'node:fs';
import path from 'node:path';
import { defineMessages, logMessage, type CalloutHandle, type LibraryHandle } from '../core/index.js';
import type { DaemonHooks } from '../server/index.js';

export const version = 1;
export const multiThreadingCompatible = true;

export const messages = defineMessages({
  AUDIT_LOG_INIT_OK: { level: 'info', text: 'loading audit-log hooks library successful; writing to {path}', explanation: 'The library is loaded and appends one JSON line per audited action to the file named.' },
  AUDIT_LOG_PATH_NOT_DEFINED: { level: 'error', text: 'audit log file (path) is not defined', explanation: 'The mandatory parameter "path" is missing from the library\'s entry in hooks-libraries. Add "parameters": { "path": "audit.jsonl" }; relative paths are relative to the data-directory.' },
  AUDIT_LOG_WRITE_FAILED: { level: 'error', text: 'cannot write to the audit log {path}: {error}', explanation: 'The file could not be opened or written (permissions, a missing directory, a full disk). Audited actions are not recorded until this is fixed and the configuration reloaded.' },
});

let configured: string | undefined;
let file: string | undefined;
let fd: number | undefined;
let logger: LibraryHandle['logger'] | undefined;

function open(target: string): void {
  close();
  try {
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fd = fs.openSync(target, 'a', 0o600);
    file = target;
  } catch (error) {
    if (logger) logMessage(logger, messages.AUDIT_LOG_WRITE_FAILED, { path: target, error });
  }
}

function close(): void {
  if (fd !== undefined) fs.closeSync(fd);
  fd = undefined;
}

function write(record: Record<string, unknown>): void {
  if (fd === undefined) return;
  try {
    fs.writeSync(fd, JSON.stringify({ time: new Date().toISOString(), ...record }) + '\n');
  } catch (error) {
    if (logger) logMessage(logger, messages.AUDIT_LOG_WRITE_FAILED, { path: file, error });
  }
}

export function load(handle: LibraryHandle<DaemonHooks>): number {
  logger = handle.logger;
  const p = handle.getParameter('path');
  if (typeof p !== 'string' || p.trim() === '') {
    logMessage(handle.logger, messages.AUDIT_LOG_PATH_NOT_DEFINED, {});
    return 1;
  }
  configured = p;
  if (path.isAbsolute(p)) open(p);
  handle.signal.addEventListener('abort', close, { once: true });
  logMessage(handle.logger, messages.AUDIT_LOG_INIT_OK, { path: p });
  return 0;
}

export function unload(): number {
  close();
  return 0;
}

/** Resolves a relative path against the data-directory once the configuration is known. */
export function config_applied(h: CalloutHandle<DaemonHooks['config_applied']>): void {
  if (configured !== undefined && fd === undefined) open(path.resolve(h.getArgument('config').dataDirectory, configured));
}

export function command_processed(h: CalloutHandle<DaemonHooks['command_processed']>): void {
  const response = h.getArgument('response');
  write({ type: 'command', command: h.getArgument('name'), transport: h.getArgument('transport'), user: h.getArgument('user'), result: response.result, text: response.text });
}

/** Audits events and executions on daemons that have these hook points. */
export function event_receive(h: CalloutHandle): void {
  const event = h.getArgument('event') as { key?: string; kind?: string };
  write({ type: 'event', key: event?.key, kind: event?.kind, source: h.getArgument('source') });
}

export function execution_finish(h: CalloutHandle): void {
  const r = h.getArgument('record') as { hookId?: number; executionId?: number; status?: string; rc?: number };
  write({ type: 'execution', hook: r?.hookId, execution: r?.executionId, status: r?.status, rc: r?.rc });
}
