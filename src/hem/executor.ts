/**
 * Runs one hook execution. Guarantees: no shell is ever involved; the command
 * runs in its own process group, so a TIMEOUT stops it and everything it
 * started (SIGTERM, then SIGKILL after the grace period); stdout and stderr
 * are kept up to `outputLimit` bytes each while the rest is drained; and
 * every failure (missing command, bad ARGUMENTS, no host) comes back as an
 * ERROR outcome with rc 255 and a reason on stderr, never as an exception.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { constants as osConstants } from 'node:os';
import type { Logger } from 'pino';
import { silentLogger } from '../core/logger.js';
import { logMessage } from '../core/messages.js';
import { buildCommandLine, type CommandLine } from './command-line.js';
import { ExecutorConfigError } from './errors.js';
import { baseEnvironment, executionEnvironment, type ExecutionIdentity } from './executor-env.js';
import { explainSpawnFailure, resolveLocalCommand, resolveRemoteCommand, shellQuote, validRemoteHost } from './executor-command.js';
import { CapturedOutput } from './executor-output.js';
import { HEM_MESSAGES } from './messages.js';

export interface ExecutorOptions {
  /** Absolute directory under which relative COMMANDs resolve. */
  hookBasePath: string;
  /** Directory on remote hosts for relative COMMANDs of REMOTE hooks. Default `/var/tmp/hookline/hooks`. */
  remoteHookBasePath?: string;
  /** Bytes kept of stdout and of stderr, each. Default 65536. */
  outputLimit?: number;
  /** Time between SIGTERM and SIGKILL after a TIMEOUT. Default 5000 ms. */
  killGraceMs?: number;
  /**
   * After the command exits, how long to wait for processes it left in the
   * background that still hold its stdout/stderr open. Default 1000 ms.
   */
  outputLingerMs?: number;
  /** Extra variables for every command (see executor-env.ts for the rest). */
  env?: Readonly<Record<string, string>>;
  /** The ssh client for REMOTE hooks. Default `ssh`. */
  sshCommand?: string;
  logger?: Logger;
}

/** The parts of a hook the executor reads. */
export interface ExecutableHook {
  id: number;
  name: string;
  command: string;
  arguments: string;
  argumentsStdin: boolean;
  /** Seconds; undefined or 0: no timeout. */
  timeout?: number;
  remote: boolean;
}

export interface ExecutionEvent {
  id: string;
  key: string;
  document: Record<string, unknown>;
}

/** Everything needed to run, and to write the RUNNING record first. */
export interface ExecutionPlan extends ExecutionIdentity {
  /** What is spawned: the resolved command, or the ssh client for REMOTE hooks. */
  command: string;
  arguments: string[];
  stdin: string | null;
  timeoutMs: number | null;
  remote: boolean;
  /** Why the command cannot run; `run` turns it into an ERROR outcome with rc 255. */
  refusal: string | null;
  /** The whole environment the command gets (for REMOTE hooks, the ssh client's): see executor-env.ts. */
  env: Record<string, string>;
}

/** Fits the store's `ExecutionResult`, plus the start time. */
export interface ExecutionOutcome {
  status: 'SUCCESS' | 'ERROR' | 'TIMEOUT';
  rc: number;
  signal: string | null;
  stdout: string;
  stderr: string;
  truncated: boolean;
  startTime: number;
  endTime: number;
  /** True when the command was still running and was stopped because the daemon is stopping (`options.signal`). */
  interrupted?: boolean;
}

export const RC_NOT_STARTED = 255;

export class Executor {
  private readonly hookBasePath: string;
  private readonly remoteHookBasePath: string;
  private readonly outputLimit: number;
  private readonly killGraceMs: number;
  private readonly lingerMs: number;
  private readonly localEnv: Readonly<Record<string, string>>;
  private readonly remoteEnv: Readonly<Record<string, string>>;
  private readonly ssh: string;
  private readonly logger: Logger;

