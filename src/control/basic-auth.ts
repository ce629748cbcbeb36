/**
 * HTTP Basic authentication for the control channel. Credentials are fixed at
 * start (password files read once); every check compares against every client
 * in constant time, so timing reveals neither users nor passwords.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import type { Logger } from '../core/logger.js';
import { logMessage } from '../core/messages.js';
import { ControlError } from './errors.js';
import { controlMessages as M } from './messages.js';
import { formatMode } from './socket-path-guard.js';

export interface BasicAuthClient {
  user: string;
  /** Exactly one of `password` and `passwordFile`. */
  password?: string;
  /** A file holding the password; one trailing newline is ignored. */
  passwordFile?: string;
}

export interface BasicAuthOptions {
  clients: BasicAuthClient[];
  /** Sent in WWW-Authenticate; default "hookline". */
  realm?: string;
}

export type AuthOutcome = { ok: true; user: string } | { ok: false; reason: string };

export class BasicAuthenticator {
  readonly realm: string;
  private readonly digests: Array<{ user: string; digest: Buffer }>;

  constructor(options: BasicAuthOptions | undefined, logger: Logger) {
    if (options === undefined || !Array.isArray(options.clients) || options.clients.length === 0) {
      throw new ControlError('CTRL_AUTH_NOT_CONFIGURED', 'the HTTP control channel requires Basic authentication with at least one client ({ user, password } or { user, passwordFile }); refusing to start without it.');
    }
    this.realm = options.realm ?? 'hookline';
    this.digests = options.clients.map((c, i) => ({ user: c.user, digest: digest(`${c.user}:${passwordOf(c, i, logger)}`) }));
  }

  /** Checks an Authorization header value. */
  check(header: string | undefined): AuthOutcome {
    if (header === undefined || header === '') return { ok: false, reason: 'no credentials (Basic authentication is required)' };
    const m = /^basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
    if (m === null) return { ok: false, reason: 'credentials are not Basic authentication' };
    const presented = digest(Buffer.from(m[1]!, 'base64').toString('utf8'));
    let user: string | undefined;
    for (const c of this.digests) {
      // no early exit: every client costs the same
      if (crypto.timingSafeEqual(presented, c.digest) && user === undefined) user = c.user;
    }
    return user === undefined ? { ok: false, reason: 'invalid user or password' } : { ok: true, user };
  }
}

function digest(s: string): Buffer {
  return crypto.createHash('sha256').update(s, 'utf8').digest();
}

function passwordOf(c: BasicAuthClient, index: number, logger: Logger): string {
  const where = `authentication client ${index}`;
  if (typeof c.user !== 'string' || c.user === '' || c.user.includes(':')) {
    throw new ControlError('CTRL_AUTH_INVALID_CLIENT', `${where}: "user" must be a non-empty string without ":"`);
  }
  if ((c.password === undefined) === (c.passwordFile === undefined)) {
    throw new ControlError('CTRL_AUTH_INVALID_CLIENT', `${where} (${c.user}): give exactly one of "password" and "password-file"`);
  }
  let password = c.password;
  if (c.passwordFile !== undefined) {
    let st: fs.Stats;
    try {
      st = fs.statSync(c.passwordFile);
      password = fs.readFileSync(c.passwordFile, 'utf8').replace(/\r?\n$/, '');
    } catch (err) {
      throw new ControlError('CTRL_PASSWORD_FILE_UNREADABLE', `${where} (${c.user}): cannot read password file ${c.passwordFile}: ${(err as Error).message}`, { cause: err });
    }
    if ((st.mode & 0o044) !== 0) logMessage(logger, M.CTRL_PASSWORD_FILE_READABLE, { file: c.passwordFile, user: c.user, mode: formatMode(st.mode) });
  }
  if (password === undefined || password === '') {
    throw new ControlError('CTRL_AUTH_INVALID_CLIENT', `${where} (${c.user}): the password is empty; an empty password is refused`);
  }
  return password;
}
