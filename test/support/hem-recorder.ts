/**
 * Helpers for tests of the Hook Execution Manager with real hook commands: a recorder script that
 * appends "start|end <label> <event id>" lines to a log file, VM state events and hooks for them,
 * and a proxy that makes one call of a real store or queue fail as an outage would.
 */
import fs from 'node:fs';
import path from 'node:path';
import { HookExecutionManager } from '../../src/hem/hook-execution-manager.js';
import { Executor } from '../../src/hem/executor.js';
import type { Queue } from '../../src/queue/queue.js';
import type { Store } from '../../src/store/store.js';
import type { HooklineEvent } from '../../src/events/event.js';
import { SqliteDatabase } from '../../src/store/sqlite-database.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { LocalQueue } from '../../src/queue/local-queue.js';
import { tempDir } from './paths.js';

export interface Worker { store: Store; queue: Queue }
export interface Backend { workers: [Worker, Worker]; close(): Promise<void> }

/** A hook command that appends "start|end <label> <event id>" to `log`, sleeping in between (its second argument, if given). */
export function recorder(dir: string, log: string, sleepSeconds: number): void {
  fs.writeFileSync(path.join(dir, 'rec.sh'),
    `#!/bin/sh\necho "start $1 $HOOKLINE_EVENT_ID" >> ${log}\nsleep \${2:-${sleepSeconds}}\necho "end $1 $HOOKLINE_EVENT_ID" >> ${log}\n`, { mode: 0o755 });
}

export function stateHook(name: string, state: string, seconds = ''): string {
  return `NAME = ${name}\nTYPE = state\nRESOURCE = VM\nON = CUSTOM\nSTATE = ${state}\nLCM_STATE = LCM_INIT\nCOMMAND = rec.sh\nARGUMENTS = "${name} ${seconds}"\n`;
}

/** The real store, failing its first `method` call for one event as an unreachable database would. */
export function failingOnce<T extends object>(real: T, method: 'beginExecution' | 'finishExecution' | 'ack', fails: (args: unknown[]) => boolean): { proxy: T; failed: Promise<void> } {
  let done = false;
  let signal!: () => void;
  const failed = new Promise<void>((resolve) => { signal = resolve; });
  const proxy = new Proxy(real, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (prop === method && !done && fails(args)) {
          done = true;
          signal();
          return Promise.reject(Object.assign(new Error('unavailable for a moment'), { code: 'STORE_UNAVAILABLE' }));
        }
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { proxy, failed };
}

export function vmEvent(id: number, state: string, n: number): HooklineEvent {
  return { key: `EVENT STATE VM/${state}/LCM_INIT`, kind: 'state', document: { RESOURCE: 'VM', ID: id, STATE: state, LCM_STATE: 'LCM_INIT', N: n } };
}

export interface Line { phase: 'start' | 'end'; label: string; eventId: string }
export function readLog(log: string): Line[] {
  if (!fs.existsSync(log)) return [];
  return fs.readFileSync(log, 'utf8').trim().split('\n').filter(Boolean).map((l) => {
    const [phase, label, eventId] = l.split(' ');
    return { phase: phase as Line['phase'], label: label!, eventId: eventId! };
  });
}

export async function startWorkers(backend: Backend, commands: string, concurrency: number): Promise<HookExecutionManager[]> {
  return Promise.all(backend.workers.map((w, i) => HookExecutionManager.start({
    store: w.store, queue: w.queue, executor: new Executor({ hookBasePath: commands }), concurrency,
    workerId: `worker-${i}`, pollMs: 50, retryDelayMs: 20,
  })));
}


/** A fresh SQLite store and local queue on one file, and a directory with the recorder (sleeping `seconds`) writing to `log`. */
export function localSetup(seconds: number): { store: SqliteStore; queue: LocalQueue; dir: string; log: string } {
  const database = SqliteDatabase.open({ path: path.join(tempDir(), 'hookline.db') });
  const store = new SqliteStore(database);
  const queue = new LocalQueue(database);
  database.release();
  const dir = tempDir();
  const log = path.join(dir, 'ran.log');
  recorder(dir, log, seconds);
  return { store, queue, dir, log };
}
