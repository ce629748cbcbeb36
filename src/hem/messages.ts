/**
 * Log catalogue of the Hook Execution Manager (`HEM_…`). Sections: templates
 * and matching, execution.
 */
import { defineMessages } from '../core/messages.js';

export const HEM_MESSAGES = defineMessages({
  // templates and matching

  // execution
  HEM_EXECUTION_STARTED: {
    level: 'debug',
    text: 'hook {hookId} ({hookName}) for event {eventId}: running {command}',
    explanation: 'A hook command was started for an event. Its process runs in its own process group, without a shell.',
  },
  HEM_EXECUTION_FINISHED: {
    level: 'debug',
    text: 'hook {hookId} ({hookName}) for event {eventId}: {status} rc {rc} in {durationMs} ms',
    explanation: 'A hook command finished. The execution record holds its output; see `hookline hook show ID -e EXEC`.',
  },
  HEM_EXECUTION_REFUSED: {
    level: 'warn',
    text: 'hook {hookId} ({hookName}) for event {eventId} not run: {reason}',
    explanation: 'The command could not be started: it is missing, not executable, outside hook-base-path, its ARGUMENTS do not parse, or a REMOTE hook\'s event has no HOST. The execution is recorded as ERROR with rc 255 and this reason on stderr; fix the hook and use `hookline hook retry`.',
  },
  HEM_EXECUTION_TIMEOUT: {
    level: 'warn',
    text: 'hook {hookId} ({hookName}) for event {eventId} exceeded its TIMEOUT of {timeoutMs} ms: process group {pid} sent SIGTERM',
    explanation: 'The command ran longer than the hook\'s TIMEOUT. Its whole process group got SIGTERM, and SIGKILL after the grace period if anything was left. The execution is recorded as TIMEOUT.',
  },
  HEM_EXECUTION_KILLED: {
    level: 'warn',
    text: 'hook {hookId} ({hookName}): process group {pid} still alive {graceMs} ms after SIGTERM, sent SIGKILL',
    explanation: 'A timed-out command (or one of its children) ignored SIGTERM, so it was killed. Hook commands should exit promptly on SIGTERM.',
  },
  HEM_OUTPUT_TRUNCATED: {
    level: 'info',
    text: 'hook {hookId} ({hookName}) for event {eventId}: output cut at {limit} bytes per stream',
    explanation: 'The command wrote more to stdout or stderr than output-limit allows. The record keeps the beginning and says it was truncated; the rest was read and discarded so the command was never blocked.',
  },
  // manager (hook-execution-manager.ts)
  HEM_QUEUE_CLAIM_FAILED: {
    level: 'error',
    text: 'could not claim events from the queue: {error}',
    explanation: 'The queue (SQLite or NATS) failed to hand out events. The manager retries on its next poll; accepted events stay in the queue, so nothing is lost. Check the queue backend.',
  },
  HEM_HOOK_SELECT_FAILED: {
    level: 'error',
    text: 'hook_select callouts failed for event {event}: {error}; running the matched hooks',
    explanation: 'A hook_select callout threw. The event runs the hooks it matched, as if no library had been consulted.',
  },
  HEM_EXECUTION_NOT_RECORDED: {
    level: 'error',
    text: 'an execution of event {event} could not be recorded: {error}; the event is left for redelivery',
    explanation: 'The store refused a record (for example the database is unavailable). The event is not acknowledged, so it is delivered again and its unfinished executions run again, marked interrupted.',
  },
  HEM_EVENT_DEFERRED: {
    level: 'debug',
    text: 'event {event} waits for event {waitingFor} of resource {resource}',
    explanation: 'An earlier event of the same resource that triggers one of the same hooks is still unfinished elsewhere: held by another worker, waiting in the queue to be redelivered, or about to be handed back here after a failed record. To keep executions per hook and resource in event order, this event waits (parked in this worker, or handed back to the queue) and runs when the earlier one is done. Many of these mean one resource\'s events arrive faster than its hooks run; `status-get` shows `executions.parked` and `executions.deferred`.',
  },
  HEM_QUEUE_SETTLE_FAILED: {
    level: 'error',
    text: 'could not {operation} event {event} in the queue: {error}',
    explanation: 'Telling the queue that an event is done (ack) or must come back (nack) failed, for example because nats-server or the database file is unavailable. Unless the daemon is stopping or the error cannot be cured by trying again (a delivery the queue does not know, a closed queue), the manager tries again with a growing pause up to 5 s, because later events of the same resource wait for this one. Otherwise the queue redelivers the event (after its ack wait, or at the next start) and its finished executions are not run again.',
  },
  HEM_ORDER_CHECK_FAILED: {
    level: 'warn',
    text: 'could not ask the queue for earlier events of resource {resource} before running event {event}: {error}; the event waits',
    explanation: 'Before running an event the manager asks the queue which earlier events of its resource are unacknowledged. The queue did not answer (for example nats-server is unreachable), so the event is handed back and tried again later rather than risk running out of order.',
  },
  HEM_EXECUTION_START_CALLOUT_FAILED: {
    level: 'error',
    text: 'execution_start callouts failed for hook {hook}, event {event}: {error}; running the command as planned',
    explanation: 'An execution_start callout threw. The command runs with the plan it had before the callouts.',
  },
  HEM_EXECUTION_FINISH_CALLOUT_FAILED: {
    level: 'error',
    text: 'execution_finish callouts failed for hook {hook}, event {event}: {error}',
    explanation: 'An execution_finish callout threw. The execution record is stored regardless.',
  },
});
