#!/usr/bin/env node
/**
 * The `hookline` command. `serve` runs the daemon; every other verb talks to
 * a running daemon through the control protocol only.
 */
import { Command } from 'commander';
import { VERSION } from '../server/version.js';
import { registerServe } from './serve.js';
import { registerCommand } from './command.js';
import { registerDocs } from './docs.js';
import { registerHook } from './hook.js';
import { registerEvent } from './event.js';

const program = new Command();
program
  .name('hookline')
  .description('Hookline: a hooks framework, and a daemon that runs commands on events.')
  .version(VERSION)
  .showHelpAfterError();

registerServe(program);
registerCommand(program);
registerDocs(program);
registerHook(program);
registerEvent(program);

await program.parseAsync(process.argv);
