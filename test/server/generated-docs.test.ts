import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../support/paths.js';
import { runCli } from '../support/daemon-process.js';

for (const [what, file] of [['hooks', 'hooks-api.md'], ['messages', 'messages.md']] as const) {
  test(`docs/${file} is the current output of hookline docs ${what} (regenerate: node dist/src/cli/main.js docs ${what} > docs/${file})`, async () => {
    const r = await runCli(['docs', what]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(fs.readFileSync(path.join(repoRoot, 'docs', file), 'utf8'), r.stdout);
  });
}

test('the hook-point catalogue documents every daemon hook point with its statuses', async () => {
  const r = await runCli(['docs', 'hooks']);
  for (const hook of ['config_applied', 'command_processed', 'event_receive', 'hook_select', 'execution_start', 'execution_finish']) {
    assert.match(r.stdout, new RegExp(`^## ${hook}$`, 'm'), hook);
  }
  assert.match(r.stdout, /\*\*DROP\*\*: the event is rejected/);
});
