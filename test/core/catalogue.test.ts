import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HooksManager, argument, hooksCatalogueMarkdown } from '../../src/index.js';

test('the catalogue prints each hook with its arguments, description and statuses', () => {
  const hooks = new HooksManager();
  hooks.registerHook('d2_srv_configured', {
    description: 'Called when the server has completed its (re)configuration.',
    arguments: {
      server_config: argument<object>('in', 'Config', 'the parsed configuration'),
      error: argument<string>('out', 'string', 'why the configuration is rejected'),
    },
    statuses: { DROP: 'the server rejects the configuration, using the error argument as the message' },
  });
  hooks.registerHook('plain');
  const md = hooksCatalogueMarkdown(hooks.hookPoints(), { title: 'Hooks of the demo', intro: 'Intro text.' });
  assert.match(md, /^# Hooks of the demo\n\nIntro text\./);
  assert.match(md, /## d2_srv_configured\n\n- \*\*Arguments:\*\*\n  - name: `server_config`, type: `Config`, direction: \*\*in\*\* — the parsed configuration\n  - name: `error`, type: `string`, direction: \*\*out\*\*/);
  assert.match(md, /- \*\*Next step status:\*\*\n  - \*\*DROP\*\*: the server rejects the configuration/);
  assert.match(md, /## plain\n\n- \*\*Arguments:\*\*\n  - none\n- \*\*Description:\*\* \(not documented\)/);
  assert.doesNotMatch(md, /## context_create/);
});
