/**
 * Dispatch throughput: executions of `/bin/true` through the executor and the
 * execution pool, against a bare `child_process.spawn` loop at the same
 * concurrency, with the same argv. Rounds are interleaved (harness.ts) and
 * the figure is the median rate. Target: executor + pool at least 0.9x the
 * bare loop. Two more baselines isolate what the executor must do anyway:
 * read stdout/stderr to EOF, and run the command in its own process group.
 *
 *   node dist/bench/dispatch.js [concurrency=4] [executions-per-round=150] [rounds=15]
 */
import { spawn, type StdioOptions } from 'node:child_process';
import os from 'node:os';
import { runAsyncGroup } from './harness.js';
import { ExecutionPool } from '../src/hem/execution-pool.js';
import { Executor, type ExecutableHook } from '../src/hem/executor.js';
import { encodeDocument } from '../src/hem/command-line.js';

const concurrency = Number(process.argv[2] ?? 4);
const perRound = Number(process.argv[3] ?? 150);
const rounds = Number(process.argv[4] ?? 15);

const document = { RESOURCE: 'VM', ID: 1, STATE: 'ACTIVE', LCM_STATE: 'RUNNING' };

function spawnOnce(stdio: StdioOptions, readOutput: boolean, detached: boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    // The same argv as the hook gets ($API): GNU true initialises its locale when given one argument.
    const child = spawn('/bin/true', [encodeDocument(document)], { stdio, detached });
    if (readOutput) {
      child.stdout!.on('data', () => {});
      child.stderr!.on('data', () => {});
    }
    child.on('error', reject);
    child.on('close', () => resolve());
  });
}

/** `concurrency` loops, each spawning and awaiting one process at a time, until `perRound` have run. */
async function bareLoop(stdio: StdioOptions, readOutput = false, detached = false): Promise<void> {
  let started = 0;
  const worker = async (): Promise<void> => {
    while (started < perRound) {
      started++;
      await spawnOnce(stdio, readOutput, detached);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

const executor = new Executor({ hookBasePath: os.tmpdir() });
const hook: ExecutableHook = { id: 0, name: 'bench', command: '/bin/true', arguments: '$API', argumentsStdin: false, remote: false };

async function throughPool(): Promise<void> {
  const pool = new ExecutionPool({ concurrency });
  const all: Promise<unknown>[] = [];
  for (let i = 0; i < perRound; i++) {
    const event = { id: String(i), key: 'EVENT STATE VM/ACTIVE/RUNNING', document: { ...document, ID: i } };
    all.push(pool.submit(`0/VM/${i}`, async () => {
      const outcome = await executor.run(await executor.plan(hook, event));
      if (outcome.status !== 'SUCCESS') throw new Error(`bench execution failed: ${outcome.stderr}`);
    }));
  }
  await Promise.all(all);
}

const results = await runAsyncGroup([
  { name: 'bare spawn (default stdio pipes)', fn: () => bareLoop('pipe') },
  { name: 'bare spawn (stdio ignored)', fn: () => bareLoop('ignore') },
  // What capturing output costs by itself: reading stdout/stderr to EOF takes event-loop turns after exit.
  { name: 'bare spawn reading stdout/stderr', fn: () => bareLoop('pipe', true) },
  // What a process group costs by itself: detached means setsid(), a new scheduler autogroup where autogroups are on.
  { name: 'bare spawn reading output, detached', fn: () => bareLoop('pipe', true, true) },
  { name: 'executor + pool', fn: throughPool },
], { ops: 1, rounds });

const baseline = results[0]!;
const floor = results[3]!;
const rate = (ns: number): number => perRound / (ns / 1e9);
console.log(`\n### Dispatch of /bin/true, concurrency ${concurrency}, ${perRound} executions per round, median of ${rounds} rounds (${os.cpus().length} CPUs)\n`);
console.log('| case | executions/s | rate ratio to bare spawn | rate ratio to bare spawn reading output, detached |');
console.log('| --- | ---: | ---: | ---: |');
for (const r of results) {
  console.log(`| ${r.name} | ${rate(r.medianNs).toFixed(0)} | ${(baseline.medianNs / r.medianNs).toFixed(2)} | ${(floor.medianNs / r.medianNs).toFixed(2)} |`);
}
