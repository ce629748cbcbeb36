/**
 * N daemons as one hook execution service, with real processes: PostgreSQL
 * holds hooks and the execution log, NATS JetStream the events. Each test
 * gets its own database and stream.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import netModule from 'node:net';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { HooklineClient } from '../../src/events/client.js';
import { testNatsUrl, TestStreams } from '../support/nats.js';
import { testPostgresUrl } from '../support/postgres.js';
import { startDaemon, freePort, type DaemonProcess } from '../support/daemon-process.js';
import { TcpProxy } from '../support/tcp-proxy.js';
import { tempDir } from '../support/paths.js';

const pgUrl = await testPostgresUrl('the scale-out tests');
const natsUrl = await testNatsUrl('the scale-out tests');

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 40_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

let dbCount = 0;
/** A database of its own (the daemon's config names only a URL), dropped at the end. */
async function freshDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `hookline_scale_${process.pid}_${dbCount++}`;
  const admin = async (sql: string): Promise<void> => {
    const c = new pg.Client({ connectionString: pgUrl! });
    await c.connect();
    try { await c.query(sql); } finally { await c.end(); }
  };
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(pgUrl!);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

/** A hook command that records "<phase> <event id> <daemon pid>" in a file shared by all daemons. */
function installRecorder(daemons: DaemonProcess[], shared: string, sleep = 0): void {
  const script = `#!/bin/sh\necho "start $HOOKLINE_EVENT_ID $PPID" >> ${shared}\n${sleep ? `sleep ${sleep}\n` : ''}echo "end $HOOKLINE_EVENT_ID $PPID" >> ${shared}\n`;
  for (const d of daemons) {
    const dir = path.join(d.dir, 'hooks', 'commands');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'rec.sh'), script, { mode: 0o755 });
  }
}

const hookTemplate = 'NAME = rec\nTYPE = api\nCOMMAND = rec.sh\nCALL = one.vm.deploy\n';

interface Exec { eventId: string; status: string; interrupted: boolean }
async function successes(d: DaemonProcess): Promise<Exec[]> {
  const r = await d.command({ command: 'hook-log', arguments: { status: 'success', limit: 100000 } });
  return ((r.arguments as { executions?: Exec[] } | undefined)?.executions ?? []);
}

