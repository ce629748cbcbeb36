/** `hookline docs hooks|messages`: prints the daemon's generated reference pages. */
import type { Command } from 'commander';
import { HooksManager, HOOKS_MESSAGES, catalogueToMarkdown, hooksCatalogueMarkdown, type Catalogue } from '../core/index.js';
import { DAEMON_CATALOGUE_INTRO, registerDaemonHookPoints, SERVER_MESSAGES, type DaemonHooks } from '../server/index.js';
import { controlMessages } from '../control/index.js';
import { configMessages } from '../config/index.js';
import { EVENTS_MESSAGES } from '../events/messages.js';
import { HEM_MESSAGES } from '../hem/messages.js';
import { STORE_MESSAGES } from '../store/messages.js';
import { QUEUE_MESSAGES } from '../queue/messages.js';
import { dynamicMessages } from '../dynamic/messages.js';
import { messages as auditLogMessages } from '../libraries/audit-log.js';
import { messages as statsCommandsMessages } from '../libraries/stats-commands.js';

/** The daemon's hook-point catalogue, as docs/hooks-api.md holds it. */
export function daemonHooksMarkdown(): string {
  const hooks = new HooksManager<DaemonHooks>();
  registerDaemonHookPoints(hooks);
  return hooksCatalogueMarkdown(hooks.hookPoints(), { title: 'Hook points of the Hookline daemon', intro: DAEMON_CATALOGUE_INTRO });
}

export function messagesMarkdown(extra: ReadonlyArray<Catalogue<string>> = []): string {
  return catalogueToMarkdown('Log messages', [HOOKS_MESSAGES, SERVER_MESSAGES, controlMessages, configMessages, EVENTS_MESSAGES, HEM_MESSAGES,
    STORE_MESSAGES, QUEUE_MESSAGES, dynamicMessages, auditLogMessages, statsCommandsMessages, ...extra]);
}

export function registerDocs(program: Command): void {
  const docs = program.command('docs').description('print generated reference documentation as Markdown');
  docs.command('hooks').description("the daemon's hook points (docs/hooks-api.md)").action(() => {
    process.stdout.write(daemonHooksMarkdown());
  });
  docs.command('messages').description('every log message ID with its explanation (docs/messages.md)').action(() => {
    process.stdout.write(messagesMarkdown());
  });
}
