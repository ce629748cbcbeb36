/** `hookline`: the hooks framework. See README.md, docs/component-guide.md and docs/libraries.md. */
export * from './core/index.js';
