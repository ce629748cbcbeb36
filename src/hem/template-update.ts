/**
 * `hook update` semantics, as `onehook update`: with append, the new
 * attributes are added to the template or replace those of the same name;
 * without it, the new template replaces the old one, except that NAME and
 * TYPE are kept when the new text leaves them out (they identify the hook,
 * and `rename` is the verb that changes a name). The result is validated as a
 * whole, so an update that would leave an invalid hook is refused.
 */
import type { HookSpec } from './hook.js';
import type { TemplateProblem } from './errors.js';
import { parseTemplate } from './template-parser.js';
import { templateRecord, validateHookTemplate } from './template-validator.js';

export function mergeTemplates(
  current: Readonly<Record<string, string>>,
  update: Readonly<Record<string, string>>,
  append: boolean,
): Record<string, string> {
  if (append) return { ...current, ...update };
  const out: Record<string, string> = { ...update };
  for (const kept of ['NAME', 'TYPE']) {
    if (out[kept] === undefined && current[kept] !== undefined) out[kept] = current[kept]!;
  }
  return out;
}

/** The spec a hook has after `update` with `text`. Throws TemplateSyntaxError or TemplateValidationError. */
export function updateHookSpec(current: HookSpec, text: string, append: boolean, source?: string): HookSpec {
  const problems: TemplateProblem[] = [];
  const update = templateRecord(parseTemplate(text, source), problems);
  return validateHookTemplate(mergeTemplates(current.template, update, append), source, problems);
}
