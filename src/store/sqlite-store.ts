/**
 * The default `Store`: hooks and the execution log in an embedded SQLite
 * database (WAL). Every mutation is one transaction, so a crash leaves each
 * hook and record either fully written or untouched.
 */
import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
import type { ExecutionRecord, Hook, HookSpec } from '../hem/hook.js';
import { logMessage } from '../core/messages.js';
import type { BegunExecution, ExecutionQuery, ExecutionResult, NewExecution, Store } from './store.js';
import {
  ExecutionAlreadyFinishedError, ExecutionNotFoundError, HookLockedError, HookNameTakenError,
  HookNotFoundError, InvalidStoreArgumentError, StoreClosedError,
} from './errors.js';
import { STORE_MESSAGES } from './messages.js';
import { SqliteDatabase, type SqliteDatabaseOptions } from './sqlite-database.js';
import { executionFromRow, hookFromRow, specToJson, type ExecutionRow, type HookRow } from './sqlite-rows.js';
import { checkName, checkRetention, executionQuerySql } from './store-arguments.js';

export interface SqliteStoreOptions {
  /** LOG_RETENTION for hooks that set none: how many finished records each keeps. Default 10, as OpenNebula. */
  defaultLogRetention?: number;
  /** Clock, for tests of timestamps; default `Date.now`. */
  now?: () => number;
}

const HOOK_COLUMNS = 'id, name, spec, locked, created_at, updated_at';

export class SqliteStore implements Store {
  private readonly db: Database.Database;
  private readonly logger: Logger;
  private readonly defaultRetention: number;
  private readonly now: () => number;
  private open = true;

  /** Uses a database that may be shared with a `LocalQueue`; the store keeps its own reference. */
  constructor(private readonly database: SqliteDatabase, options: SqliteStoreOptions = {}) {
    this.defaultRetention = options.defaultLogRetention ?? 10;
    checkRetention(this.defaultRetention, 'defaultLogRetention');
    database.retain();
    this.db = database.connection;
    this.logger = database.logger;
    this.now = options.now ?? Date.now;
  }

  /** Opens a database file of its own. */
  static open(options: SqliteDatabaseOptions & SqliteStoreOptions): SqliteStore {
    const database = SqliteDatabase.open(options);
    try {
      return new SqliteStore(database, options);
    } finally {
      database.release();
    }
  }

  async createHook(spec: HookSpec): Promise<Hook> {
    this.checkOpen();
    checkName(spec.name);
    const now = this.now();
    return this.db.transaction(() => {
      const id = (this.database.statement(`SELECT value FROM meta WHERE name = 'next_hook_id'`).get() as { value: number }).value;
      this.database.statement(`UPDATE meta SET value = value + 1 WHERE name = 'next_hook_id'`).run();
      this.write(spec.name, () => this.database.statement(
        'INSERT INTO hooks (id, name, type, spec, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)',
      ).run(id, spec.name, spec.type, specToJson(spec), now, now));
      return this.requireHook(id);
    }).immediate();
  }

  async getHook(id: number): Promise<Hook | null> {
    this.checkOpen();
    const row = this.database.statement(`SELECT ${HOOK_COLUMNS} FROM hooks WHERE id = ?`).get(id) as HookRow | undefined;
    return row ? hookFromRow(row) : null;
  }

  async getHookByName(name: string): Promise<Hook | null> {
    this.checkOpen();
    const row = this.database.statement(`SELECT ${HOOK_COLUMNS} FROM hooks WHERE name = ?`).get(name) as HookRow | undefined;
    return row ? hookFromRow(row) : null;
  }

  async listHooks(): Promise<Hook[]> {
    this.checkOpen();
    return (this.database.statement(`SELECT ${HOOK_COLUMNS} FROM hooks ORDER BY id`).all() as HookRow[]).map(hookFromRow);
  }

