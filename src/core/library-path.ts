/**
 * Where a library named in configuration lives, and the rule that it must lie
 * inside the hooks directory once symbolic links are resolved (Kea's 2025 fix
 * for arbitrary library loading, applied from the start).
 *
 * A name is resolved as:
 *  - a path (contains '/' or ends in .js/.mjs): relative to the hooks directory;
 *  - a bare name: an npm package in `<hooks>/node_modules`, else a bundled
 *    library of that name (shipped with Hookline, so trusted like the framework).
 */
import fs from 'node:fs';
import path from 'node:path';
import { LibraryLoadError } from './errors.js';

export interface ResolvedLibrary {
  /** Absolute real path of the module file to import. */
  file: string;
  via: 'file' | 'package' | 'bundled';
}

export interface LibraryPathOptions {
  hooksPath: string;
  /** Bundled libraries: bare name -> absolute module path. */
  bundled?: ReadonlyMap<string, string>;
}

const PATH_LIKE = /[\\/]|\.(m?js|cjs)$/;
const PACKAGE_NAME = /^(@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*$/i;

function refused(library: string, reason: string): LibraryLoadError {
  return new LibraryLoadError(library, 'HOOKS_LIBRARY_PATH_REFUSED', reason);
}

function notFound(library: string, reason: string, cause?: unknown): LibraryLoadError {
  return new LibraryLoadError(library, 'HOOKS_OPEN_ERROR', reason, { cause });
}

function realHooksDir(library: string, hooksPath: string): string {
  try {
    return fs.realpathSync(hooksPath);
  } catch (err) {
    throw notFound(library, `the hooks directory ${hooksPath} does not exist or cannot be read`, err);
  }
}

function insideDir(dir: string, file: string): boolean {
  const rel = path.relative(dir, file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

function confine(library: string, hooksDir: string, candidate: string): string {
  let real: string;
  try {
    real = fs.realpathSync(candidate);
  } catch (err) {
    throw notFound(library, `no such file: ${candidate}`, err);
  }
  if (!insideDir(hooksDir, real)) {
    throw refused(library, real === path.resolve(candidate)
      ? `${real} is outside the hooks directory ${hooksDir}`
      : `${candidate} resolves (through a symbolic link) to ${real}, which is outside the hooks directory ${hooksDir}`);
  }
  if (!fs.statSync(real).isFile()) throw notFound(library, `${real} is not a file`);
  return real;
}

/** The module file named by a package.json: `exports` ('.' / import / default), then `module`, `main`, `index.js`. */
function packageEntry(pkgDir: string, pkg: Record<string, unknown>): string {
  let exp: unknown = pkg.exports;
  if (exp !== null && typeof exp === 'object' && !Array.isArray(exp) && '.' in exp) exp = (exp as Record<string, unknown>)['.'];
  while (exp !== null && typeof exp === 'object' && !Array.isArray(exp)) {
    const o = exp as Record<string, unknown>;
    exp = o.import ?? o.node ?? o.default;
  }
  const entry = typeof exp === 'string' ? exp : typeof pkg.module === 'string' ? pkg.module : typeof pkg.main === 'string' ? pkg.main : 'index.js';
  return path.join(pkgDir, entry);
}

export function resolveLibrary(library: string, options: LibraryPathOptions): ResolvedLibrary {
  if (typeof library !== 'string' || library.trim() === '') throw notFound(String(library), 'the library name is empty');
  const hooksDir = realHooksDir(library, options.hooksPath);
  const scopedPackage = /^@[^/\\]+\/[^/\\]+$/.test(library) && !/\.(m?js|cjs)$/.test(library);
  if (!scopedPackage && PATH_LIKE.test(library)) {
    return { file: confine(library, hooksDir, path.resolve(hooksDir, library)), via: 'file' };
  }
  if (!PACKAGE_NAME.test(library)) throw notFound(library, 'not a file name ending in .js/.mjs nor a valid npm package name');
  const pkgDir = path.join(hooksDir, 'node_modules', library);
  const pkgJson = path.join(pkgDir, 'package.json');
  if (fs.existsSync(pkgJson)) {
    let pkg: Record<string, unknown>;
    try {
      pkg = JSON.parse(fs.readFileSync(pkgJson, 'utf8'));
    } catch (err) {
      throw notFound(library, `cannot read ${pkgJson}: ${(err as Error).message}`, err);
    }
    return { file: confine(library, hooksDir, packageEntry(pkgDir, pkg)), via: 'package' };
  }
  const bundled = options.bundled?.get(library);
  if (bundled !== undefined) return { file: bundled, via: 'bundled' };
  throw notFound(library, `no file of that name, no package ${pkgDir}, and no bundled library "${library}"`
    + (options.bundled?.size ? ` (bundled: ${[...options.bundled.keys()].join(', ')})` : ''));
}
