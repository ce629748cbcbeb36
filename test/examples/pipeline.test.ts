import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { repoRoot, tempDir } from '../support/paths.js';

const run = promisify(execFile);
const main = path.join(repoRoot, 'dist', 'examples', 'pipeline', 'main.js');
const exampleDir = path.join(repoRoot, 'examples', 'pipeline');

test('the example pipeline loads its libraries and prints what the callouts did', async () => {
  const { stdout } = await run(process.execPath, [main]);
  assert.match(stdout, /Active libraries: block-list\.mjs, greeting\.mjs, slow-lookup\.mjs/);
  assert.match(stdout, /alice\s+\/orders\s+-> 200 Hello, alice routed to \/teams\/blue\/orders/);
  assert.match(stdout, /mallory\s+\/admin\s+-> 403 user mallory is blocked/);
  assert.match(stdout, /carol\s+\/home\s+-> 200 Hello, carol routed to \/default\/home/);
});

test('the example pipeline names the library and the cause when a mandatory parameter is missing', async () => {
  const config = JSON.parse(fs.readFileSync(path.join(exampleDir, 'pipeline.json'), 'utf8').replace(/^\s*\/\/.*$/gm, ''));
  config['hooks-path'] = path.join(exampleDir, 'hooks');
  delete config['hooks-libraries'][0].parameters;
  const file = path.join(tempDir(), 'broken.json');
  fs.writeFileSync(file, JSON.stringify(config));
  const err = await run(process.execPath, [main, file]).then(() => assert.fail('should exit non-zero'), (e) => e);
  assert.equal(err.code, 1);
  assert.match(err.stderr, /block-list\.mjs: HOOKS_INVALID_PARAMETERS: .*mandatory parameter "blocked" is not set/);
  assert.match(err.stdout, /mallory\s+\/admin\s+-> 200/);
});

test('with --timing the example pipeline prints a nested timing report per request, with callCallouts as a patched phase', async () => {
  const { stdout } = await run(process.execPath, [main, '--timing']);
  const reports = stdout.split('\n').filter((l) => l.startsWith('  timing: ')).map((l) => JSON.parse(l.slice('  timing: '.length)));
  assert.equal(reports.length, 3);
  assert.equal(reports[0].requestId, 'alice');
  assert.equal(reports[0].children.route_selected.children.callouts.count, 1);
  assert.equal(typeof reports[0].children.route_selected.ms, 'number');
  assert.equal(reports[1].children.route_selected, undefined, 'mallory was dropped before routing');
});
