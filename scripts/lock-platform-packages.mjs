#!/usr/bin/env node
/**
 * Restores lockfile entries for platform-specific optional packages that the registry this project is
 * developed against does not carry (for example `@tailwindcss/oxide-darwin-arm64`). `npm install` silently
 * leaves such an optional package out of package-lock.json, and `npm ci` then refuses the lockfile as out of
 * sync. The entries added here name the package's version, OS and CPU only: npm skips them on other platforms
 * and fetches them by version where they apply.
 *
 * Run after `npm install` changes the lockfile: `node scripts/lock-platform-packages.mjs`.
 */
import fs from 'node:fs';

const FILE = new URL('../package-lock.json', import.meta.url);
const OS = ['android', 'darwin', 'freebsd', 'linux', 'win32', 'openbsd', 'sunos', 'aix'];
const CPU = { arm64: 'arm64', x64: 'x64', arm: 'arm', ia32: 'ia32', wasm32: 'wasm32' };

const lock = JSON.parse(fs.readFileSync(FILE, 'utf8'));
const packages = lock.packages;
let added = 0;
for (const [key, entry] of Object.entries(packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const where = `node_modules/${name}`;
    if (packages[where] || packages[`${key}/${where}`]) continue;
    const parts = name.split('/').pop().split('-');
    const os = parts.find((p) => OS.includes(p));
    const cpu = parts.map((p) => CPU[p]).find(Boolean);
    if (!cpu) continue;
    packages[where] = {
      version: version.replace(/^[\^~=]/, ''),
      cpu: [cpu],
      ...(entry.dev ? { dev: true } : {}),
      optional: true,
      ...(os ? { os: [os] } : {}),
    };
    added++;
  }
}
fs.writeFileSync(FILE, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`lock-platform-packages: ${added} entr${added === 1 ? 'y' : 'ies'} added`);
