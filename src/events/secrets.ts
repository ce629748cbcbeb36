/**
 * Secret masking for API event documents. Runs before an event is accepted,
 * so no stored, published or hook-visible copy ever holds the secret. Masking
 * works on a copy: the caller's objects are never changed.
 *
 * Two rules, both from OpenNebula's request manager:
 * - by position: `one.*` calls carry the session string first (OpenNebula
 *   always hides parameter 0), and some calls carry a password at a fixed
 *   position (`one.user.allocate` and `one.user.passwd` hide parameter 2);
 * - by name: any object property whose name looks like a credential is
 *   masked wherever it appears in PARAMETERS, RESULT or OBJECT.
 */

export const MASK = '****';

export interface SecretPolicy {
  /** 0-based PARAMETERS positions to mask, per call. */
  readonly positions: Readonly<Record<string, readonly number[]>>;
  /** Calls with this prefix carry a session string in PARAMETERS[0], which is masked; null disables. */
  readonly sessionCallPrefix: string | null;
  /** Property names whose values are masked at any depth. */
  readonly names: RegExp;
}

export const DEFAULT_SECRET_POLICY: SecretPolicy = Object.freeze({
  positions: Object.freeze({
    'one.user.allocate': [2],
    'one.user.passwd': [2],
    'one.user.login': [2],
  }),
  sessionCallPrefix: 'one.',
  names: /pass(?:wd|word|phrase)?$|password|secret|token|api[-_]?key|private[-_]?key|^session$|^credentials?$|^authorization$/i,
});

/** Returns a masked copy of `value`: properties matching `policy.names` hold MASK instead. */
export function maskByName(value: unknown, policy: SecretPolicy = DEFAULT_SECRET_POLICY): unknown {
  if (Array.isArray(value)) return value.map((v) => maskByName(v, policy));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = policy.names.test(k) && v !== null && v !== undefined && v !== '' ? MASK : maskByName(v, policy);
  }
  return out;
}

/** Masks PARAMETERS by position and by name, and RESULT/OBJECT by name. Returns copies. */
export function maskApiParts(
  call: string,
  parameters: readonly unknown[],
  result: unknown,
  object: unknown,
  policy: SecretPolicy = DEFAULT_SECRET_POLICY,
): { parameters: unknown[]; result: unknown; object: unknown } {
  const masked = parameters.map((p) => maskByName(p, policy));
  const positions = new Set(Object.hasOwn(policy.positions, call) ? policy.positions[call] : []);
  if (policy.sessionCallPrefix !== null && call.startsWith(policy.sessionCallPrefix)) positions.add(0);
  for (const i of positions) if (i < masked.length) masked[i] = MASK;
  return { parameters: masked, result: maskByName(result, policy), object: maskByName(object, policy) };
}
