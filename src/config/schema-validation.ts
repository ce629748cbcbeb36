/**
 * Runs the schema and turns ajv's findings into operator-facing issues: every
 * problem (not just the first), each at the JSON path it concerns, saying what
 * was expected there. A missing key or an unknown key is reported at the
 * key's own path (`Hookline/control-sockets/1/authentication`).
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { jsonTypeName } from '../control/protocol.js';
import type { ConfigIssue } from './errors.js';
import { configSchema } from './schema.js';

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  compiled ??= new Ajv({ allErrors: true, verbose: true, discriminator: true, strict: true, strictRequired: false, allowUnionTypes: true }).compile(configSchema);
  return compiled;
}

export function schemaIssues(doc: unknown): ConfigIssue[] {
  const validate = validator();
  if (validate(doc)) return [];
  const issues: ConfigIssue[] = [];
  const seen = new Set<string>();
  for (const e of validate.errors ?? []) {
    const issue = toIssue(e);
    if (issue === undefined) continue;
    const key = `${issue.path}\u0000${issue.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      issues.push(issue);
    }
  }
  return issues;
}

/** `/Hookline/a~1b/0` → `Hookline/a/b/0`; the document root is "(top level)". */
export function displayPath(pointer: string, child?: string): string {
  const parts = pointer.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (child !== undefined) parts.push(child);
  return parts.length === 0 ? '(top level)' : parts.join('/');
}

function expected(e: ErrorObject): string {
  const d = (e.parentSchema as { description?: string } | undefined)?.description;
  return d ?? e.message ?? 'a valid value';
}

function got(data: unknown): string {
  if (typeof data === 'string') return JSON.stringify(data.length > 60 ? `${data.slice(0, 57)}...` : data);
  if (typeof data === 'number' || typeof data === 'boolean') return String(data);
  if (Array.isArray(data) && data.length === 0) return 'an empty array';
  return jsonTypeName(data);
}

function toIssue(e: ErrorObject): ConfigIssue | undefined {
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required': {
      const key = String(params.missingProperty);
      // the discriminator reports a missing tag itself, with the allowed values
      if ((e.parentSchema as { discriminator?: { propertyName: string } }).discriminator?.propertyName === key) return undefined;
      const prop = (e.parentSchema as { properties?: Record<string, { description?: string }> }).properties?.[key];
      const why = key === 'authentication' ? ': an http control socket must use Basic authentication' : '';
      const hint = prop?.description === undefined ? '' : `; expected ${prop.description}`;
      return { path: displayPath(e.instancePath, key), message: `is required${why}${hint}` };
    }
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const allowed = Object.keys((e.parentSchema as { properties?: object }).properties ?? {});
      return { path: displayPath(e.instancePath, key), message: `unknown key "${key}"; expected one of: ${allowed.map((k) => `"${k}"`).join(', ')}` };
    }
    case 'discriminator': {
      const tag = String(params.tag);
      const values = ((e.parentSchema as { oneOf?: Array<{ properties: Record<string, { const: string }> }> }).oneOf ?? []).map((b) => `"${b.properties[tag]?.const}"`);
      if (params.error === 'tag') return { path: displayPath(e.instancePath, tag), message: `is required and must be one of ${values.join(', ')}` };
      return { path: displayPath(e.instancePath, tag), message: `expected one of ${values.join(', ')}, got ${got(params.tagValue)}` };
    }
    case 'const':
      return { path: displayPath(e.instancePath), message: `expected ${JSON.stringify(params.allowedValue)}, got ${got(e.data)}` };
    case 'if':
    case 'oneOf':
      // the failing branch's own errors say what is wrong
      return undefined;
    default:
      return { path: displayPath(e.instancePath), message: `expected ${expected(e)}, got ${got(e.data)}` };
  }
}
