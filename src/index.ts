/** `hookline`: the hooks framework. See README.md and docs/library-authoring.md. */
export * from './core/index.js';
