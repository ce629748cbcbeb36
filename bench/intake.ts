/**
 * Intake throughput of the local durable queue: events/s accepted (committed)
 * by `LocalQueue`, one at a time and concurrently (group commit), with
 * `synchronous=FULL` (the default) and NORMAL. Also reports how many events
 * shared each commit. Target: 10,000 events/s with concurrent enqueues.
 *
 *   node dist/bench/intake.js [events-per-round=5000] [rounds=5]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runAsyncGroup } from './harness.js';
import { LocalQueue } from '../src/queue/local-queue.js';
import type { HooklineEvent } from '../src/events/event.js';

const perRound = Number(process.argv[2] ?? 5000);
const rounds = Number(process.argv[3] ?? 5);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hookline-intake-'));
process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));

const event: HooklineEvent = {
  key: 'EVENT API one.vm.allocate 1',
  kind: 'api',
  document: { CALL: 'one.vm.allocate', PARAMETERS: ['****', 'NAME=test CPU=1 MEMORY=128', false], RESULT: 42, SUCCESS: true },
};

const queues = {
  FULL: LocalQueue.open({ path: path.join(dir, 'full.db'), synchronous: 'FULL' }),
  NORMAL: LocalQueue.open({ path: path.join(dir, 'normal.db'), synchronous: 'NORMAL' }),
};

/** Sequential: each enqueue awaited before the next, so each pays its own commit. Fewer events: it is slow by design. */
const sequentialCount = Math.max(50, Math.floor(perRound / 20));
async function sequential(q: LocalQueue): Promise<void> {
  for (let i = 0; i < sequentialCount; i++) await q.enqueue(event);
}

/** `clients` publishers, each awaiting its acknowledgement before publishing again. */
async function concurrent(q: LocalQueue, clients: number): Promise<void> {
  let sent = 0;
  const client = async (): Promise<void> => {
    while (sent < perRound) {
      sent++;
      await q.enqueue(event);
    }
  };
  await Promise.all(Array.from({ length: clients }, client));
}

const cases = [
  { name: 'FULL, one at a time', count: sequentialCount, fn: () => sequential(queues.FULL) },
  { name: 'FULL, 100 concurrent clients', count: perRound, fn: () => concurrent(queues.FULL, 100) },
  { name: 'FULL, 1000 concurrent clients', count: perRound, fn: () => concurrent(queues.FULL, 1000) },
  { name: 'NORMAL, one at a time', count: sequentialCount, fn: () => sequential(queues.NORMAL) },
  { name: 'NORMAL, 100 concurrent clients', count: perRound, fn: () => concurrent(queues.NORMAL, 100) },
];

const before = { FULL: queues.FULL.stats, NORMAL: queues.NORMAL.stats };
const results = await runAsyncGroup(cases.map(({ name, fn }) => ({ name, fn })), { ops: 1, rounds });
console.log(`\n### Intake into the local queue, median of ${rounds} rounds\n`);
console.log('| case | events/s | ratio to target 10,000/s |');
console.log('| --- | ---: | ---: |');
results.forEach((r, i) => {
  const perSecond = cases[i]!.count / (r.medianNs / 1e9);
  console.log(`| ${r.name} | ${perSecond.toFixed(0)} | ${(perSecond / 10_000).toFixed(2)} |`);
});
for (const mode of ['FULL', 'NORMAL'] as const) {
  const after = queues[mode].stats;
  const commits = after.commits - before[mode].commits;
  const events = after.events - before[mode].events;
  console.log(`\n${mode}: ${events} events in ${commits} commits (${(events / commits).toFixed(1)} events per commit on average, all cases together)`);
}
await queues.FULL.close();
await queues.NORMAL.close();
