/**
 * Builds the daemon's pino logger from the `loggers` section: one stream per
 * entry (stdout, stderr or a file), each with its own Kea-style severity.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pino, type Logger } from 'pino';
import { toPinoLevel } from '../core/logger.js';
import type { LoggerConfig } from '../config/index.js';

export function createDaemonLogger(loggers: readonly LoggerConfig[]): Logger {
  const entries = loggers.length > 0 ? loggers : [{ name: 'hookline', severity: 'INFO', output: 'stdout' }];
  const streams = entries.map((l) => {
    const level = toPinoLevel(l.severity);
    if (l.output === 'stdout') return { level, stream: pino.destination({ dest: 1, sync: true }) };
    if (l.output === 'stderr') return { level, stream: pino.destination({ dest: 2, sync: true }) };
    fs.mkdirSync(path.dirname(l.output), { recursive: true });
    return { level, stream: pino.destination({ dest: l.output, sync: true, mkdir: true }) };
  });
  const lowest = streams.map((s) => s.level).sort((a, b) => pino.levels.values[a]! - pino.levels.values[b]!)[0]!;
  return pino({ name: entries[0]!.name, level: lowest }, pino.multistream(streams));
}
