/**
 * The one way Hookline makes a logger: pino, with Kea-like severity names
 * accepted in configuration. A component may pass its own pino logger instead.
 */
import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger } from 'pino';

const SEVERITIES: Record<string, pino.Level> = {
  FATAL: 'fatal', ERROR: 'error', WARN: 'warn', WARNING: 'warn', INFO: 'info', DEBUG: 'debug',
};

/** Maps a Kea-style severity ("INFO", "DEBUG", …) or a pino level to a pino level. */
export function toPinoLevel(severity: string): pino.Level {
  const level = SEVERITIES[severity.toUpperCase()];
  if (level === undefined) {
    throw new RangeError(`unknown log severity "${severity}": expected one of ${Object.keys(SEVERITIES).join(', ')}`);
  }
  return level;
}

export interface LoggerOptions {
  name?: string;
  severity?: string;
  destination?: DestinationStream;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const opts = { name: options.name ?? 'hookline', level: toPinoLevel(options.severity ?? 'INFO') };
  return options.destination ? pino(opts, options.destination) : pino(opts);
}

/** A logger that drops everything: the default for an embedded component that passes none. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
