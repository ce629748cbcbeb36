/**
 * From parsed template attributes to a HookSpec. Every problem is collected
 * and reported at once in a TemplateValidationError, each naming its
 * attribute and what was expected.
 *
 * The stored template is normalised as OpenNebula does it: for state hooks ON
 * is resolved into STATE and LCM_STATE and removed, so `hook show` prints the
 * trigger that actually applies and `update --append` of STATE/LCM_STATE (or
 * of a new ON) works on it. Every other attribute, extras included, is kept
 * verbatim.
 */
import type { HookSpec, HookType } from './hook.js';
import { TemplateValidationError, type TemplateProblem } from './errors.js';
import { parseTemplate, type TemplateAttribute } from './template-parser.js';

/** OpenNebula's ON shortcuts for RESOURCE=VM (HookStateVM::parse_template): [STATE, LCM_STATE]. */
export const VM_ON_SHORTCUTS: Readonly<Record<string, readonly [string, string]>> = Object.freeze({
  PROLOG: ['ACTIVE', 'PROLOG'],
  RUNNING: ['ACTIVE', 'RUNNING'],
  SHUTDOWN: ['ACTIVE', 'EPILOG'],
  STOP: ['STOPPED', 'LCM_INIT'],
  DONE: ['DONE', 'LCM_INIT'],
  UNKNOWN: ['ACTIVE', 'UNKNOWN'],
});

const BOOLEAN: Record<string, boolean> = { YES: true, NO: false, TRUE: true, FALSE: false };
const NO_BLANKS = /^[^\s]+$/;
const KEY_PART = /^[^\s/]+$/;
const POSITIVE_INT = /^[1-9][0-9]*$/;

/**
 * Attributes as a record (upper-case names). An attribute given twice is a
 * problem: OpenNebula would silently take one of them.
 */
