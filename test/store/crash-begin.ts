/**
 * Child process of the store crash test: creates a hook, begins an execution
 * for event "e1", prints "begun <hookId> <executionId>", then waits to be killed.
 * Usage: node crash-begin.js <database-file>
 */
import { SqliteStore } from '../../src/store/sqlite-store.js';

const store = SqliteStore.open({ path: process.argv[2]! });
const hook = await store.createHook({
  name: 'crashy', type: 'api', command: 'exit-with.sh', arguments: '0', argumentsStdin: false, remote: false, call: 'one.vm.allocate',
  template: { NAME: 'crashy', TYPE: 'api', COMMAND: 'exit-with.sh', ARGUMENTS: '0', CALL: 'one.vm.allocate' },
});
const { record } = await store.beginExecution({
  hookId: hook.id, eventId: 'e1', eventKey: 'EVENT API one.vm.allocate 1', eventDocument: { CALL: 'one.vm.allocate', SUCCESS: true },
  command: 'exit-with.sh', arguments: ['0'], stdin: null, startTime: Date.now(), retry: false,
});
process.stdout.write(`begun ${hook.id} ${record.executionId}\n`);
setInterval(() => {}, 60_000);
