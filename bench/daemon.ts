/**
 * The daemon end to end, as applications see it (a real `hookline serve`
 * process, its real sockets):
 *  - intake: events/s acknowledged (stored durably) through the client over
 *    the unix socket, and through POST /events, with many publishes in flight;
 *  - latency from publish to the hook command's start, p50/p99, at 100 events/s
 *    (the command records `$EPOCHREALTIME` as its first act, a bash builtin: no fork).
 * Run: `npm run build && node dist/bench/daemon.js`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { HooklineClient } from '../src/events/client.js';
import { percentile, startBenchDaemon } from './daemon-process.js';

function median(xs: number[]): number {
  return percentile(xs, 50);
}

/** Events/s acknowledged with `inFlight` publishes outstanding at any time. */
async function intakeRate(publish: () => Promise<unknown>, total: number, inFlight: number): Promise<number> {
  let started = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: inFlight }, async () => {
    while (started < total) {
      started++;
      await publish();
    }
  }));
  return total / ((performance.now() - t0) / 1000);
}

async function main(): Promise<void> {
  const port = 20_000 + Math.floor(Math.random() * 10_000);
  const d = await startBenchDaemon({
    'control-sockets': [
      { 'socket-type': 'unix', 'socket-name': './hookline-data/hookline.sock' },
      { 'socket-type': 'http', 'socket-port': port, authentication: { type: 'basic', clients: [{ user: 'bench', password: 'bench' }] } },
    ],
    'hook-execution': { 'log-retention': 100000 },
  });
  try {
    const unix = new HooklineClient({ socket: d.socket });
    const http = new HooklineClient({ url: `http://127.0.0.1:${port}`, user: 'bench', password: 'bench' });
    const doc = (i: number): [string, unknown[], unknown, boolean] => ['one.vm.allocate', ['s', `vm-${i}`], i, true];
    let n = 0;
    // Warm-up, then rounds; events match no hook, so this is intake alone.
    await intakeRate(() => unix.publishApiEvent(...doc(n++)), 2000, 200);
    const rows: Array<[string, number[]]> = [['client, unix socket, 1000 in flight', []], ['client, unix socket, 100 in flight', []],
      ['client over HTTP, 1000 in flight', []], ['client, unix socket, 1 in flight (each awaited)', []]];
    for (let round = 0; round < 5; round++) {
      rows[0]![1].push(await intakeRate(() => unix.publishApiEvent(...doc(n++)), 20_000, 1000));
      rows[1]![1].push(await intakeRate(() => unix.publishApiEvent(...doc(n++)), 10_000, 100));
      rows[2]![1].push(await intakeRate(() => http.publishApiEvent(...doc(n++)), 20_000, 1000));
      rows[3]![1].push(await intakeRate(() => unix.publishApiEvent(...doc(n++)), 300, 1));
    }
    console.log('### Event intake through the daemon (events acknowledged per second, median of 5 rounds)\n');
    console.log('| path | median events/s | min | max |');
    console.log('| --- | ---: | ---: | ---: |');
    for (const [name, xs] of rows) console.log(`| ${name} | ${Math.round(median(xs))} | ${Math.round(Math.min(...xs))} | ${Math.round(Math.max(...xs))} |`);

    // Latency: a hook whose command records when it started.
    const script = path.join(d.dir, 'hooks', 'commands', 'stamp.sh');
    const stamps = path.join(d.dir, 'stamps.txt');
    fs.writeFileSync(script, `#!/bin/bash\necho "$HOOKLINE_EVENT_ID $EPOCHREALTIME" >> ${stamps}\n`, { mode: 0o755 });
    await d.command({ command: 'hook-create', arguments: { template: 'NAME = stamp\nTYPE = api\nCOMMAND = stamp.sh\nCALL = one.vm.poweroff\n' } });
    const published = new Map<string, number>();
    const count = 1000;
    const start = performance.now();
    const pending: Promise<unknown>[] = [];
    for (let i = 0; i < count; i++) {
      const due = start + i * 10; // 100 events/s
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const at = performance.timeOrigin + performance.now(); // epoch ms, sub-ms precision
      pending.push(unix.publishApiEvent('one.vm.poweroff', ['s', i], null, true).then((id) => { published.set(id, at); }));
    }
    await Promise.all(pending);
    for (let i = 0; i < 600; i++) {
      if (fs.existsSync(stamps) && fs.readFileSync(stamps, 'utf8').trim().split('\n').length >= count) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const latencies = fs.readFileSync(stamps, 'utf8').trim().split('\n').map((line) => {
      const [id, t] = line.split(' ');
      return Number(t) * 1000 - published.get(id!)!;
    }).filter((x) => Number.isFinite(x));
    console.log(`\n### Latency from publish to hook command start, ${count} events at 100 events/s\n`);
    console.log('| p50 ms | p90 ms | p99 ms | max ms | events |');
    console.log('| ---: | ---: | ---: | ---: | ---: |');
    console.log(`| ${percentile(latencies, 50).toFixed(1)} | ${percentile(latencies, 90).toFixed(1)} | ${percentile(latencies, 99).toFixed(1)} | ${Math.max(...latencies).toFixed(1)} | ${latencies.length} |`);
  } finally {
    await d.stop();
  }
}

await main();
