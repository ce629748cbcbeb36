/** The framework's public surface: `import { HooksManager, NextStep } from 'hookline'`. */
export { HooksManager, type HookIndex, type HooksManagerOptions, type LibraryStage } from './hooks-manager.js';
export { CalloutHandle, ScopedCalloutHandleState, withScopedState } from './callout-handle.js';
export type { Callout, CalloutResult } from './callout-manager.js';
export { LibraryHandle, type HookMap, type LibraryParameters } from './library-handle.js';
export { HOOKS_API_VERSION, type LibraryEntry, type ParameterDeclarations } from './library-manager.js';
export type { LoadReport } from './library-manager-collection.js';
export { NextStep, nextStepName, type NextStepName } from './next-step.js';
export { argument, defineHookPoint, type ArgumentSpec, type ArgsOf, type Direction, type HookPointSpec, type StatusSpec } from './hook-spec.js';
export { CONTEXT_CREATE, CONTEXT_DESTROY, commandHookName, type HookPoint } from './server-hooks.js';
export type { ParkingLotHandle } from './parking-lots.js';
export { hooksCatalogueMarkdown, type CatalogueOptions } from './hooks-catalogue.js';
export { HOOKS_MESSAGES } from './hooks-messages.js';
export { defineMessages, logMessage, formatMessage, catalogueToMarkdown, type Message, type MessageDefinition, type Catalogue } from './messages.js';
export { createLogger, silentLogger, type Logger } from './logger.js';
export * from './errors.js';
