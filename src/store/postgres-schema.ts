/**
 * The PostgreSQL schema, as an ordered list of migrations, and the one routine
 * that applies them. The table `schema_version` records how many have run.
 *
 * Safe when several daemons start at once: the whole upgrade runs in one
 * transaction that first takes a transaction-scoped advisory lock keyed on the
 * schema name, so one daemon migrates and the others wait, then find the
 * schema current. A crash mid-upgrade rolls back to the previous version.
 */
import type pg from 'pg';
import { StoreSchemaTooNewError } from './errors.js';

export const POSTGRES_MIGRATIONS: readonly string[] = [
  // 1: hooks and the execution log (the queue lives in NATS JetStream). Command
  // input and output are UTF-8 in bytea: text columns refuse NUL, which a
  // command may well print, and SQLite keeps it.
  `
  CREATE TABLE meta (
    name  text PRIMARY KEY,
    value bigint NOT NULL
  );
  INSERT INTO meta (name, value) VALUES ('next_hook_id', 0);

  CREATE TABLE hooks (
    id                integer PRIMARY KEY,
    name              text NOT NULL UNIQUE,
    type              text NOT NULL,
    spec              json NOT NULL,
    locked            boolean NOT NULL DEFAULT false,
    created_at        bigint NOT NULL,
    updated_at        bigint NOT NULL,
    next_execution_id integer NOT NULL DEFAULT 0
  );

  CREATE TABLE executions (
    hook_id        integer NOT NULL REFERENCES hooks(id) ON DELETE CASCADE,
    execution_id   integer NOT NULL,
    event_id       text NOT NULL,
    event_key      text NOT NULL,
    event_document json NOT NULL,
    start_time     bigint NOT NULL,
    end_time       bigint NOT NULL DEFAULT 0,
    command        text NOT NULL,
    arguments      json NOT NULL,
    stdin          bytea,
    rc             integer NOT NULL DEFAULT -1,
    signal         text,
    stdout         bytea NOT NULL DEFAULT '',
    stderr         bytea NOT NULL DEFAULT '',
    truncated      boolean NOT NULL DEFAULT false,
    status         text NOT NULL CHECK (status IN ('RUNNING', 'SUCCESS', 'ERROR', 'TIMEOUT', 'SKIPPED')),
    retry          boolean NOT NULL DEFAULT false,
    interrupted    boolean NOT NULL DEFAULT false,
    PRIMARY KEY (hook_id, execution_id)
  );
  CREATE INDEX executions_by_start ON executions (start_time);
  CREATE UNIQUE INDEX executions_once_per_event ON executions (hook_id, event_id) WHERE NOT retry;
  CREATE INDEX executions_running ON executions (start_time, hook_id, execution_id) WHERE status = 'RUNNING';
  `,
  // 2: a revision of the hook definitions, bumped in the same transaction as any
  // change a daemon would have to see (not by execution-id allocation), so every
  // daemon sharing the store can tell, with one read, that its hook index is stale.
  `
  INSERT INTO meta (name, value) VALUES ('hooks_revision', 0);
  CREATE FUNCTION bump_hooks_revision() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    UPDATE meta SET value = value + 1 WHERE name = 'hooks_revision';
    RETURN NULL;
  END
  $$;
  CREATE TRIGGER hooks_added_or_removed AFTER INSERT OR DELETE ON hooks
    FOR EACH ROW EXECUTE FUNCTION bump_hooks_revision();
  CREATE TRIGGER hooks_redefined AFTER UPDATE ON hooks
    FOR EACH ROW WHEN (OLD.spec::text IS DISTINCT FROM NEW.spec::text OR OLD.name IS DISTINCT FROM NEW.name OR OLD.locked IS DISTINCT FROM NEW.locked)
    EXECUTE FUNCTION bump_hooks_revision();
  `,
  // 3: each hook's count of finished records, kept by a trigger (so also while daemons of the
  // previous version still write the log during a rolling upgrade), so that retention costs what it
  // removes, not the log's size
  `
  ALTER TABLE hooks ADD COLUMN finished_count bigint NOT NULL DEFAULT 0;
  UPDATE hooks SET finished_count = (SELECT count(*) FROM executions e WHERE e.hook_id = hooks.id AND e.status <> 'RUNNING');
  CREATE FUNCTION count_finished_executions() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
  BEGIN
    IF TG_OP = 'DELETE' THEN
      IF OLD.status <> 'RUNNING' THEN UPDATE hooks SET finished_count = finished_count - 1 WHERE id = OLD.hook_id; END IF;
    ELSIF TG_OP = 'INSERT' THEN
      IF NEW.status <> 'RUNNING' THEN UPDATE hooks SET finished_count = finished_count + 1 WHERE id = NEW.hook_id; END IF;
    ELSIF (OLD.status = 'RUNNING') <> (NEW.status = 'RUNNING') THEN
      UPDATE hooks SET finished_count = finished_count + (CASE WHEN NEW.status = 'RUNNING' THEN -1 ELSE 1 END) WHERE id = NEW.hook_id;
    END IF;
    RETURN NULL;
  END
  $$;
  CREATE TRIGGER executions_finished_count AFTER INSERT OR DELETE OR UPDATE OF status ON executions
    FOR EACH ROW EXECUTE FUNCTION count_finished_executions();
  -- Trigger functions find their tables in this schema whatever the search_path of the session
  -- that fires them (psql, another tool, a daemon with another schema setting).
  ALTER FUNCTION bump_hooks_revision() SET search_path FROM CURRENT;
  `,
];

export const POSTGRES_SCHEMA_VERSION = POSTGRES_MIGRATIONS.length;

/** A schema name that needs no quoting, so it can go into `search_path` as is. */
export const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export interface Migration {
  from: number;
  to: number;
}

/**
 * Creates the schema when missing and brings it to `POSTGRES_SCHEMA_VERSION`.
 * The client's `search_path` must already name `schema`. Throws
 * `StoreSchemaTooNewError` for a schema written by a newer Hookline.
 */
export async function migrate(client: pg.ClientBase, schema: string, where: string): Promise<Migration> {
  await client.query('BEGIN');
  try {
    await client.query(`SELECT pg_advisory_xact_lock(hashtext('hookline.migrate.' || $1::text))`, [schema]);
    // Checked first: CREATE SCHEMA needs a privilege that a role using an existing schema may lack.
    const { rows: [found] } = await client.query<{ oid: string | null }>('SELECT to_regnamespace($1)::oid AS oid', [schema]);
    if (found?.oid === null) await client.query(`CREATE SCHEMA ${schema}`);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_version (
      singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
      version   integer NOT NULL)`);
    await client.query('INSERT INTO schema_version (version) VALUES (0) ON CONFLICT DO NOTHING');
    const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_version');
    const from = rows[0]!.version;
    if (from > POSTGRES_SCHEMA_VERSION) throw new StoreSchemaTooNewError(where, from, POSTGRES_SCHEMA_VERSION);
    for (let v = from; v < POSTGRES_SCHEMA_VERSION; v++) await client.query(POSTGRES_MIGRATIONS[v]!);
    if (from < POSTGRES_SCHEMA_VERSION) await client.query('UPDATE schema_version SET version = $1', [POSTGRES_SCHEMA_VERSION]);
    await client.query('COMMIT');
    return { from, to: POSTGRES_SCHEMA_VERSION };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}
