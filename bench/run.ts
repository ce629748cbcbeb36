/**
 * Runs every benchmark of bench/, one process each (so one's JIT state and
 * garbage never colour another's figures), and prints their tables in turn.
 * `npm run bench` (all) or `npm run bench -- core dynamic` (some).
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const all = ['core', 'dynamic', 'matching', 'dispatch', 'intake', 'daemon', 'scale'];
const chosen = process.argv.slice(2).length > 0 ? process.argv.slice(2) : all;

console.log(`# Hookline benchmarks\n\nnode ${process.version}, ${process.platform}/${process.arch}, ${new Date().toISOString()}\n`);
let failed = 0;
for (const name of chosen) {
  if (!all.includes(name)) {
    console.error(`unknown benchmark "${name}"; choose from ${all.join(', ')}`);
    process.exit(2);
  }
  console.log(`\n## ${name}\n`);
  const r = spawnSync(process.execPath, [path.join(here, `${name}.js`)], { stdio: 'inherit' });
  if (r.status !== 0) {
    failed++;
    console.error(`benchmark ${name} exited with ${r.status ?? r.signal}`);
  }
}
process.exit(failed === 0 ? 0 : 1);
