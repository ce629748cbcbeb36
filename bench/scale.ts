/**
 * Scale-out, measured with real daemons: SQLite + local queue (one daemon)
 * beside PostgreSQL + NATS JetStream with one and with two workers.
 *  - throughput on an in-process workload: every execution is recorded as
 *    SKIPPED by an execution_start callout, so what is measured is queue,
 *    store and matching, not process creation; once with calls that concern
 *    no object, once with calls on 100 VMs, whose executions are kept in
 *    order per VM (a look at the queue per event, and events parked while
 *    another worker runs an earlier event of their VM);
 *  - latency from publish to hook command start at 100 events/s (a real
 *    command recording `$EPOCHREALTIME`).
 * Needs PostgreSQL (HOOKLINE_TEST_PG_URL, default postgres://postgres@127.0.0.1:5432/test)
 * and nats-server with JetStream (HOOKLINE_TEST_NATS_URL, default nats://127.0.0.1:4222).
 * Run: `npm run build && node dist/bench/scale.js [part of a setup's name, e.g. sqlite]`.
 */
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { connect } from 'nats';
import { HooklineClient } from '../src/events/client.js';
import { percentile, startBenchDaemon, type BenchDaemon } from './daemon-process.js';

const PG = process.env.HOOKLINE_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const NATS = process.env.HOOKLINE_TEST_NATS_URL ?? 'nats://127.0.0.1:4222';
const EVENTS = 1500;
/** Hooks every event fires: executions of one hook serialise on its row in PostgreSQL, so one hook alone cannot scale. */
const HOOKS = 4;
/** Throughput rounds: calls that concern no object, then calls on many VMs, then on few (each VM's executions of a hook run in event order). */
const ROUNDS: Array<{ label: string; vms: number | null }> = [
  { label: 'no object', vms: null }, { label: '100 VMs', vms: 100 }, { label: '8 VMs', vms: 8 },
];
/** The latency run's calls name one of this many VMs. */
const VMS = 100;

async function admin(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: PG });
  await c.connect();
  try { await c.query(sql); } finally { await c.end(); }
}

interface Setup { name: string; workers: number; config: () => Promise<{ hookline: Record<string, unknown>; cleanup(): Promise<void> }> }