  async updateHook(id: number, spec: HookSpec): Promise<Hook> {
    this.checkOpen();
    checkName(spec.name);
    return this.db.transaction(() => {
      this.requireUnlocked(id, 'update');
      this.write(spec.name, () => this.database.statement('UPDATE hooks SET name = ?, type = ?, spec = ?, updated_at = ? WHERE id = ?')
        .run(spec.name, spec.type, specToJson(spec), this.now(), id));
      return this.requireHook(id);
    }).immediate();
  }

  async renameHook(id: number, name: string): Promise<Hook> {
    this.checkOpen();
    checkName(name);
    return this.db.transaction(() => {
      const hook = this.requireUnlocked(id, 'rename');
      const spec: HookSpec = { ...hook, name, template: { ...hook.template, NAME: name } };
      this.write(name, () => this.database.statement('UPDATE hooks SET name = ?, spec = ?, updated_at = ? WHERE id = ?')
        .run(name, specToJson(spec), this.now(), id));
      return this.requireHook(id);
    }).immediate();
  }

  async deleteHook(id: number): Promise<void> {
    this.checkOpen();
    this.db.transaction(() => {
      this.requireUnlocked(id, 'delete');
      this.database.statement('DELETE FROM executions WHERE hook_id = ?').run(id);
      this.database.statement('DELETE FROM hooks WHERE id = ?').run(id);
    }).immediate();
  }

  async lockHook(id: number): Promise<Hook> {
    return this.setLock(id, true);
  }

  async unlockHook(id: number): Promise<Hook> {
    return this.setLock(id, false);
  }

  async beginExecution(e: NewExecution): Promise<BegunExecution> {
    this.checkOpen();
    return this.db.transaction((): BegunExecution => {
      this.requireHook(e.hookId);
      if (!e.retry) {
        const existing = this.database.statement('SELECT * FROM executions WHERE hook_id = ? AND event_id = ? AND retry = 0')
          .get(e.hookId, e.eventId) as ExecutionRow | undefined;
        if (existing && existing.status !== 'RUNNING') return { record: executionFromRow(existing), state: 'finished' };
        if (existing) {
          this.database.statement(`UPDATE executions SET interrupted = 1, start_time = ?, command = ?, arguments = ?, stdin = ?
                           WHERE hook_id = ? AND execution_id = ?`)
            .run(e.startTime, e.command, JSON.stringify(e.arguments), e.stdin, e.hookId, existing.execution_id);
          logMessage(this.logger, STORE_MESSAGES.STORE_EXECUTION_RESUMED, { hookId: e.hookId, executionId: existing.execution_id, eventId: e.eventId });
          return { record: this.requireExecution(e.hookId, existing.execution_id), state: 'resumed' };
        }
      }
      const { next_execution_id: executionId } = this.database.statement('SELECT next_execution_id FROM hooks WHERE id = ?')
        .get(e.hookId) as { next_execution_id: number };
      this.database.statement('UPDATE hooks SET next_execution_id = next_execution_id + 1 WHERE id = ?').run(e.hookId);
      this.database.statement(`INSERT INTO executions (hook_id, execution_id, event_id, event_key, event_document, start_time,
                         command, arguments, stdin, status, retry) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'RUNNING', ?)`)
        .run(e.hookId, executionId, e.eventId, e.eventKey, JSON.stringify(e.eventDocument), e.startTime,
          e.command, JSON.stringify(e.arguments), e.stdin, e.retry ? 1 : 0);
      return { record: this.requireExecution(e.hookId, executionId), state: 'new' };
    }).immediate();
  }

  async finishExecution(hookId: number, executionId: number, r: ExecutionResult): Promise<ExecutionRecord> {
    this.checkOpen();
    if ((r.status as string) === 'RUNNING') throw new InvalidStoreArgumentError('finishExecution needs a final status, not RUNNING');
    return this.db.transaction(() => {
      const current = this.requireExecution(hookId, executionId);
      if (current.status !== 'RUNNING') throw new ExecutionAlreadyFinishedError(hookId, executionId);
      this.database.statement(`UPDATE executions SET status = ?, rc = ?, signal = ?, stdout = ?, stderr = ?, truncated = ?, end_time = ?
                       WHERE hook_id = ? AND execution_id = ?`)
        .run(r.status, r.rc, r.signal, r.stdout, r.stderr, r.truncated ? 1 : 0, r.endTime, hookId, executionId);
      // Read before retention: an older execution finishing last may be the one retention removes.
      const finished = this.requireExecution(hookId, executionId);
      this.applyRetention(hookId);
      return finished;
    }).immediate();
  }

