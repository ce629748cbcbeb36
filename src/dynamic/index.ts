/** `hookline/dynamic`: Kong-style dynamic hooks and the bundled request timing. */
export { DynamicHooks } from './dynamic-hooks.js';
export { HookPoint } from './hook-point.js';
export type { DynamicHooksOptions, FunctionHandlers, FunctionKey, Undo } from './dynamic-hooks.js';
export type { After, AnyConstructor, AnyFunction, ArgsOf, Before, CallOutcome, Patchable, ResultOf } from './patched-call.js';
export type { HookHandler } from './group.js';
export type { RequestScope } from './request-scope.js';
export * from './errors.js';
export { dynamicMessages } from './messages.js';
export { Timing, TIMING_GROUP } from './timing/timing.js';
export type { TimingOptions } from './timing/timing.js';
export { TimingContext } from './timing/timing-context.js';
export type { PhaseReport, TimingReport } from './timing/timing-context.js';
export { withRequestTiming } from './timing/http-timing.js';
export type { RequestTimingOptions } from './timing/http-timing.js';
