/**
 * The SQLite schema, as an ordered list of migrations. `PRAGMA user_version`
 * records how many have been applied; each runs in the same transaction as the
 * version bump, so a crash mid-upgrade leaves the previous version intact.
 */

export const SQLITE_MIGRATIONS: readonly string[] = [
  // 1: hooks, the execution log and the local event queue
  `
  CREATE TABLE meta (
    name  TEXT PRIMARY KEY,
    value INTEGER NOT NULL
  );
  INSERT INTO meta (name, value) VALUES ('next_hook_id', 0);

  CREATE TABLE hooks (
    id                INTEGER PRIMARY KEY,
    name              TEXT NOT NULL UNIQUE,
    type              TEXT NOT NULL,
    spec              TEXT NOT NULL,
    locked            INTEGER NOT NULL DEFAULT 0,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,
    next_execution_id INTEGER NOT NULL DEFAULT 0
  );

  CREATE TABLE executions (
    hook_id        INTEGER NOT NULL REFERENCES hooks(id) ON DELETE CASCADE,
    execution_id   INTEGER NOT NULL,
    event_id       TEXT NOT NULL,
    event_key      TEXT NOT NULL,
    event_document TEXT NOT NULL,
    start_time     INTEGER NOT NULL,
    end_time       INTEGER NOT NULL DEFAULT 0,
    command        TEXT NOT NULL,
    arguments      TEXT NOT NULL,
    stdin          TEXT,
    rc             INTEGER NOT NULL DEFAULT -1,
    signal         TEXT,
    stdout         TEXT NOT NULL DEFAULT '',
    stderr         TEXT NOT NULL DEFAULT '',
    truncated      INTEGER NOT NULL DEFAULT 0,
    status         TEXT NOT NULL,
    retry          INTEGER NOT NULL DEFAULT 0,
    interrupted    INTEGER NOT NULL DEFAULT 0,
    UNIQUE (hook_id, execution_id)
  );
  CREATE INDEX executions_by_start ON executions (start_time);
  CREATE UNIQUE INDEX executions_once_per_event ON executions (hook_id, event_id) WHERE retry = 0;
  CREATE INDEX executions_running ON executions (status) WHERE status = 'RUNNING';

  CREATE TABLE events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    key         TEXT NOT NULL,
    kind        TEXT NOT NULL,
    document    TEXT NOT NULL,
    accepted_at INTEGER NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    claimed_by  TEXT,
    claimed_at  INTEGER
  );
  CREATE INDEX events_by_claim ON events (claimed_by, id);
  `,
  // 2: per-resource ordering (the resource an event concerns) and delayed redelivery
  `
  ALTER TABLE events ADD COLUMN resource TEXT;
  ALTER TABLE events ADD COLUMN available_at INTEGER NOT NULL DEFAULT 0;
  CREATE INDEX events_by_resource ON events (resource, id) WHERE resource IS NOT NULL;
  `,
  // 3: each hook's count of finished records, kept by triggers (whatever writes the log), so that
  // retention costs what it removes, not the log's size
  `
  ALTER TABLE hooks ADD COLUMN finished_count INTEGER NOT NULL DEFAULT 0;
  UPDATE hooks SET finished_count = (SELECT count(*) FROM executions e WHERE e.hook_id = hooks.id AND e.status != 'RUNNING');
  CREATE TRIGGER executions_finished AFTER UPDATE OF status ON executions WHEN (OLD.status = 'RUNNING') != (NEW.status = 'RUNNING')
    BEGIN UPDATE hooks SET finished_count = finished_count + (CASE WHEN NEW.status = 'RUNNING' THEN -1 ELSE 1 END) WHERE id = NEW.hook_id; END;
  CREATE TRIGGER executions_inserted_finished AFTER INSERT ON executions WHEN NEW.status != 'RUNNING'
    BEGIN UPDATE hooks SET finished_count = finished_count + 1 WHERE id = NEW.hook_id; END;
  CREATE TRIGGER executions_removed_finished AFTER DELETE ON executions WHEN OLD.status != 'RUNNING'
    BEGIN UPDATE hooks SET finished_count = finished_count - 1 WHERE id = OLD.hook_id; END;
  `,
];

export const SQLITE_SCHEMA_VERSION = SQLITE_MIGRATIONS.length;
