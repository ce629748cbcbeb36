/**
 * The daemon's built-in control commands (Kea's names and answers). Each
 * takes the command's arguments and the daemon's control surface and returns
 * a response; none throws for bad input — it answers result 1 naming it.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Result, type CommandResponse } from '../control/index.js';
import { ConfigError, redactSecrets, validateConfigDocument, type LoadedConfig } from '../config/index.js';
import { DEPENDENCIES, PACKAGE_NAME, VERSION } from './version.js';

/** What the built-in commands need of the daemon. */
export interface DaemonControl {
  readonly loaded: LoadedConfig;
  readonly startedAt: number;
  readonly reloadedAt: number;
  listCommands(): string[];
  libraryNames(): string[];
  status(): Promise<Record<string, unknown>>;
  /** Validates a configuration document, libraries included, without applying it. */
  testConfig(loaded: LoadedConfig): Promise<CommandResponse>;
  applyConfig(loaded: LoadedConfig, trigger: string): Promise<CommandResponse>;
  reloadConfigFile(trigger: string): Promise<CommandResponse>;
  requestShutdown(reason: string): void;
}

export interface BuiltinCommand {
  description: string;
  run(args: Record<string, unknown> | undefined, daemon: DaemonControl): Promise<CommandResponse> | CommandResponse;
}

const ok = (text: string, args?: unknown): CommandResponse => (args === undefined ? { result: Result.SUCCESS, text } : { result: Result.SUCCESS, text, arguments: args });
const fail = (text: string, args?: unknown): CommandResponse => (args === undefined ? { result: Result.ERROR, text } : { result: Result.ERROR, text, arguments: args });

/** Parses a config-set/config-test argument document, relative paths against the running config's directory. */
function documentArgument(args: Record<string, unknown> | undefined, daemon: DaemonControl): LoadedConfig | CommandResponse {
  if (args === undefined || !('Hookline' in args)) {
    return fail('missing configuration: the arguments must be a whole configuration, {"Hookline": {…}}');
  }
  try {
    return validateConfigDocument(args, { baseDir: daemon.loaded.baseDir });
  } catch (err) {
    if (err instanceof ConfigError) return fail(err.message, { errors: err.issues });
    throw err;
  }
}

const isResponse = (x: unknown): x is CommandResponse => typeof x === 'object' && x !== null && 'result' in x;

export const BUILTIN_COMMANDS: Readonly<Record<string, BuiltinCommand>> = {
  'list-commands': {
    description: 'the commands this daemon answers, library commands included',
    run: (_args, d) => ok('List of commands.', d.listCommands()),
  },
  'version-get': {
    description: 'the daemon version',
    run: () => ok(VERSION, { extended: `${PACKAGE_NAME} ${VERSION} (node ${process.version}, ${process.platform}/${process.arch})` }),
  },
  'build-report': {
    description: 'how this daemon was built',
    run: () => ok([
      `${PACKAGE_NAME} ${VERSION}`,
      `node ${process.version} (v8 ${process.versions.v8}, ${process.platform}/${process.arch})`,
      `dependencies: ${Object.entries(DEPENDENCIES).map(([n, v]) => `${n}@${v}`).join(', ')}`,
    ].join('\n')),
  },
  'status-get': {
    description: 'pid, uptime, active libraries and the state of the daemon',
    run: async (_args, d) => ok('Status.', await d.status()),
  },
  'config-get': {
    description: 'the running configuration (secrets masked) and its hash',
    run: (_args, d) => ok('Configuration.', { ...redactSecrets(d.loaded.raw), hash: d.loaded.hash }),
  },
  'config-test': {
    description: 'checks a whole configuration, libraries included, without applying it',
    run: async (args, d) => {
      const loaded = documentArgument(args, d);
      return isResponse(loaded) ? loaded : d.testConfig(loaded);
    },
  },
  'config-set': {
    description: 'applies a whole configuration atomically; on failure the running one stays',
    run: async (args, d) => {
      const loaded = documentArgument(args, d);
      return isResponse(loaded) ? loaded : d.applyConfig(loaded, 'config-set');
    },
  },
  'config-reload': {
    description: 'reads the configuration file again and applies it atomically',
    run: (_args, d) => d.reloadConfigFile('config-reload'),
  },
  'config-write': {
    description: "writes the running configuration to a file in the configuration file's directory",
    run: (args, d) => {
      const dir = d.loaded.file !== undefined ? path.dirname(d.loaded.file) : d.loaded.baseDir;
      const requested = args?.filename;
      if (requested !== undefined && typeof requested !== 'string') return fail('"filename" must be a string');
      const target = path.resolve(dir, requested ?? d.loaded.file ?? 'hookline.json');
      const rel = path.relative(dir, target);
      if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel) || path.dirname(target) !== dir) {
        return fail(`config-write only writes into the configuration directory ${dir}; "${requested}" is outside it`);
      }
      const text = JSON.stringify(d.loaded.raw, null, 2) + '\n';
      // A fresh, unpredictable temporary name opened exclusively: a planted symlink cannot redirect the write.
      const tmp = path.join(dir, `.${path.basename(target)}.${randomBytes(8).toString('hex')}.tmp`);
      try {
        fs.writeFileSync(tmp, text, { mode: 0o600, flag: 'wx' });
        fs.renameSync(tmp, target);
      } catch (err) {
        try {
          fs.rmSync(tmp, { force: true });
        } catch {
          // the name itself was unusable (NUL byte, too long): nothing was created
        }
        return fail(`unable to write configuration to ${target}: ${(err as Error).message}`);
      }
      return ok(`Configuration written to ${target} successfully`, { filename: target, size: Buffer.byteLength(text) });
    },
  },
  shutdown: {
    description: 'stops the daemon after answering',
    run: (_args, d) => {
      d.requestShutdown('shutdown command');
      return ok('Shutting down.');
    },
  },
};
