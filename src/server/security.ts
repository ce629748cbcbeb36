/**
 * The daemon's refusals, checked on every configuration before it is applied:
 * a world-writable hooks directory (anyone could plant a library there), and
 * a data directory that is created 0700 and must not be writable by others.
 */
import fs from 'node:fs';
import { ServerError } from './errors.js';

/** Throws when `dir` (or the directory a symlink points to) is writable by everyone. Missing is allowed. */
export function checkHooksDirectory(dir: string): { exists: boolean } {
  let st: fs.Stats;
  try {
    st = fs.statSync(dir);
  } catch {
    return { exists: false };
  }
  if (!st.isDirectory()) throw new ServerError('SERVER_HOOKS_PATH_NOT_DIRECTORY', `hooks-path ${dir} is not a directory`);
  if ((st.mode & 0o002) !== 0) {
    throw new ServerError('SERVER_HOOKS_PATH_WORLD_WRITABLE',
      `hooks-path ${dir} is writable by every user (mode ${(st.mode & 0o777).toString(8)}); refusing to load libraries from it. Run: chmod o-w ${dir}`);
  }
  return { exists: true };
}

/** Creates the data directory 0700 if it is missing; refuses one that others can write. */
export function prepareDataDirectory(dir: string): void {
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (err) {
    throw new ServerError('SERVER_DATA_DIRECTORY', `cannot create data-directory ${dir}: ${(err as Error).message}`, { cause: err });
  }
  const st = fs.statSync(dir);
  if (!st.isDirectory()) throw new ServerError('SERVER_DATA_DIRECTORY', `data-directory ${dir} is not a directory`);
  if ((st.mode & 0o022) !== 0) {
    throw new ServerError('SERVER_DATA_DIRECTORY_UNSAFE',
      `data-directory ${dir} is writable by group or others (mode ${(st.mode & 0o777).toString(8)}); it holds the control socket and the database. Run: chmod 700 ${dir}`);
  }
}
