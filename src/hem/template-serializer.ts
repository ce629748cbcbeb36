/**
 * Template text back from a template record, as `onehook show` prints it:
 * one `NAME="value"` line per attribute, names in alphabetical order. The
 * output parses back to the same record (template-parser.ts), which the
 * tests check for every fixture.
 */
import { HemError } from './errors.js';

const UNQUOTED_SAFE = /^[^\s=#,[\]"]+$/;

/** Serialises a template record. Throws HEM_TEMPLATE_UNREPRESENTABLE for a value no template can hold. */
export function serializeTemplate(template: Readonly<Record<string, string>>): string {
  const names = Object.keys(template).sort();
  return names.map((name) => `${name}=${formatValue(name, template[name]!)}\n`).join('');
}

function formatValue(name: string, value: string): string {
  // OpenNebula's only escape is \" so a quoted value cannot end in a backslash;
  // such a value is written unquoted when it has nothing that needs quotes.
  if (value.endsWith('\\')) {
    if (UNQUOTED_SAFE.test(value)) return value;
    throw new HemError('HEM_TEMPLATE_UNREPRESENTABLE',
      `attribute ${name} cannot be written in template syntax: a value that ends in a backslash must not contain blanks or =#,[]"`);
  }
  return `"${value.replace(/"/g, '\\"')}"`;
}
