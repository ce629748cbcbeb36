import assert from 'node:assert/strict';
import { test } from 'node:test';
import { configMessages } from '../../src/config/messages.js';
import { controlMessages } from '../../src/control/messages.js';

test('every control and configuration message has its part prefix, a text and an operator explanation', () => {
  for (const [prefix, catalogue] of [['CTRL_', controlMessages], ['CONFIG_', configMessages]] as const) {
    for (const m of Object.values(catalogue)) {
      assert.ok(m.id.startsWith(prefix), m.id);
      assert.ok(m.text.length > 0, m.id);
      assert.ok(m.explanation.length > 40, `${m.id} needs an explanation an operator can act on`);
    }
  }
});
