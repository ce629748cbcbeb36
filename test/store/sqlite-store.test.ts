import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import Database from 'better-sqlite3';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { SqliteDatabase } from '../../src/store/sqlite-database.js';
import { SQLITE_SCHEMA_VERSION } from '../../src/store/sqlite-schema.js';
import { captureLog } from '../support/log-capture.js';
import { tempDir } from '../support/paths.js';

const dir = tempDir();
let files = 0;
/** A fresh database path; one temporary directory for the whole file. */
const dbFile = (): string => path.join(dir, `db-${files++}.db`);
import { storeContract, hookSpec, newExecution, result } from './store-contract.js';
import { LocalQueue } from '../../src/queue/local-queue.js';

storeContract('SQLite', async ({ defaultLogRetention }) =>
  SqliteStore.open({ path: dbFile(), defaultLogRetention }));

describe('SqliteStore', () => {
  it('keeps hooks and RUNNING records across a reopen of the file', async () => {
    const file = dbFile();
    const first = SqliteStore.open({ path: file });
    const h = await first.createHook(hookSpec('persisted'));
    await first.beginExecution(newExecution(h.id, 'e1'));
    await first.close();
    const second = SqliteStore.open({ path: file });
    assert.equal((await second.getHook(h.id))?.name, 'persisted');
    assert.equal((await second.listInterrupted()).length, 1);
    assert.equal((await second.createHook(hookSpec('next'))).id, 1);
    await second.close();
  });

  it('opens the database in WAL mode at the current schema version and logs it', async () => {
    const file = dbFile();
    const log = captureLog();
    const store = SqliteStore.open({ path: file, logger: log.logger });
    await store.close();
    assert.ok(log.has('STORE_MIGRATED'));
    assert.ok(log.has('STORE_OPENED'));
    const raw = new Database(file, { readonly: true });
    assert.equal(raw.pragma('journal_mode', { simple: true }), 'wal');
    assert.equal(raw.pragma('user_version', { simple: true }), SQLITE_SCHEMA_VERSION);
    raw.close();
  });

  it('upgrades a version-1 file: queued events stay claimable and retention counts the records already there', async () => {
    const file = dbFile();
    const open = (retention: number): { store: SqliteStore; queue: LocalQueue } => {
      const database = SqliteDatabase.open({ path: file });
      const parts = { store: new SqliteStore(database, { defaultLogRetention: retention }), queue: new LocalQueue(database) };
      database.release();
      return parts;
    };
    const before = open(10);
    const h = await before.store.createHook(hookSpec('old'));
    for (let i = 0; i < 5; i++) {
      const { record } = await before.store.beginExecution(newExecution(h.id, `e${i}`));
      await before.store.finishExecution(h.id, record.executionId, result());
    }
    const queued = await before.queue.enqueue({ key: 'EVENT STATE VM/ACTIVE/RUNNING', kind: 'state', document: { RESOURCE: 'VM', ID: 1 } });
    await before.queue.close();
    await before.store.close();
    // Back to the shape version 1 had: no event resource or delay, no finished-record count.
    const raw = new Database(file);
    raw.exec(`DROP INDEX events_by_resource; ALTER TABLE events DROP COLUMN resource; ALTER TABLE events DROP COLUMN available_at;
              DROP TRIGGER executions_finished; DROP TRIGGER executions_inserted_finished; DROP TRIGGER executions_removed_finished;
              ALTER TABLE hooks DROP COLUMN finished_count;`);
    raw.pragma('user_version = 1');
    raw.close();
    const after = open(3);
    try {
      assert.deepEqual((await after.queue.claim('w', 10)).map((d) => d.event.id), [queued.id]);
      const { record } = await after.store.beginExecution(newExecution(h.id, 'e5'));
      await after.store.finishExecution(h.id, record.executionId, result());
      assert.deepEqual((await after.store.queryExecutions({ hookId: h.id })).map((r) => r.executionId), [5, 4, 3]);
    } finally {
      await after.queue.close();
      await after.store.close();
    }
  });

  it('refuses a database written by a newer schema with STORE_SCHEMA_TOO_NEW', () => {
    const file = dbFile();
    const raw = new Database(file);
    raw.pragma(`user_version = ${SQLITE_SCHEMA_VERSION + 1}`);
    raw.close();
    assert.throws(() => SqliteStore.open({ path: file }), { code: 'STORE_SCHEMA_TOO_NEW' });
  });

  it('reports STORE_OPEN_FAILED naming the path when the file cannot be opened', () => {
    const file = path.join(dir, 'missing-dir', 'x.db');
    assert.throws(() => SqliteStore.open({ path: file }), (err: Error & { code?: string }) => {
      assert.equal(err.code, 'STORE_OPEN_FAILED');
      assert.match(err.message, /missing-dir/);
      return true;
    });
  });

  it('refuses calls after close with STORE_CLOSED', async () => {
    const store = SqliteStore.open({ path: dbFile() });
    await store.close();
    await assert.rejects(store.listHooks(), { code: 'STORE_CLOSED' });
  });

  it('keeps a shared database open until its last user releases it', async () => {
    const db = SqliteDatabase.open({ path: dbFile() });
    const a = new SqliteStore(db);
    const b = new SqliteStore(db);
    db.release();
    await a.close();
    assert.equal(db.isOpen, true);
    await b.createHook(hookSpec('still-open'));
    await b.close();
    assert.equal(db.isOpen, false);
  });

  it('rejects a global LOG_RETENTION that is not a positive integer', () => {
    assert.throws(() => SqliteStore.open({ path: dbFile(), defaultLogRetention: 0 }), { code: 'STORE_INVALID_ARGUMENT' });
  });
});
