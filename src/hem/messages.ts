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
});
