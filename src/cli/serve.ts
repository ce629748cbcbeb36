/** `hookline serve [-c FILE] [-t FILE]`: runs (or only checks) the daemon. */
import type { Command } from 'commander';
import { ConfigError, embeddedDefaultConfig, loadConfigFile, type LoadedConfig } from '../config/index.js';
import { HooksManager, type Logger } from '../core/index.js';
import { HooklineDaemon, ServerError, createDaemonLogger, registerDaemonHookPoints, type DaemonHooks } from '../server/index.js';
import { bundledLibraries } from '../server/bundled-libraries.js';
import { checkHooksDirectory } from '../server/security.js';

function fatal(message: string): never {
  process.stderr.write(`hookline: ${message}\n`);
  process.exit(1);
}

function load(file: string | undefined): LoadedConfig {
  try {
    return file === undefined ? embeddedDefaultConfig(process.cwd()) : loadConfigFile(file);
  } catch (err) {
    if (err instanceof ConfigError) fatal(err.message);
    throw err;
  }
}

/** -t: validates a configuration file, libraries included, without running anything. */
async function testOnly(file: string): Promise<void> {
  const loaded = load(file);
  try {
    checkHooksDirectory(loaded.config.hooksPath);
  } catch (err) {
    fatal(`configuration ${loaded.file} is not valid: ${(err as Error).message}`);
  }
  const hooks = new HooksManager<DaemonHooks>({ hooksPath: loaded.config.hooksPath, bundledLibraries: bundledLibraries() });
  registerDaemonHookPoints(hooks);
  const report = await hooks.validateLibrariesWithReport(loaded.config.hooksLibraries, { hooksPath: loaded.config.hooksPath });
  if (!report.ok) fatal(`configuration ${loaded.file} is not valid: ${report.errors.map((e) => `${e.library}: ${e.code}: ${e.message}`).join('; ')}`);
  process.stdout.write(`configuration ${loaded.file} is valid (hash ${loaded.hash})\n`);
}

export function registerServe(program: Command): void {
  program.command('serve')
    .description('run the daemon (with no -c: data under ./hookline-data, SQLite, a unix control socket)')
    .option('-c, --config <file>', 'the configuration file (JSON with comments)')
    .option('-t, --test <file>', 'check a configuration file, hook libraries included, and exit')
    .action(async (opts: { config?: string; test?: string }) => {
      if (opts.test !== undefined) return testOnly(opts.test);
      const loaded = load(opts.config);
      let logger: Logger;
      try {
        logger = createDaemonLogger(loaded.config.loggers);
      } catch (err) {
        fatal(`cannot set up logging: ${(err as Error).message}`);
      }
      let daemon: HooklineDaemon;
      try {
        daemon = await HooklineDaemon.start(loaded, { logger });
      } catch (err) {
        fatal(err instanceof ServerError ? err.message : (err as Error).stack ?? String(err));
      }
      process.on('SIGHUP', () => { void daemon.reloadOnSignal(); });
      process.on('SIGTERM', () => { void daemon.shutdown('SIGTERM'); });
      process.on('SIGINT', () => { void daemon.shutdown('SIGINT'); });
      await daemon.stopped;
      process.exit(0);
    });
}
