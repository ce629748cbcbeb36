/** Starts a real `hookline serve` for a benchmark and stops it, removing its directory. */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sendUnixCommand, type CommandRequest, type CommandResponse } from '../src/control/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const cli = path.resolve(here, '..', 'src', 'cli', 'main.js');
/** Libraries and scripts benchmarks copy into a daemon's hooks directory (source tree, not dist). */
export const benchFixtures = path.resolve(here, '..', '..', 'bench', 'fixtures');

export interface BenchDaemon {
  dir: string;
  socket: string;
  pid: number;
  command(request: CommandRequest): Promise<CommandResponse>;
  stop(): Promise<void>;
}

export async function startBenchDaemon(hookline: Record<string, unknown>, libraries: string[] = []): Promise<BenchDaemon> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hookline-bench-'));
  fs.mkdirSync(path.join(dir, 'hooks', 'commands'), { recursive: true });
  for (const lib of libraries) fs.copyFileSync(path.join(benchFixtures, lib), path.join(dir, 'hooks', lib));
  fs.writeFileSync(path.join(dir, 'hookline.json'), JSON.stringify({ Hookline: {
    events: { publisher: { bind: 'tcp://127.0.0.1:0' } },
    loggers: [{ name: 'hookline', severity: 'WARN', output: 'stderr' }],
    ...hookline,
  } }));
  const child = spawn(process.execPath, [cli, 'serve', '-c', 'hookline.json'], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
  const socket = path.join(dir, 'hookline-data', 'hookline.sock');
  for (let i = 0; i < 300; i++) {
    try {
      if ((await sendUnixCommand(socket, { command: 'version-get' }, { timeoutMs: 1000 })).result === 0) break;
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    dir, socket, pid: child.pid!,
    command: (request) => sendUnixCommand(socket, request),
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}
