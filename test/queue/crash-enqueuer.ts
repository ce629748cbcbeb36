/**
 * Child process of the queue crash test: enqueues events without pause and
 * prints each acknowledged id on its own line, until it is killed.
 * Usage: node crash-enqueuer.js <database-file>
 */
import { LocalQueue } from '../../src/queue/local-queue.js';

const queue = LocalQueue.open({ path: process.argv[2]!, synchronous: 'FULL' });
let n = 0;

async function round(): Promise<void> {
  const batch = Array.from({ length: 25 }, () => {
    const i = n++;
    return queue.enqueue({ key: 'EVENT API crash.test 1', kind: 'api', document: { N: i } }).then((accepted) => {
      // stdout to a pipe is synchronous on Linux: a printed id has left this process.
      process.stdout.write(`${accepted.id} ${i}\n`);
    });
  });
  await Promise.all(batch);
}

for (;;) await round();
