/**
 * Runs the real daemon (`node dist/src/cli/main.js serve`) in a temporary
 * directory, and the real CLI against it. Waits for conditions (the socket
 * answering, a log line appearing), never for fixed times.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { sendUnixCommand, type CommandRequest, type CommandResponse } from '../../src/control/index.js';
import { fixturesDir, repoRoot, tempDir } from './paths.js';

export const cliMain = path.join(repoRoot, 'dist', 'src', 'cli', 'main.js');

export interface DaemonProcess {
  dir: string;
  socket: string;
  child: ChildProcess;
  /** Parsed JSON log records written so far. */
  records: Array<Record<string, unknown>>;
  output(): string;
  command(request: CommandRequest): Promise<CommandResponse>;
  waitForLog(msgId: string, count?: number): Promise<Record<string, unknown>>;
  /** Sends SIGTERM (unless it has exited) and resolves with the exit code. */
  stop(): Promise<number | null>;
  exited: Promise<number | null>;
}

export interface StartOptions {
  /** The `Hookline` object written to hookline.json; omitted: the embedded default (no -c). */
  config?: Record<string, unknown>;
  /** Files copied from test/fixtures/daemon-hooks into <dir>/hooks. */
  libraries?: string[];
  dir?: string;
  env?: NodeJS.ProcessEnv;
}

async function until<T>(what: string, fn: () => Promise<T | undefined> | T | undefined, out: () => string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; daemon output:\n${out()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export function prepareDir(options: StartOptions = {}): string {
  const dir = options.dir ?? tempDir('hl-daemon-');
  fs.chmodSync(dir, 0o700);
  const hooks = path.join(dir, 'hooks');
  fs.mkdirSync(hooks, { recursive: true, mode: 0o755 });
  for (const lib of options.libraries ?? []) fs.copyFileSync(path.join(fixturesDir, 'daemon-hooks', lib), path.join(hooks, lib));
  if (options.config !== undefined) writeConfig(dir, options.config);
  return dir;
}

/**
 * Writes <dir>/hookline.json. Unless the test sets `events`, the bus binds an
 * ephemeral port, so daemons of concurrent tests never contend for 2101.
 */
export function writeConfig(dir: string, hookline: Record<string, unknown>): string {
  const file = path.join(dir, 'hookline.json');
  const withBus = 'events' in hookline ? hookline : { ...hookline, events: { publisher: { bind: 'tcp://127.0.0.1:0' } } };
  fs.writeFileSync(file, JSON.stringify({ Hookline: withBus }, null, 2));
  return file;
}

/** Spawns the daemon; resolves once its control socket answers, rejects if it exits first. */
export async function startDaemon(options: StartOptions = {}): Promise<DaemonProcess> {
  const dir = prepareDir(options);
  const args = [cliMain, 'serve', ...(options.config !== undefined ? ['-c', path.join(dir, 'hookline.json')] : [])];
  const child = spawn(process.execPath, args, { cwd: dir, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  const records: Array<Record<string, unknown>> = [];
  let pending = '';
  child.stdout!.on('data', (d: Buffer) => {
    text += d.toString();
    pending += d.toString();
    const lines = pending.split('\n');
    pending = lines.pop()!;
    for (const line of lines) {
      try { records.push(JSON.parse(line)); } catch { /* not a JSON log line */ }
    }
  });
  child.stderr!.on('data', (d: Buffer) => { text += d.toString(); });
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => { exitCode = code; resolve(code); }));
  const socket = path.join(dir, 'hookline-data', 'hookline.sock');
  const output = (): string => text;
  await until('the control socket', async () => {
    if (exitCode !== undefined) throw new Error(`the daemon exited with ${exitCode} before answering:\n${text}`);
    try {
      return (await sendUnixCommand(socket, { command: 'version-get' }, { timeoutMs: 2000 })).result === 0 ? true : undefined;
    } catch {
      return undefined;
    }
  }, output);
  return {
    dir, socket, child, records, output, exited,
    command: (request) => sendUnixCommand(socket, request),
    waitForLog: (msgId, count = 1) => until(`log ${msgId}`, () => {
      const hits = records.filter((r) => r.msgId === msgId);
      return hits.length >= count ? hits[count - 1] : undefined;
    }, output),
    stop: async () => {
      if (exitCode === undefined) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** Runs the daemon expecting it to fail at start-up; resolves with its exit code and output. */
export function runDaemonToExit(options: StartOptions): Promise<{ code: number | null; output: string }> {
  const dir = prepareDir(options);
  return new Promise((resolve) => {
    execFile(process.execPath, [cliMain, 'serve', '-c', path.join(dir, 'hookline.json')], { cwd: dir, timeout: 20_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? null) : 0, output: stdout + stderr });
    });
  });
}

/** Runs the CLI; resolves with exit code, stdout and stderr. */
export function runCli(args: string[], options: { cwd?: string; input?: string } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [cliMain, ...args], { cwd: options.cwd, timeout: 30_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
    if (options.input !== undefined) child.stdin!.end(options.input);
  });
}

/**
 * A TCP port on 127.0.0.1 that was free a moment ago (the daemon's config
 * refuses port 0). Chosen below Linux's ephemeral range (32768–60999), so the
 * kernel cannot hand the same port to a socket bound to port 0 meanwhile.
 */
export async function freePort(): Promise<number> {
  const net = await import('node:net');
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    const free = await new Promise<boolean>((resolve) => {
      const srv = net.createServer();
      srv.once('error', () => resolve(false));
      srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error('no free TCP port found in 20000-31999');
}
