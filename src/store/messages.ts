/** Log catalogue of the store (`STORE_…`). */
import { defineMessages } from '../core/messages.js';

export const STORE_MESSAGES = defineMessages({
  STORE_OPENED: {
    level: 'info',
    text: 'opened database {path} (journal {journalMode}, synchronous {synchronous}, schema version {version})',
    explanation: 'The embedded SQLite database that holds hooks, the execution log and the local event queue is open. The journal mode should be WAL; synchronous FULL means every acknowledged write survives a power loss, NORMAL only a process crash.',
  },
  STORE_MIGRATED: {
    level: 'info',
    text: 'database {path} schema migrated from version {from} to {to}',
    explanation: 'The database was created or upgraded to the schema this Hookline uses. This happens once per upgrade; a backup of the database file taken before the upgrade lets you go back.',
  },
  STORE_RETENTION_APPLIED: {
    level: 'debug',
    text: 'hook {hookId}: removed {removed} execution records beyond LOG_RETENTION {retention}',
    explanation: 'The execution log of a hook keeps only its newest LOG_RETENTION records (the hook\'s own value, else the global default). Older records were deleted when a new one was finished.',
  },
  STORE_EXECUTION_RESUMED: {
    level: 'warn',
    text: 'hook {hookId} execution {executionId} for event {eventId} was interrupted by a crash and runs again',
    explanation: 'The daemon stopped while this execution was running. The event was delivered again after restart, so the hook runs again and its record is flagged interrupted. Check whether the hook\'s command is safe to run twice.',
  },
  STORE_CLOSED: {
    level: 'info',
    text: 'closed database {path}',
    explanation: 'The database was closed cleanly, normally at shutdown.',
  },

  // postgresql
  STORE_PG_OPENED: {
    level: 'info',
    text: 'opened PostgreSQL database {url} (schema {schema}, server {serverVersion}, schema version {version})',
    explanation: 'The PostgreSQL database that holds hooks and the execution log for every daemon sharing it is reachable and at the schema this Hookline uses. The password, if the URL has one, is masked.',
  },
  STORE_PG_MIGRATED: {
    level: 'info',
    text: 'PostgreSQL database {url} schema {schema} migrated from version {from} to {to}',
    explanation: 'The schema was created or upgraded. Daemons starting at once take an advisory lock, so exactly one of them logs this and the others find the schema current. Take a backup (pg_dump) before upgrading Hookline if you may need to go back.',
  },
  STORE_PG_CONNECTION_ERROR: {
    level: 'warn',
    text: 'a connection to PostgreSQL database {url} failed: {error}',
    explanation: 'A pooled connection broke: the server restarted, the network failed or an administrator terminated the backend. The connection is discarded and the next operation opens a new one; an operation that was using it fails with STORE_UNAVAILABLE. If this repeats, check that the server is up and reachable.',
  },
});
