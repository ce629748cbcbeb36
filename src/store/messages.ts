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
});