let n = 0;
const only = process.argv[2];
const setups: Setup[] = [
  { name: 'SQLite + local queue, 1 daemon', workers: 1, config: async () => ({ hookline: {}, cleanup: async () => undefined }) },
  ...[1, 2].map((workers): Setup => ({
    name: `PostgreSQL + NATS JetStream, ${workers} worker${workers > 1 ? 's' : ''}`,
    workers,
    config: async () => {
      const db = `hookline_bench_${process.pid}_${n++}`;
      await admin(`CREATE DATABASE ${db}`);
      const url = new URL(PG);
      url.pathname = `/${db}`;
      const stream = `HOOKLINE_BENCH_${process.pid}_${n}`;
      return {
        hookline: {
          store: { type: 'postgresql', url: url.toString() },
          queue: { type: 'nats', servers: [NATS], stream, 'subject-prefix': `bench${process.pid}_${n}.events` },
        },
        cleanup: async () => {
          await admin(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
          const nc = await connect({ servers: NATS });
          await (await nc.jetstreamManager()).streams.delete(stream).catch(() => false);
          await nc.close();
        },
      };
    },
  })),
];

async function executed(daemons: BenchDaemon[], statistic: string): Promise<number> {
  let sum = 0;
  for (const d of daemons) {
    const r = await d.command({ command: 'statistic-get', arguments: { name: statistic } });
    sum += ((r.arguments as Record<string, Array<[number, string]>>)[statistic]?.[0]?.[0]) ?? 0;
  }
  return sum;
}

async function run(setup: Setup): Promise<{ rates: number[]; deferred: number; p50: number; p99: number }> {
  const { hookline, cleanup } = await setup.config();
  const config = { ...hookline, 'hooks-libraries': [{ library: 'skip-commands.mjs' }, { library: 'stats-commands' }], 'hook-execution': { concurrency: 8, 'log-retention': 100 } };
  const daemons: BenchDaemon[] = [];
  try {
    for (let w = 0; w < setup.workers; w++) daemons.push(await startBenchDaemon(config, ['skip-commands.mjs']));
    const first = daemons[0]!;
    for (let h = 0; h < HOOKS; h++) {
      await first.command({ command: 'hook-create', arguments: { template: `NAME = work${h}\nTYPE = api\nCOMMAND = none.sh\nCALL = one.vm.deploy\n` } });
    }
    // Throughput: publish through every daemon's client, wait until every execution is recorded; one
    // round per entry of ROUNDS.
    const clients = daemons.map((d) => new HooklineClient({ socket: d.socket }));
    const rates: number[] = [];
    for (const [round, { vms }] of ROUNDS.entries()) {
      const object = (i: number): { ID: number } | undefined => (vms === null ? undefined : { ID: i % vms });
      const t0 = performance.now();
      let inFlight: Promise<unknown>[] = [];
      for (let i = 0; i < EVENTS; i++) {
        inFlight.push(clients[i % clients.length]!.publishApiEvent('one.vm.deploy', ['s', i], null, true, object(i)));
        if (inFlight.length >= 500) { await Promise.all(inFlight); inFlight = []; }
      }
      await Promise.all(inFlight);
      const goal = (round + 1) * EVENTS * HOOKS;
      for (let i = 0; i < 2400 && (await executed(daemons, 'executions-skipped')) < goal; i++) await new Promise((r) => setTimeout(r, 50));
      rates.push((EVENTS * HOOKS) / ((performance.now() - t0) / 1000));
    }
    let deferred = 0;
    for (const d of daemons) deferred += ((await d.command({ command: 'status-get' })).arguments as { executions: { deferred: number } }).executions.deferred;
    // Latency: a real command on a second hook, 300 events at 100 events/s.
    const stamps = path.join(first.dir, 'stamps.txt');
    for (const d of daemons) {
      fs.writeFileSync(path.join(d.dir, 'hooks', 'commands', 'stamp.sh'), `#!/bin/bash\necho "$HOOKLINE_EVENT_ID $EPOCHREALTIME" >> ${stamps}\n`, { mode: 0o755 });
    }
    // The skip library skips every command: reload without it on each daemon for the latency run.
    for (const d of daemons) {
      const running = (await d.command({ command: 'config-get' })).arguments as { Hookline: Record<string, unknown> };
      await d.command({ command: 'config-set', arguments: { Hookline: { ...running.Hookline, 'hooks-libraries': [{ library: 'stats-commands' }] } } });
    }
    await first.command({ command: 'hook-create', arguments: { template: 'NAME = stamp\nTYPE = api\nCOMMAND = stamp.sh\nCALL = one.vm.poweroff\n' } });
    const published = new Map<string, number>();
    const count = 300;
    const start = performance.now();
    const pending: Promise<unknown>[] = [];
    for (let i = 0; i < count; i++) {
      const wait = start + i * 10 - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const at = performance.timeOrigin + performance.now();
      pending.push(clients[i % clients.length]!.publishApiEvent('one.vm.poweroff', ['s', i], null, true, { ID: i % VMS }).then((id) => { published.set(id, at); }));
    }
    await Promise.all(pending);
    for (let i = 0; i < 600; i++) {
      if (fs.existsSync(stamps) && fs.readFileSync(stamps, 'utf8').trim().split('\n').length >= count) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const latencies = fs.readFileSync(stamps, 'utf8').trim().split('\n')
      .map((line) => { const [id, t] = line.split(' '); return Number(t) * 1000 - published.get(id!)!; })
      .filter((x) => Number.isFinite(x));
    return { rates, deferred, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
  } finally {
    for (const d of daemons) await d.stop();
    await cleanup();
  }
}

console.log(`### Scale-out: ${EVENTS} events × ${HOOKS} hooks, in-process workload (commands skipped), then latency at 100 events/s\n`);
console.log(`| setup | ${ROUNDS.map((r) => `executions/s, ${r.label} | ratio`).join(' | ')} | events that waited | publish → command start p50 ms | p99 ms |`);
console.log(`| --- | ${ROUNDS.map(() => '---: | ---:').join(' | ')} | ---: | ---: | ---: |`);
let base: number[] = [];
for (const setup of setups.filter((x) => only === undefined || x.name.toLowerCase().includes(only.toLowerCase()))) {
  const r = await run(setup);
  if (base.length === 0) base = r.rates;
  const cells = r.rates.map((rate, i) => `${Math.round(rate)} | ${(rate / base[i]!).toFixed(2)}`);
  console.log(`| ${setup.name} | ${cells.join(' | ')} | ${r.deferred} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} |`);
}
