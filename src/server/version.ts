/** The package's name and version, read once from package.json. */
import fs from 'node:fs';

const pkg = JSON.parse(fs.readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
  name: string; version: string; dependencies?: Record<string, string>;
};

export const PACKAGE_NAME = pkg.name;
export const VERSION = pkg.version;
export const DEPENDENCIES = pkg.dependencies ?? {};
