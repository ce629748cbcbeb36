/** The log catalogue of `hookline/dynamic`: every line it logs, with what it means to an operator. */
import { defineMessages } from '../core/messages.js';

export const dynamicMessages = defineMessages({
  DYNAMIC_HOOK_HANDLER_ERROR: {
    level: 'warn',
    text: '{kind} handler of dynamic hook {group}/{hook} failed: {error}; later failures of this hook are not logged',
    explanation:
      'A handler registered with hook() or hookFunction() threw or rejected. The error was contained: the caller ' +
      'and the other handlers carried on as if the handler had returned. It is logged once per group and hook so ' +
      'that a failing handler on a hot path cannot flood the log; fix the handler and restart to see it again.',
  },
  DYNAMIC_PATCH_UNDO_SHADOWED: {
    level: 'warn',
    text: 'undoing the {group} patch of {target}: the property was replaced by other code since, so it was left in place',
    explanation:
      'Something assigned a new value to a patched property after Hookline patched it (often another ' +
      'instrumentation library wrapping the same function). Restoring the original would have discarded that ' +
      "code's change, so Hookline only removed its own handlers; the wrapper stays in the chain and just calls through.",
  },
  DYNAMIC_TIMING_REPORT: {
    level: 'info',
    text: 'request timing report for {requestId}',
    explanation:
      'A request asked for its timing report to be logged (or its report was too large for a response header). ' +
      'The record carries the report: the phases of the request, nested, with their durations in milliseconds.',
  },
  DYNAMIC_TIMING_DENIED: {
    level: 'info',
    text: 'request timing asked for by {remoteAddress} without a valid token; the request runs untimed',
    explanation:
      'A request carried the request-debug header but neither came from loopback nor presented the configured ' +
      'token. The request was served normally without timing. Repeated lines from one address may be probing.',
  },
});