if (pgUrl !== null && natsUrl !== null) {
  const streams = new TestStreams(natsUrl);
  const scaled = (db: string, nats = natsUrl, names = streams.next()): Record<string, unknown> => ({
    store: { type: 'postgresql', url: db },
    queue: { type: 'nats', servers: [nats], stream: names.stream, 'subject-prefix': names.subjectPrefix, 'ack-wait': 1000 },
    'hook-execution': { concurrency: 1, 'log-retention': 10000 },
  });

  /** Two daemons on a database of their own and one stream, the recorder installed in both; stopped and dropped after `body`. */
  async function withTwoWorkers(sleep: number, body: (a: DaemonProcess, b: DaemonProcess, shared: string) => Promise<void>): Promise<void> {
    const db = await freshDatabase();
    const config = scaled(db.url);
    const a = await startDaemon({ config });
    const b = await startDaemon({ config });
    try {
      const shared = path.join(tempDir(), 'ran.txt');
      installRecorder([a, b], shared, sleep);
      await body(a, b, shared);
    } finally {
      await a.stop();
      await b.stop();
      await db.drop();
    }
  }

  test('two daemons share the work: every event runs exactly once, and a hook created through one fires on the other for the next event', async () => {
    await withTwoWorkers(0.05, async (a, b, shared) => {
      assert.equal((await a.command({ command: 'hook-create', arguments: { template: hookTemplate } })).result, 0);
      // B learns of the hook from the store's revision, not from A.
      const client = new HooklineClient({ socket: b.socket });
      const ids = await Promise.all(Array.from({ length: 40 }, (_, i) => client.publishApiEvent('one.vm.deploy', ['s', i], null, true)));
      const done = await until('40 successful executions', async () => {
        const s = await successes(a);
        return s.length >= 40 ? s : undefined;
      });
      assert.deepEqual(new Set(done.map((e) => e.eventId)), new Set(ids));
      assert.equal(done.length, 40, 'no event ran twice');
      const pids = new Set(fs.readFileSync(shared, 'utf8').trim().split('\n').map((l) => Number(l.split(' ')[2])));
      assert.deepEqual([...pids].sort(), [a.child.pid, b.child.pid].sort(), 'both workers executed events');
      const status = (await b.command({ command: 'status-get' })).arguments as Record<string, unknown>;
      assert.equal(status.queue, 'nats');
      assert.equal(status.store, 'postgresql');
      assert.match(String(status.worker), new RegExp(`:${b.child.pid}$`));
      assert.equal(typeof status['queue-depth'], 'number');
    });
  });

  test('kill -9 of one worker mid-execution: every event still runs, the interrupted one again on the other worker, marked', async () => {
    await withTwoWorkers(1, async (a, b, shared) => {
      await a.command({ command: 'hook-create', arguments: { template: hookTemplate } });
      const client = new HooklineClient({ socket: b.socket });
      const ids = await Promise.all(Array.from({ length: 6 }, (_, i) => client.publishApiEvent('one.vm.deploy', ['s', i], null, true)));
      await until('worker A to be running a command', async () =>
        (fs.existsSync(shared) && fs.readFileSync(shared, 'utf8').includes(` ${a.child.pid}\n`) ? true : undefined));
      a.child.kill('SIGKILL');
      await a.exited;
      const done = await until('every event to have run', async () => {
        const s = await successes(b);
        return ids.every((id) => s.some((e) => e.eventId === id)) ? s : undefined;
      }, 60_000);
      assert.ok(done.some((e) => e.interrupted), 'the execution A was running is re-run and marked interrupted');
      assert.equal(done.length, ids.length, 'one finished record per event');
    });
  });

  test('per-resource order across workers: after kill -9 of the worker running a VM\'s event, its next event waits for the re-run', async () => {
    await withTwoWorkers(2, async (a, b, shared) => {
      const lines = (): string[][] => (fs.existsSync(shared) ? fs.readFileSync(shared, 'utf8').trim().split('\n').filter(Boolean).map((l) => l.split(' ')) : []);
      await a.command({ command: 'hook-create', arguments: { template: 'NAME = running\nTYPE = state\nRESOURCE = VM\nON = RUNNING\nCOMMAND = rec.sh\n' } });
      const client = new HooklineClient({ socket: a.socket });
      const first = await client.publishStateEvent('VM', 9, 'ACTIVE', 'RUNNING');
      const runner = await until('a worker to start the first event', async () => {
        const line = lines().find(([phase, id]) => phase === 'start' && id === first);
        return line === undefined ? undefined : Number(line[2]);
      });
      const [victim, survivor] = runner === a.child.pid ? [a, b] : [b, a];
      const second = await new HooklineClient({ socket: survivor.socket }).publishStateEvent('VM', 9, 'ACTIVE', 'RUNNING');
      await until('the survivor to hand the second event back while the first is held elsewhere', async () => {
        const status = (await survivor.command({ command: 'status-get' })).arguments as { executions: { deferred: number } };
        return status.executions.deferred > 0 ? true : undefined;
      });
      victim.child.kill('SIGKILL');
      await victim.exited;
      await until('the second event to have run', async () => (lines().some(([phase, id]) => phase === 'end' && id === second) ? true : undefined), 60_000);
      // The victim's command is orphaned by the kill, not killed: it may still write its "end" line (see docs/scale-out.md).
      const seen = lines().map(([phase, id, pid]) => `${phase} ${id} ${pid === String(victim.child.pid) ? 'victim' : 'survivor'}`);
      assert.deepEqual(seen.filter((l) => l.endsWith('survivor')), [`start ${first} survivor`, `end ${first} survivor`, `start ${second} survivor`, `end ${second} survivor`]);
      assert.deepEqual(seen.filter((l) => l.endsWith('victim') && l.startsWith('start')), [`start ${first} victim`]);
      assert.ok(seen.indexOf(`start ${first} victim`) < seen.indexOf(`start ${first} survivor`));
      // The command's last line comes before its record: wait for both records.
      const done = await until('both records', async () => {
        const s = await successes(survivor);
        return s.length >= 2 ? s : undefined;
      });
      assert.deepEqual(done.map((e) => [e.eventId, e.interrupted]).sort(), [[first, true], [second, false]].sort());
    });
  });

  test('a daemon warns at start when max-ack-pending leaves it too little room, and the consumer gets the configured limit', async () => {
    const db = await freshDatabase();
    const names = streams.next();
    const base = scaled(db.url, natsUrl, names);
    const d = await startDaemon({ config: {
      ...base, queue: { ...(base.queue as object), 'max-ack-pending': 100 }, 'hook-execution': { concurrency: 16 },
    } });
    try {
      assert.match(d.output(), /QUEUE_NATS_ACK_PENDING_LOW/);
      assert.match(d.output(), /this daemon alone may hold 112 events/);
      const nc = await streams.connect();
      try {
        const info = await (await nc.jetstreamManager()).consumers.info(names.stream, 'hookline-workers');
        assert.equal(info.config.max_ack_pending, 100);
      } finally {
        await nc.close();
      }
    } finally {
      await d.stop();
      await db.drop();
    }
  });

  test('PostgreSQL briefly unavailable: status-get says so, events wait in the queue, and all run once it is back', async () => {
    const db = await freshDatabase();
    const proxy = await TcpProxy.start(db.url, 5432);
    const d = await startDaemon({ config: scaled(proxy.url) });
    try {
      const shared = path.join(tempDir(), 'ran.txt');
      installRecorder([d], shared);
      await d.command({ command: 'hook-create', arguments: { template: hookTemplate } });
      await proxy.cut();
      const client = new HooklineClient({ socket: d.socket });
      const ids = await Promise.all(Array.from({ length: 5 }, (_, i) => client.publishApiEvent('one.vm.deploy', ['s', i], null, true)));
      const down = await until('status-get to report the store unavailable', async () => {
        const s = (await d.command({ command: 'status-get' })).arguments as Record<string, unknown>;
        return s['store-available'] === false ? s : undefined;
      });
      assert.match(String(down['store-error']), /STORE_/);
      await proxy.restore();
      const done = await until('the queued events to run', async () => {
        const s = await successes(d).catch(() => []);
        return ids.every((id) => s.some((e) => e.eventId === id)) ? s : undefined;
      }, 60_000);
      assert.equal(done.filter((e) => ids.includes(e.eventId)).length, ids.length);
      assert.equal(((await d.command({ command: 'status-get' })).arguments as Record<string, unknown>)['store-available'], true);
    } finally {
      await d.stop();
      await proxy.cut();
      await db.drop();
    }
  });

  test('nats-server restarted while events flow: every acknowledged event runs, and publishers get an error or a retry, never a silent drop', async () => {
    const natsBin = ['/usr/sbin/nats-server', '/usr/bin/nats-server'].find((p) => fs.existsSync(p));
    assert.ok(natsBin, 'nats-server binary not found (.ci/run installs it)');
    const port = await freePort();
    const storeDir = tempDir('hl-nats-');
    const startNats = (): ChildProcess => spawn(natsBin, ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', storeDir], { stdio: 'ignore' });
    const natsUp = async (): Promise<void> => {
      await until('nats-server to listen', async () => new Promise<true | undefined>((resolve) => {
        const s = netModule.connect(port, '127.0.0.1');
        s.once('connect', () => { s.destroy(); resolve(true); });
        s.once('error', () => resolve(undefined));
      }));
    };
    let nats = startNats();
    await natsUp();
    const db = await freshDatabase();
    const d = await startDaemon({ config: scaled(db.url, `nats://127.0.0.1:${port}`, { stream: 'RESTART', subjectPrefix: 'restart.events' }) });
    try {
      const shared = path.join(tempDir(), 'ran.txt');
      installRecorder([d], shared);
      await d.command({ command: 'hook-create', arguments: { template: hookTemplate } });
      const client = new HooklineClient({ socket: d.socket });
      const acked: string[] = [];
      const refused: string[] = [];
      let restarted = false;
      for (let i = 0; i < 60; i++) {
        if (i === 20) {
          nats.kill('SIGTERM');
          await new Promise((r) => nats.once('exit', r));
          restarted = true;
        }
        if (i === 35) {
          nats = startNats();
          await natsUp();
        }
        await client.publishApiEvent('one.vm.deploy', ['s', i], null, true).then((id) => { acked.push(id); }, (err: Error) => { refused.push(err.message); });
      }
      assert.ok(restarted);
      assert.equal(acked.length + refused.length, 60, 'every publish was answered');
      assert.ok(refused.length > 0, 'publishes during the outage were refused, not silently dropped');
      assert.ok(refused.every((m) => /QUEUE_NATS_UNAVAILABLE|unavailable|nats/i.test(m)), refused[0]);
      const done = await until('every acknowledged event to run', async () => {
        const s = await successes(d);
        return acked.every((id) => s.some((e) => e.eventId === id)) ? s : undefined;
      }, 60_000);
      assert.equal(done.length, acked.length);
    } finally {
      await d.stop();
      nats.kill('SIGTERM');
      await db.drop();
    }
  });

  test.after(() => streams.deleteAll());
}
