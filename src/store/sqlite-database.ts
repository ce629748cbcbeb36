/**
 * One SQLite database file shared by the store and the local queue. It is
 * opened in WAL mode with the chosen `synchronous` level, migrated to the
 * current schema, and closed when the last user releases it.
 *
 * Durability: `synchronous=FULL` (the default) fsyncs the WAL at every commit,
 * so an acknowledged event or finished record survives a power loss; the
 * queue's group commit pays that fsync once per batch. `NORMAL` survives a
 * process crash (kill -9) but may lose the last commits on power loss.
 */
import Database from 'better-sqlite3';
import type { Logger } from 'pino';
import { silentLogger } from '../core/logger.js';
import { logMessage } from '../core/messages.js';
import { StoreClosedError, StoreOpenError, StoreSchemaTooNewError } from './errors.js';
import { STORE_MESSAGES } from './messages.js';
import { SQLITE_MIGRATIONS, SQLITE_SCHEMA_VERSION } from './sqlite-schema.js';

export type SqliteSynchronous = 'FULL' | 'NORMAL';

export interface SqliteDatabaseOptions {
  /** File path; created when missing. */
  path: string;
  /** Default FULL: see the class comment. */
  synchronous?: SqliteSynchronous;
  /** How long a writer waits for another process's lock before failing. Default 5000. */
  busyTimeoutMs?: number;
  logger?: Logger;
}

export class SqliteDatabase {
  readonly path: string;
  readonly logger: Logger;
  readonly connection: Database.Database;
  private users = 1;
  private readonly statements = new Map<string, Database.Statement>();

  private constructor(path: string, connection: Database.Database, logger: Logger) {
    this.path = path;
    this.connection = connection;
    this.logger = logger;
  }

  /** Opens (creating and migrating as needed). The caller holds one reference; see `retain`/`release`. */
  static open(options: SqliteDatabaseOptions): SqliteDatabase {
    const logger = options.logger ?? silentLogger();
    const synchronous = options.synchronous ?? 'FULL';
    let connection: Database.Database;
    try {
      connection = new Database(options.path, { timeout: options.busyTimeoutMs ?? 5000 });
    } catch (err) {
      throw new StoreOpenError(options.path, (err as Error).message, { cause: err });
    }
    try {
      const journalMode = connection.pragma('journal_mode = WAL', { simple: true });
      if (String(journalMode).toLowerCase() !== 'wal') {
        throw new StoreOpenError(options.path, `the journal mode could not be set to WAL (got ${String(journalMode)})`);
      }
      connection.pragma(`synchronous = ${synchronous}`);
      connection.pragma('foreign_keys = ON');
      const version = migrate(connection, options.path, logger);
      logMessage(logger, STORE_MESSAGES.STORE_OPENED, { path: options.path, journalMode, synchronous, version });
    } catch (err) {
      connection.close();
      if (err instanceof StoreSchemaTooNewError || err instanceof StoreOpenError) throw err;
      throw new StoreOpenError(options.path, (err as Error).message, { cause: err });
    }
    return new SqliteDatabase(options.path, connection, logger);
  }

  /** A prepared statement, compiled once per connection. */
  statement(sql: string): Database.Statement {
    let stmt = this.statements.get(sql);
    if (stmt === undefined) {
      stmt = this.connection.prepare(sql);
      this.statements.set(sql, stmt);
    }
    return stmt;
  }

  get isOpen(): boolean {
    return this.users > 0;
  }

  /** Another user (a store, a queue) keeps the database open until it calls `release`. */
  retain(): this {
    if (this.users === 0) throw new StoreClosedError(`database ${this.path}`);
    this.users += 1;
    return this;
  }

  /** Drops one reference; the last one closes the file. */
  release(): void {
    if (this.users === 0) return;
    this.users -= 1;
    if (this.users === 0) {
      this.connection.close();
      logMessage(this.logger, STORE_MESSAGES.STORE_CLOSED, { path: this.path });
    }
  }
}

function migrate(db: Database.Database, path: string, logger: Logger): number {
  const from = db.pragma('user_version', { simple: true }) as number;
  if (from > SQLITE_SCHEMA_VERSION) throw new StoreSchemaTooNewError(path, from, SQLITE_SCHEMA_VERSION);
  if (from === SQLITE_SCHEMA_VERSION) return from;
  // IMMEDIATE: two processes opening a fresh file at once must not both migrate.
  db.transaction(() => {
    const current = db.pragma('user_version', { simple: true }) as number;
    for (let v = current; v < SQLITE_SCHEMA_VERSION; v++) db.exec(SQLITE_MIGRATIONS[v]!);
    db.pragma(`user_version = ${SQLITE_SCHEMA_VERSION}`);
  }).immediate();
  logMessage(logger, STORE_MESSAGES.STORE_MIGRATED, { path, from, to: SQLITE_SCHEMA_VERSION });
  return SQLITE_SCHEMA_VERSION;
}