  constructor(options: ExecutorOptions) {
    if (!path.isAbsolute(options.hookBasePath)) throw new ExecutorConfigError('hookBasePath', `must be an absolute path, got ${JSON.stringify(options.hookBasePath)}`);
    this.hookBasePath = path.resolve(options.hookBasePath);
    this.remoteHookBasePath = options.remoteHookBasePath ?? '/var/tmp/hookline/hooks';
    this.outputLimit = nonNegative('outputLimit', options.outputLimit ?? 65536);
    this.killGraceMs = nonNegative('killGraceMs', options.killGraceMs ?? 5000);
    this.lingerMs = nonNegative('outputLingerMs', options.outputLingerMs ?? 1000);
    // The daemon's environment is read once: a later change to it does not reach hooks.
    this.localEnv = baseEnvironment(false, options.env ?? {});
    this.remoteEnv = baseEnvironment(true, options.env ?? {});
    this.ssh = options.sshCommand ?? 'ssh';
    this.logger = options.logger ?? silentLogger();
  }

  /**
   * Resolves the command and expands the arguments for one hook and event.
   * A retry plans again from the stored event, so `$API`/`$TEMPLATE` are the same.
   */
  async plan(hook: ExecutableHook, event: ExecutionEvent): Promise<ExecutionPlan> {
    const base = {
      hookId: hook.id, hookName: hook.name, eventId: event.id, eventKey: event.key, remote: hook.remote,
      timeoutMs: hook.timeout !== undefined && hook.timeout > 0 ? Math.round(hook.timeout * 1000) : null,
    };
    const planned = { ...base, env: executionEnvironment(hook.remote ? this.remoteEnv : this.localEnv, base) };
    let line: CommandLine;
    try {
      line = buildCommandLine(hook.arguments, event.document, hook.argumentsStdin);
    } catch (err) {
      return { ...planned, command: hook.command, arguments: [], stdin: null, refusal: (err as Error).message };
    }
    if (hook.remote) {
      const host = event.document.HOST;
      const resolved = resolveRemoteCommand(hook.command, this.remoteHookBasePath);
      let refusal: string | null = null;
      if (host === undefined || host === null || host === '') refusal = `REMOTE hook: event ${event.id} (${event.key}) has no HOST to run the command on`;
      else if (!validRemoteHost(host)) refusal = `REMOTE hook: HOST ${JSON.stringify(host)} of event ${event.id} is not a host name or address`;
      else if (!resolved.ok) refusal = resolved.reason;
      if (refusal !== null) return { ...planned, command: resolved.path, arguments: line.arguments, stdin: line.stdin, refusal };
      const remoteWords = [resolved.path, ...line.arguments].map(shellQuote);
      return { ...planned, command: this.ssh, arguments: ['-o', 'BatchMode=yes', host as string, ...remoteWords], stdin: line.stdin, refusal: null };
    }
    const resolved = await resolveLocalCommand(hook.command, this.hookBasePath);
    return { ...planned, command: resolved.path, arguments: line.arguments, stdin: line.stdin, refusal: resolved.ok ? null : resolved.reason };
  }

