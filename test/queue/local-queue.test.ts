import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { LocalQueue } from '../../src/queue/local-queue.js';
import { SqliteDatabase } from '../../src/store/sqlite-database.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { captureLog } from '../support/log-capture.js';
import { tempDir } from '../support/paths.js';

const dir = tempDir();
let files = 0;
/** A fresh database path; one temporary directory for the whole file. */
const dbFile = (): string => path.join(dir, `db-${files++}.db`);
import { queueContract, apiEvent } from './queue-contract.js';

queueContract('local (SQLite)', async () => LocalQueue.open({ path: dbFile() }));

describe('LocalQueue', () => {
  it('stores the enqueues of one event-loop turn in a single transaction (group commit)', async () => {
    const queue = LocalQueue.open({ path: dbFile() });
    await Promise.all(Array.from({ length: 300 }, (_, i) => queue.enqueue(apiEvent(i))));
    assert.deepEqual(queue.stats, { commits: 1, events: 300 });
    await queue.enqueue(apiEvent(300));
    assert.deepEqual(queue.stats, { commits: 2, events: 301 });
    await queue.close();
  });

  it('commits the acknowledgements of one event-loop turn together', async () => {
    const queue = LocalQueue.open({ path: dbFile() });
    await queue.enqueueMany(Array.from({ length: 50 }, (_, i) => apiEvent(i)));
    const deliveries = await queue.claim('w', 50);
    const before = queue.stats.commits;
    const acked = await Promise.all(deliveries.map((d) => queue.ack(d.deliveryId)));
    assert.ok(acked.every(Boolean));
    assert.equal(queue.stats.commits - before, 1);
    assert.equal(await queue.depth(), 0);
    await queue.close();
  });

  it('redelivers, after a reopen, the events a previous process held and never acknowledged', async () => {
    const file = dbFile();
    const first = LocalQueue.open({ path: file });
    const [a, b] = await first.enqueueMany([apiEvent(1), apiEvent(2)]);
    const [held] = await first.claim('w', 1);
    await first.close();
    const log = captureLog();
    const second = LocalQueue.open({ path: file, logger: log.logger });
    assert.ok(log.has('QUEUE_RECOVERED'));
    const deliveries = await second.claim('w', 10);
    assert.deepEqual(deliveries.map((d) => [d.event.id, d.redelivered]), [[a!.id, true], [b!.id, false]]);
    assert.equal(held!.event.id, a!.id);
    await second.close();
  });

  it('shares one database file with the store', async () => {
    const db = SqliteDatabase.open({ path: dbFile() });
    const store = new SqliteStore(db);
    const queue = new LocalQueue(db);
    db.release();
    await queue.enqueue(apiEvent(1));
    const hook = await store.createHook({ name: 'h', type: 'api', command: 'x', arguments: '', argumentsStdin: false, remote: false, template: {} });
    assert.equal(hook.id, 0);
    assert.equal(await queue.depth(), 1);
    await queue.close();
    await store.close();
    assert.equal(db.isOpen, false);
  });

  it('flushes enqueues already made when it is closed', async () => {
    const file = dbFile();
    const queue = LocalQueue.open({ path: file });
    const pending = queue.enqueue(apiEvent(1));
    await queue.close();
    const accepted = await pending;
    const reopened = LocalQueue.open({ path: file });
    assert.deepEqual((await reopened.claim('w', 1)).map((d) => d.event.id), [accepted.id]);
    await reopened.close();
  });

  it('rejects a malformed delivery id with QUEUE_INVALID_DELIVERY', async () => {
    const queue = LocalQueue.open({ path: dbFile() });
    await assert.rejects(queue.ack('not-a-delivery'), { code: 'QUEUE_INVALID_DELIVERY' });
    await queue.close();
  });

  it('keeps every acknowledged event when the process is killed with SIGKILL mid-stream', async () => {
    const file = dbFile();
    const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'crash-enqueuer.js');
    const child = spawn(process.execPath, [script, file], { stdio: ['ignore', 'pipe', 'inherit'] });
    const acknowledged = new Map<string, number>();
    let buffer = '';
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (chunk: Buffer) => {
        buffer += chunk.toString();
        const lines = buffer.split('\n');
        buffer = lines.pop()!;
        for (const line of lines) {
          const [id, n] = line.split(' ');
          acknowledged.set(id!, Number(n));
        }
        if (acknowledged.size >= 2000 && !child.killed) {
          child.kill('SIGKILL');
          resolve();
        }
      });
    });
    assert.equal(await exited, 'SIGKILL');
    const queue = LocalQueue.open({ path: file });
    const stored = new Map((await queue.claim('check', 1_000_000)).map((d) => [d.event.id, d.event.document.N]));
    await queue.close();
    for (const [id, n] of acknowledged) assert.equal(stored.get(id), n, `acknowledged event ${id} (N=${n}) is missing after the crash`);
    assert.ok(stored.size >= acknowledged.size);
  });
});
