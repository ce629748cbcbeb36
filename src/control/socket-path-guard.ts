/**
 * Makes a Unix control socket path safe to listen on, or refuses: the
 * directory must exist, belong to us (or root) and be no looser than 0750; an
 * existing file must be a socket nobody answers on, which is then removed.
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { Logger } from '../core/logger.js';
import { logMessage } from '../core/messages.js';
import { ControlError } from './errors.js';
import { controlMessages as M } from './messages.js';

/** sun_path is 108 bytes on Linux, including the terminating NUL. */
const MAX_SOCKET_PATH_BYTES = 107;

const octal = (mode: number): string => '0' + (mode & 0o777).toString(8).padStart(3, '0');

export async function prepareSocketPath(socketPath: string, logger: Logger): Promise<void> {
  if (Buffer.byteLength(socketPath) > MAX_SOCKET_PATH_BYTES) {
    throw new ControlError('CTRL_SOCKET_PATH_TOO_LONG', `control socket path ${socketPath} is ${Buffer.byteLength(socketPath)} bytes long; Unix sockets allow at most ${MAX_SOCKET_PATH_BYTES}. Use a shorter socket-name or data-directory.`);
  }
  checkDirectory(path.dirname(socketPath));
  let st: fs.Stats;
  try {
    st = fs.lstatSync(socketPath);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new ControlError('CTRL_LISTEN_FAILED', `cannot inspect control socket path ${socketPath}: ${(err as Error).message}`, { cause: err });
  }
  if (!st.isSocket()) {
    throw new ControlError('CTRL_SOCKET_PATH_NOT_SOCKET', `control socket path ${socketPath} exists and is not a socket; refusing to replace it. Remove it or choose another socket-name.`);
  }
  if (await somebodyListens(socketPath)) {
    throw new ControlError('CTRL_SOCKET_IN_USE', `control socket ${socketPath} is in use by another running process; stop it or choose another socket-name.`);
  }
  try {
    fs.unlinkSync(socketPath);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new ControlError('CTRL_LISTEN_FAILED', `cannot remove stale control socket ${socketPath}: ${(err as Error).message}`, { cause: err });
    }
  }
  logMessage(logger, M.CTRL_STALE_SOCKET_REMOVED, { path: socketPath });
}

function checkDirectory(dir: string): void {
  let st: fs.Stats;
  try {
    st = fs.statSync(dir);
  } catch (err) {
    throw new ControlError('CTRL_SOCKET_DIR_MISSING', `control socket directory ${dir} does not exist (${(err as NodeJS.ErrnoException).code}); create it with mode 0750 or stricter.`, { cause: err });
  }
  if (!st.isDirectory()) {
    throw new ControlError('CTRL_SOCKET_DIR_MISSING', `control socket directory ${dir} is not a directory.`);
  }
  // group write, or any access for others, would let another user replace or reach the socket
  if ((st.mode & 0o027) !== 0) {
    throw new ControlError('CTRL_SOCKET_DIR_INSECURE', `control socket directory ${dir} has mode ${octal(st.mode)}, which lets group members write or other users enter it; expected 0750 or stricter (chmod 750 ${dir}).`);
  }
  const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
  if (uid !== undefined && st.uid !== uid && st.uid !== 0) {
    throw new ControlError('CTRL_SOCKET_DIR_NOT_OWNED', `control socket directory ${dir} belongs to uid ${st.uid}, not to this process (uid ${uid}) or root; its owner could replace the socket.`);
  }
}

function somebodyListens(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createConnection({ path: socketPath });
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', (err: NodeJS.ErrnoException) => {
      probe.destroy();
      // ECONNREFUSED / ENOENT: the file is a leftover. Anything else: assume it is live.
      resolve(!(err.code === 'ECONNREFUSED' || err.code === 'ENOENT'));
    });
  });
}

export { octal as formatMode };