export function templateRecord(attributes: readonly TemplateAttribute[], problems: TemplateProblem[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = new Map<string, number>();
  for (const a of attributes) {
    const first = lines.get(a.name);
    if (first !== undefined) {
      problems.push({ attribute: a.name, message: `${a.name} is given twice (lines ${first} and ${a.line}); give each attribute once` });
      continue;
    }
    lines.set(a.name, a.line);
    out[a.name] = a.value;
  }
  return out;
}

/** Parses and validates template text. Throws TemplateSyntaxError or TemplateValidationError. */
export function parseHookTemplate(text: string, source?: string): HookSpec {
  const problems: TemplateProblem[] = [];
  const record = templateRecord(parseTemplate(text, source), problems);
  return validateHookTemplate(record, source, problems);
}

/** Validates a template record (upper-case names) into a HookSpec. */
export function validateHookTemplate(template: Readonly<Record<string, string>>, source?: string, earlier: TemplateProblem[] = []): HookSpec {
  const problems = [...earlier];
  const t: Record<string, string> = {};
  for (const [k, v] of Object.entries(template)) t[k.toUpperCase()] = v;
  const problem = (attribute: string, message: string): void => { problems.push({ attribute, message }); };

  const required = (attr: string, what: string): string | undefined => {
    const v = t[attr];
    if (v === undefined || v.trim() === '') {
      problem(attr, `${attr} missing: expected ${what}`);
      return undefined;
    }
    return v;
  };
  const flag = (attr: string): boolean => {
    const v = t[attr];
    if (v === undefined) return false;
    const b = BOOLEAN[v.toUpperCase()];
    if (b === undefined) problem(attr, `${attr} must be yes or no (or true/false), got ${JSON.stringify(v)}`);
    return b ?? false;
  };
  const positive = (attr: string, what: string): number | undefined => {
    const v = t[attr];
    if (v === undefined) return undefined;
    if (!POSITIVE_INT.test(v.trim())) {
      problem(attr, `${attr} must be a positive whole number of ${what}, got ${JSON.stringify(v)}`);
      return undefined;
    }
    return Number(v.trim());
  };

  const name = required('NAME', 'the hook name, e.g. NAME = hook-vm');
  if (name !== undefined && /[\r\n]/.test(name)) problem('NAME', `NAME must be a single line, got ${JSON.stringify(name)}`);
  const command = required('COMMAND', 'the command to run, e.g. COMMAND = "log_new_user.rb"');
  const typeText = required('TYPE', 'api or state');
  let type: HookType | undefined;
  if (typeText !== undefined) {
    const lower = typeText.trim().toLowerCase();
    if (lower === 'api' || lower === 'state') type = lower;
    else problem('TYPE', `TYPE must be api or state, got ${JSON.stringify(typeText)}`);
  }

  const spec: HookSpec = {
    name: name?.trim() ?? '',
    type: type ?? 'api',
    command: command?.trim() ?? '',
    arguments: t.ARGUMENTS ?? '',
    argumentsStdin: flag('ARGUMENTS_STDIN'),
    remote: flag('REMOTE'),
    template: t,
  };
  const timeout = positive('TIMEOUT', 'seconds');
  if (timeout !== undefined) spec.timeout = timeout;
  const retention = positive('LOG_RETENTION', 'records');
  if (retention !== undefined) spec.logRetention = retention;

  if (type === 'api') {
    const call = required('CALL', 'the API call that triggers the hook, e.g. CALL = "one.user.allocate"');
    if (call !== undefined) {
      if (NO_BLANKS.test(call.trim())) spec.call = call.trim();
      else problem('CALL', `CALL must be a call name without blanks, got ${JSON.stringify(call)}`);
    }
  } else if (type === 'state') {
    stateTrigger(t, spec, problem);
  }

  if (problems.length > 0) throw new TemplateValidationError(problems, source);
  return spec;
}

function stateTrigger(t: Record<string, string>, spec: HookSpec, problem: (attribute: string, message: string) => void): void {
  const resource = t.RESOURCE?.trim();
  if (resource === undefined || resource === '') {
    problem('RESOURCE', 'RESOURCE missing: state hooks need the resource type, e.g. RESOURCE = VM');
    return;
  }
  if (!KEY_PART.test(resource)) {
    problem('RESOURCE', `RESOURCE must be a name without blanks or "/", got ${JSON.stringify(t.RESOURCE)}`);
    return;
  }
  spec.resource = resource;
  const isVm = resource === 'VM';
  const on = t.ON?.trim().toUpperCase();
  let state = t.STATE?.trim();
  let lcmState = t.LCM_STATE?.trim();
  if (on !== undefined && on !== 'CUSTOM') {
    const shortcut = VM_ON_SHORTCUTS[on];
    if (shortcut === undefined) {
      problem('ON', `ON must be one of ${Object.keys(VM_ON_SHORTCUTS).join(', ')} or CUSTOM, got ${JSON.stringify(t.ON)}`);
      return;
    }
    if (!isVm) {
      problem('ON', `ON = ${on} is a shortcut for RESOURCE = VM only; for ${resource} give STATE (and LCM_STATE if it has one)`);
      return;
    }
    // As in OpenNebula, the shortcut wins over any STATE/LCM_STATE written next to it.
    [state, lcmState] = shortcut;
  } else if (on === undefined && isVm && (state === undefined || lcmState === undefined)) {
    problem('ON', 'ON missing: VM state hooks need ON (PROLOG, RUNNING, SHUTDOWN, STOP, DONE, UNKNOWN) or ON = CUSTOM with STATE and LCM_STATE');
    return;
  }
  if (state === undefined || state === '') {
    problem('STATE', `STATE missing: expected the ${resource} state that triggers the hook${on === 'CUSTOM' ? ' (ON = CUSTOM needs STATE and LCM_STATE)' : ''}`);
    return;
  }
  if (!KEY_PART.test(state)) problem('STATE', `STATE must be a state name without blanks or "/", got ${JSON.stringify(state)}`);
  if (isVm && (lcmState === undefined || lcmState === '')) {
    problem('LCM_STATE', 'LCM_STATE missing: VM hooks with ON = CUSTOM need the LCM state too, e.g. LCM_STATE = LCM_INIT');
    return;
  }
  lcmState ??= '';
  if (lcmState !== '' && !KEY_PART.test(lcmState)) problem('LCM_STATE', `LCM_STATE must be a state name without blanks or "/", got ${JSON.stringify(lcmState)}`);
  spec.state = state;
  spec.lcmState = lcmState;
  if (on !== undefined) {
    delete t.ON;
    t.STATE = state;
    if (lcmState !== '' || isVm) t.LCM_STATE = lcmState;
  }
}
