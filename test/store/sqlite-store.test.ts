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
import { storeContract, hookSpec, newExecution } from './store-contract.js';

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
