/**
 * A stable identity for a configuration: sha256 over canonical JSON (object
 * keys sorted, no whitespace), so key order and formatting never change it.
 */
import crypto from 'node:crypto';

export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value as object)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function configHash(raw: unknown): string {
  return crypto.createHash('sha256').update(canonicalJson(raw)).digest('hex');
}
