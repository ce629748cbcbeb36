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

export function executionEnvironment(
  identity: ExecutionIdentity,
  remote: boolean,
  extra: Readonly<Record<string, string>>,
  source: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of remote ? [...INHERITED_VARIABLES, ...REMOTE_INHERITED_VARIABLES] : INHERITED_VARIABLES) {
    const value = source[name];
    if (value !== undefined) env[name] = value;
  }
  env.PATH ??= DEFAULT_PATH;
  Object.assign(env, extra);
  env.HOOKLINE_HOOK_ID = String(identity.hookId);
  env.HOOKLINE_HOOK_NAME = identity.hookName;
  env.HOOKLINE_EVENT_ID = identity.eventId;
  env.HOOKLINE_EVENT_KEY = identity.eventKey;
  return env;
}
