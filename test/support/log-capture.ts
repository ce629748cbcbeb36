/** A real pino logger whose records are kept in memory, so tests can assert on message IDs. */
import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';

export interface CapturedLog {
  logger: Logger;
  records: Array<Record<string, unknown> & { msgId?: string; level: number; msg?: string }>;
  ids(): string[];
  has(msgId: string): boolean;
}

export function captureLog(level: pino.Level = 'debug'): CapturedLog {
  const records: CapturedLog['records'] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n')) if (line) records.push(JSON.parse(line));
      done();
    },
  });
  // sync: records are visible as soon as the log call returns
  const logger = pino({ level }, sink);
  return {
    logger,
    records,
    ids: () => records.map((r) => r.msgId).filter((x): x is string => typeof x === 'string'),
    has: (id) => records.some((r) => r.msgId === id),
  };
}