  async getExecution(hookId: number, executionId: number): Promise<ExecutionRecord | null> {
    this.checkOpen();
    const row = this.database.statement('SELECT * FROM executions WHERE hook_id = ? AND execution_id = ?')
      .get(hookId, executionId) as ExecutionRow | undefined;
    return row ? executionFromRow(row) : null;
  }

  async queryExecutions(q: ExecutionQuery = {}): Promise<ExecutionRecord[]> {
    this.checkOpen();
    const { sql, params } = executionQuerySql(q, () => '?');
    return (this.database.statement(sql).all(...params) as ExecutionRow[]).map(executionFromRow);
  }

  async listInterrupted(): Promise<ExecutionRecord[]> {
    this.checkOpen();
    return (this.database.statement(`SELECT * FROM executions WHERE status = 'RUNNING' ORDER BY start_time, hook_id, execution_id`)
      .all() as ExecutionRow[]).map(executionFromRow);
  }

  async close(): Promise<void> {
    if (!this.open) return;
    this.open = false;
    this.database.release();
  }

  /** Called once per record finished, in the transaction that finishes it. */
  private applyRetention(hookId: number): void {
    const hook = this.requireHook(hookId);
    const retention = hook.logRetention ?? this.defaultRetention;
    // The newest `retention` finished records stay. The hook row counts its finished records (kept by
    // triggers), so only the oldest beyond that are read: the cost follows what is removed, not the log's size.
    const { finished } = this.database.statement('SELECT finished_count AS finished FROM hooks WHERE id = ?').get(hookId) as { finished: number };
    if (finished <= retention) return;
    const { changes } = this.database.statement(`
      DELETE FROM executions WHERE hook_id = ? AND execution_id IN (
        SELECT execution_id FROM executions WHERE hook_id = ? AND status != 'RUNNING' ORDER BY execution_id LIMIT ?)`)
      .run(hookId, hookId, finished - retention);
    if (changes > 0) logMessage(this.logger, STORE_MESSAGES.STORE_RETENTION_APPLIED, { hookId, removed: changes, retention });
  }

  private async setLock(id: number, locked: boolean): Promise<Hook> {
    this.checkOpen();
    return this.db.transaction(() => {
      this.requireHook(id);
      this.database.statement('UPDATE hooks SET locked = ?, updated_at = ? WHERE id = ?').run(locked ? 1 : 0, this.now(), id);
      return this.requireHook(id);
    }).immediate();
  }

  /** Runs a write that may hit the unique name index, turning that into the typed error. */
  private write(name: string, run: () => unknown): void {
    try {
      run();
    } catch (err) {
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') throw new HookNameTakenError(name, { cause: err });
      throw err;
    }
  }

  private requireHook(id: number): Hook {
    const row = this.database.statement(`SELECT ${HOOK_COLUMNS} FROM hooks WHERE id = ?`).get(id) as HookRow | undefined;
    if (!row) throw new HookNotFoundError(id);
    return hookFromRow(row);
  }

  private requireUnlocked(id: number, operation: string): Hook {
    const hook = this.requireHook(id);
    if (hook.locked) throw new HookLockedError(id, operation);
    return hook;
  }

  private requireExecution(hookId: number, executionId: number): ExecutionRecord {
    const row = this.database.statement('SELECT * FROM executions WHERE hook_id = ? AND execution_id = ?')
      .get(hookId, executionId) as ExecutionRow | undefined;
    if (!row) throw new ExecutionNotFoundError(hookId, executionId);
    return executionFromRow(row);
  }

  private checkOpen(): void {
    if (!this.open) throw new StoreClosedError(`store on ${this.database.path}`);
  }
}
