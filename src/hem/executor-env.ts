/**
 * The environment of a hook command. It starts empty rather than from the
 * daemon's, so the daemon's secrets (tokens, database URLs) never reach hook
 * scripts: only the variables below pass through, plus the configured extras
 * and the HOOKLINE_* variables describing the execution.
 */

/** Passed through from the daemon when set. */
export const INHERITED_VARIABLES: readonly string[] = ['PATH', 'HOME', 'USER', 'LOGNAME', 'LANG', 'LC_ALL', 'LC_CTYPE', 'TZ', 'TMPDIR'];
/** Also passed through for REMOTE hooks, so that ssh can use the agent. */
export const REMOTE_INHERITED_VARIABLES: readonly string[] = ['SSH_AUTH_SOCK'];
const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export interface ExecutionIdentity {
  hookId: number;
  hookName: string;
  eventId: string;
  eventKey: string;
}

/** The part shared by every execution; computed once, when the executor is made. */
export function baseEnvironment(
  remote: boolean,
  extra: Readonly<Record<string, string>>,
  source: NodeJS.ProcessEnv = process.env,
): Readonly<Record<string, string>> {
  const env: Record<string, string> = {};
  for (const name of remote ? [...INHERITED_VARIABLES, ...REMOTE_INHERITED_VARIABLES] : INHERITED_VARIABLES) {
    const value = source[name];
    if (value !== undefined) env[name] = value;
  }
  env.PATH ??= DEFAULT_PATH;
  return Object.freeze(Object.assign(env, extra));
}

export function executionEnvironment(base: Readonly<Record<string, string>>, identity: ExecutionIdentity): Record<string, string> {
  return {
    ...base,
    HOOKLINE_HOOK_ID: String(identity.hookId),
    HOOKLINE_HOOK_NAME: identity.hookName,
    HOOKLINE_EVENT_ID: identity.eventId,
    HOOKLINE_EVENT_KEY: identity.eventKey,
  };
}
