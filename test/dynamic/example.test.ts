import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '../support/paths.js';

test('the http timing example of the docs runs and prints a report with its patched query', async () => {
  const script = path.join(repoRoot, 'dist', 'examples', 'dynamic', 'http-timing.js');
  const { stdout } = await promisify(execFile)(process.execPath, [script], { cwd: repoRoot, timeout: 60_000 });
  const json = stdout.slice(stdout.indexOf('{'), stdout.lastIndexOf('}') + 1);
  const report = JSON.parse(json) as { children: { handler: { children: Record<string, unknown> } } };
  assert.deepEqual(Object.keys(report.children.handler.children).sort(), ['auth', 'db.query', 'render']);
  assert.match(stdout, /plain request, x-hookline-request-debug-output: \(none\)/);
});
