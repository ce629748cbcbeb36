/**
 * A copy of a configuration document with its secrets masked, for showing it
 * (config-get over HTTP, logs). Only the copy is masked: the hash and the
 * running configuration keep the real values.
 */

export const REDACTED = '*****';

export function redactSecrets<T>(raw: T): T {
  const copy = structuredClone(raw) as { Hookline?: Record<string, unknown> };
  const h = copy.Hookline;
  if (h === undefined || typeof h !== 'object' || h === null) return copy as T;
  for (const s of asArray(h['control-sockets'])) {
    const auth = (s as { authentication?: { clients?: unknown } }).authentication;
    for (const c of asArray(auth?.clients)) {
      const client = c as Record<string, unknown>;
      if ('password' in client) client.password = REDACTED;
    }
  }
  const store = h.store as { url?: unknown } | undefined;
  if (store !== undefined && typeof store.url === 'string') store.url = store.url.replace(/^(\w+:\/\/[^:/@]*):[^@/]*@/, `$1:${REDACTED}@`);
  return copy as T;
}

function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v.filter((x) => typeof x === 'object' && x !== null) : [];
}