  /**
   * Runs a plan to its end. Never rejects. Aborting `options.signal` (daemon
   * shutdown) stops the process group as a timeout does; the outcome is then
   * an ERROR that says so on stderr.
   */
  run(plan: ExecutionPlan, options: { signal?: AbortSignal } = {}): Promise<ExecutionOutcome> {
    const startTime = Date.now();
    if (plan.refusal !== null) {
      logMessage(this.logger, HEM_MESSAGES.HEM_EXECUTION_REFUSED, { ...identity(plan), reason: plan.refusal });
      return Promise.resolve(notStarted(plan.refusal, startTime));
    }
    logMessage(this.logger, HEM_MESSAGES.HEM_EXECUTION_STARTED, { ...identity(plan), command: plan.command });
    return new Promise<ExecutionOutcome>((resolve) => {
      let child: ChildProcess;
      try {
        child = spawn(plan.command, plan.arguments, {
          detached: true,
          // No stdin text: /dev/null, so a command that reads stdin sees EOF at once.
          stdio: [plan.stdin === null ? 'ignore' : 'pipe', 'pipe', 'pipe'],
          env: plan.env,
        });
      } catch (err) {
        resolve(this.refused(plan, `command ${plan.command} could not be started: ${(err as Error).message}`, startTime));
        return;
      }
      const stdout = new CapturedOutput(this.outputLimit);
      const stderr = new CapturedOutput(this.outputLimit);
      let timedOut = false;
      let aborted = false;
      let exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;
      let done = false;
      const timers: NodeJS.Timeout[] = [];

      const finish = (): void => {
        if (done || exit === null) return;
        done = true;
        for (const t of timers) clearTimeout(t);
        options.signal?.removeEventListener('abort', onAbort);
        const signal = exit.signal;
        const rc = exit.code ?? 128 + (signal ? osConstants.signals[signal] ?? 0 : 0);
        const status = timedOut ? 'TIMEOUT' : rc === 0 ? 'SUCCESS' : 'ERROR';
        const truncated = stdout.truncated || stderr.truncated;
        if (truncated) logMessage(this.logger, HEM_MESSAGES.HEM_OUTPUT_TRUNCATED, { ...identity(plan), limit: this.outputLimit });
        const endTime = Date.now();
        logMessage(this.logger, HEM_MESSAGES.HEM_EXECUTION_FINISHED, { ...identity(plan), status, rc, durationMs: endTime - startTime });
        const errText = aborted ? `${stderr.text()}hookline: execution aborted (the daemon is stopping)\n` : stderr.text();
        resolve({ status, rc, signal, stdout: stdout.text(), stderr: errText, truncated, startTime, endTime, interrupted: aborted });
      };

      child.on('error', (err: NodeJS.ErrnoException) => {
        // Only a failed spawn: the process never existed, so no exit or close follows that we can rely on.
        if (child.pid !== undefined || done) return;
        done = true;
        void explainSpawnFailure(plan.command, err).then((reason) => resolve(this.refused(plan, reason, startTime)));
      });
      child.stdout!.on('data', (chunk: Buffer) => stdout.push(chunk));
      child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk));
      if (child.stdin) {
        // A command that does not read its stdin closes the pipe: EPIPE is expected, not a failure.
        child.stdin.on('error', () => {});
        child.stdin.end(plan.stdin);
      }

      child.on('exit', (code, signal) => {
        exit = { code, signal };
        // Background processes may hold the pipes open; do not wait for them forever.
        const linger = timedOut || aborted ? this.killGraceMs + this.lingerMs : this.lingerMs;
        timers.push(setTimeout(() => {
          child.stdout!.destroy();
          child.stderr!.destroy();
          finish();
        }, linger));
      });
      child.on('close', finish);

      /** SIGTERM to the whole group now, SIGKILL after the grace period if any of it is left. */
      const terminate = (pid: number): void => {
        signalGroup(pid, 'SIGTERM');
        // Kept even after the outcome is in: the group may outlive its leader.
        setTimeout(() => {
          if (signalGroup(pid, 0)) {
            signalGroup(pid, 'SIGKILL');
            logMessage(this.logger, HEM_MESSAGES.HEM_EXECUTION_KILLED, { ...identity(plan), pid, graceMs: this.killGraceMs });
          }
        }, this.killGraceMs);
      };
      function onAbort(): void {
        // A command that has already exited (its output still draining) ran to its end: not interrupted.
        if (done || exit !== null || child.pid === undefined || timedOut || aborted) return;
        aborted = true;
        terminate(child.pid);
      }
      if (options.signal?.aborted) onAbort();
      else options.signal?.addEventListener('abort', onAbort, { once: true });

      if (plan.timeoutMs !== null && child.pid !== undefined) {
        const pid = child.pid;
        timers.push(setTimeout(() => {
          if (done || aborted) return;
          timedOut = true;
          logMessage(this.logger, HEM_MESSAGES.HEM_EXECUTION_TIMEOUT, { ...identity(plan), timeoutMs: plan.timeoutMs, pid });
          terminate(pid);
        }, plan.timeoutMs));
      }
    });
  }

  private refused(plan: ExecutionPlan, reason: string, startTime: number): ExecutionOutcome {
    logMessage(this.logger, HEM_MESSAGES.HEM_EXECUTION_REFUSED, { ...identity(plan), reason });
    return notStarted(reason, startTime);
  }
}

function notStarted(reason: string, startTime: number): ExecutionOutcome {
  return { status: 'ERROR', rc: RC_NOT_STARTED, signal: null, stdout: '', stderr: `${reason}\n`, truncated: false, startTime, endTime: Date.now() };
}

/** Sends `signal` to the process group `pid`; false when the group no longer exists. */
function signalGroup(pid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

function identity(plan: ExecutionPlan): Record<string, unknown> {
  return { hookId: plan.hookId, hookName: plan.hookName, eventId: plan.eventId };
}

function nonNegative(option: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) throw new ExecutorConfigError(option, `must be a non-negative number, got ${value}`);
  return value;
}
