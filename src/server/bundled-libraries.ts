/**
 * The libraries shipped in src/libraries, by bare name. They are found by
 * path (the daemon never imports them itself), and load through the same
 * loader and contract as any user library.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('../libraries/', import.meta.url));

export function bundledLibraries(): Map<string, string> {
  const out = new Map<string, string>();
  let files: string[] = [];
  try {
    files = fs.readdirSync(dir);
  } catch {
    return out;
  }
  for (const f of files) {
    if (f.endsWith('.js') && !f.endsWith('.d.js')) out.set(f.slice(0, -3), path.join(dir, f));
  }
  return out;
}
