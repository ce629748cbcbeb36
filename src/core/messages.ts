/**
 * Message catalogues, in the style of Kea's `.mes` files: every log line a part
 * emits has a stable ID, a text with `{placeholders}` and a paragraph for the
 * operator. Each part keeps one catalogue (`src/<part>/messages.ts`), so the
 * docs can print every message and tests can match on IDs rather than text.
 */
import { pino, type Logger } from 'pino';

export type Severity = 'debug' | 'info' | 'warn' | 'error' | 'fatal';

export interface MessageDefinition {
  readonly level: Severity;
  /** Text with `{name}` placeholders filled from the log call's fields. */
  readonly text: string;
  /** What the message means to an operator and what to do about it. */
  readonly explanation: string;
}

export interface Message extends MessageDefinition {
  readonly id: string;
}

export type Catalogue<K extends string> = { readonly [P in K]: Message };

/** Gives each definition its ID (the key) and freezes the catalogue. */
export function defineMessages<K extends string>(defs: Record<K, MessageDefinition>): Catalogue<K> {
  const out = {} as Record<K, Message>;
  for (const id of Object.keys(defs) as K[]) out[id] = Object.freeze({ id, ...defs[id] });
  return Object.freeze(out);
}

const PLACEHOLDER = /\{(\w+)\}/g;

/** Fills `{name}` placeholders; a missing field stays visible as `{name}`. */
export function formatMessage(message: Message, fields: Record<string, unknown>): string {
  const body = message.text.replace(PLACEHOLDER, (whole, name: string) => {
    const v = fields[name];
    if (v === undefined) return whole;
    if (v instanceof Error) return v.message;
    return typeof v === 'string' ? v : JSON.stringify(v);
  });
  return `${message.id} ${body}`;
}

/**
 * Logs one catalogue message. The record carries `msgId` and the fields, so a
 * log consumer (or a test) can select by ID.
 */
export function logMessage(logger: Logger, message: Message, fields: Record<string, unknown> = {}): void {
  if (!logger.isLevelEnabled(message.level)) return;
  const record: Record<string, unknown> = { msgId: message.id };
  for (const [k, v] of Object.entries(fields)) record[k] = v instanceof Error ? pino.stdSerializers.err(v) : v;
  logger[message.level](record, formatMessage(message, fields));
}

/** Renders catalogues as Markdown, one section per message, for docs/. */
export function catalogueToMarkdown(title: string, catalogues: ReadonlyArray<Catalogue<string>>): string {
  const lines = [`# ${title}`, ''];
  const all = catalogues.flatMap((c) => Object.values(c) as Message[]).sort((a, b) => a.id.localeCompare(b.id));
  for (const m of all) {
    lines.push(`## ${m.id}`, '', `Severity: ${m.level.toUpperCase()}`, '', '```', m.text, '```', '', m.explanation, '');
  }
  return lines.join('\n');
}
