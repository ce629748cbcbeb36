/**
 * The hooks framework's message catalogue (Kea's hooks_messages.mes).
 * Every log line of src/core comes from here.
 */
import { defineMessages } from './messages.js';

export const HOOKS_MESSAGES = defineMessages({
  HOOKS_LIBRARY_LOADED: {
    level: 'info',
    text: 'hooks library {library} successfully loaded',
    explanation: 'The library was imported, its version accepted and its load() function (if any) returned 0. Its callouts are registered and will be called once the whole set is in place.',
  },
  HOOKS_LIBRARIES_INSTALLED: {
    level: 'info',
    text: '{count} hooks libraries are now active',
    explanation: 'Every library of a new set loaded, and the set replaced the one that was running. The previous libraries were unloaded.',
  },
  HOOKS_LIBRARIES_REJECTED: {
    level: 'error',
    text: 'the new set of hooks libraries was rejected ({reason}); the running set of {running} libraries stays active',
    explanation: 'At least one library of a new set failed to load. The earlier messages name the library and the cause. Unlike Kea, Hookline keeps serving with the libraries that were active before the reload; fix the cause and reload again.',
  },
  HOOKS_OPEN_ERROR: {
    level: 'error',
    text: 'failed to open hooks library {library}: {reason}',
    explanation: 'The library could not be found or imported: the file does not exist, it has a syntax error, or one of its imports failed. The reason gives the detail from Node.js.',
  },
  HOOKS_LIBRARY_PATH_REFUSED: {
    level: 'error',
    text: 'hooks library {library} refused: {reason}',
    explanation: 'Hook libraries are only loaded from the configured hooks directory ("hooks-path", or HOOKLINE_HOOKS_PATH), after resolving symbolic links. A library outside it, or a link that points outside it, is refused so that a configuration change cannot make the process run arbitrary code. Move the library into the hooks directory.',
  },
  HOOKS_NO_VERSION: {
    level: 'error',
    text: 'hooks library {library} does not export "version"',
    explanation: 'Every library must export `version`, equal to the hooks API version ({expected}) or a semver range that it satisfies. Add `export const version = 1;` to the library.',
  },
  HOOKS_INCORRECT_VERSION: {
    level: 'error',
    text: 'hooks library {library} reports version {version}, which does not match the hooks API version {expected}',
    explanation: 'The library was written for another version of the hooks API. Rebuild or update it for this version of Hookline.',
  },
  HOOKS_INVALID_PARAMETERS: {
    level: 'error',
    text: 'hooks library {library} has invalid parameters: {reason}',
    explanation: 'The "parameters" of a library entry must be a JSON object. When the library declares its parameters (an exported `parameters` description), missing mandatory parameters and values of the wrong type are reported here, before load() runs.',
  },
  HOOKS_LOAD_ERROR: {
    level: 'error',
    text: "'load' function in hooks library {library} returned error {rc}",
    explanation: "The library's load() returned a non-zero value, which rejects the whole set. The library normally logs its own message just before this one saying why (for example a missing mandatory parameter).",
  },
  HOOKS_LOAD_EXCEPTION: {
    level: 'error',
    text: "'load' function in hooks library {library} threw: {error}",
    explanation: "The library's load() threw or rejected. That rejects the whole set. The error is the library's own.",
  },
  HOOKS_REGISTRATION_ERROR: {
    level: 'error',
    text: 'hooks library {library} failed to register a callout: {error}',
    explanation: 'During load() the library tried to register a callout on a hook point that this component does not have, or with something that is not a function. See the hook-point catalogue for the names this component offers.',
  },
  HOOKS_STD_CALLOUT_REGISTERED: {
    level: 'debug',
    text: 'hooks library {library} export "{hook}" registered as a callout',
    explanation: 'An export of the library has the name of a hook point and was registered on it automatically.',
  },
  HOOKS_CALLOUT_REGISTRATION: {
    level: 'debug',
    text: 'hooks library {library} registered a callout on hook {hook}',
    explanation: 'A callout was registered through the library handle.',
  },
  HOOKS_MULTI_THREADING_INCOMPATIBLE: {
    level: 'debug',
    text: 'hooks library {library} does not declare multiThreadingCompatible',
    explanation: 'The library does not declare that it may be called from several worker threads at once. Hookline runs callouts on one thread per component, so this only matters to components that run hooks in worker threads.',
  },
  HOOKS_UNLOAD_ERROR: {
    level: 'error',
    text: "'unload' function in hooks library {library} returned error {rc}",
    explanation: "The library's unload() returned non-zero. The library is removed anyway; it may have left resources open.",
  },
  HOOKS_UNLOAD_EXCEPTION: {
    level: 'error',
    text: "'unload' function in hooks library {library} threw: {error}",
    explanation: "The library's unload() threw. The library is removed anyway; it may have left resources open.",
  },
  HOOKS_LIBRARY_UNLOADED: {
    level: 'info',
    text: 'hooks library {library} unloaded',
    explanation: 'The library was removed: its unload() ran, its abort signal fired, and its callouts are gone.',
  },
  HOOKS_CALLOUT_ERROR: {
    level: 'error',
    text: 'error returned by callout on hook {hook} registered by library {library}: return code {rc}',
    explanation: 'A callout returned a non-zero number. The next-step status is left as the callout set it, and the remaining callouts run.',
  },
  HOOKS_CALLOUT_EXCEPTION: {
    level: 'error',
    text: 'exception thrown by callout on hook {hook} registered by library {library}: {error}',
    explanation: 'A callout threw or its promise rejected. The status is forced to DROP and the remaining callouts still run. The error is a bug in the library or a problem with the data it was given.',
  },
  HOOKS_UNSUPPORTED_STATUS: {
    level: 'warn',
    text: 'callouts on hook {hook} set status {status}, which this hook point does not support; treated as CONTINUE',
    explanation: 'A callout set a next-step status that the hook point does not act on (see the catalogue). It is ignored, as in Kea.',
  },
  HOOKS_CALLOUT_CALLED: {
    level: 'debug',
    text: 'callout of library {library} on hook {hook} returned {rc} in {ms} ms',
    explanation: 'Per-callout timing, logged at debug level only.',
  },
  HOOKS_CALLOUTS_COMPLETE: {
    level: 'debug',
    text: 'completed callouts on hook {hook}: {count} callouts in {ms} ms, status {status}',
    explanation: 'All callouts of one hook point ran. Logged at debug level only.',
  },
  HOOKS_PARK_CONTINUATION_ERROR: {
    level: 'error',
    text: 'the continuation of an object parked on hook {hook} threw: {error}',
    explanation: "The component's code that resumes a parked request threw when the request was unparked. This is a bug in the component; the request is no longer parked.",
  },
  HOOKS_PARKING_LOTS_CLEARED: {
    level: 'info',
    text: 'parking lots cleared: {count} parked objects dropped',
    explanation: 'Reloading hooks libraries drops every parked object without running its continuation, because the callouts that would have unparked them belong to the unloaded libraries.',
  },
});
